// Offboards one managed user whose roster file is gone: the apply side of an `offboard-user`
// change. The plan named what the snapshot shows (groups, attached and inline policies,
// boundary); the credentials are only known here, so they are listed for this user alone (a
// handful of List* calls) and removed or deactivated.
//
// delete: AWS's order ("Deleting an IAM user (AWS API)", IAM User Guide): login profile, access
//   keys, signing certificates, SSH public keys, service-specific credentials, MFA devices
//   (deactivate; delete the virtual ones), inline policies, attached policies, group memberships,
//   then DeleteUser, which fails with DeleteConflict while any of these remain. The permissions
//   boundary is not among them: DeleteUser takes it with the user, and the apply role may not
//   remove a boundary (DESIGN.md, "Guardrails"). A DeleteConflict (something added meanwhile)
//   gets one more sweep of what can be listed, then one more DeleteUser.
// disable: the login profile deleted, access keys, signing certificates, SSH keys and
//   service-specific credentials set Inactive, inline policies deleted, managed policies detached,
//   groups left; then access keys are listed once more (one created while this ran is deactivated
//   too) and, last, the user is tagged iam-gitops:disabled-at. The tag comes last so that a run
//   stopped halfway leaves a user the next plan still offboards, never one marked done too early.
//   MFA devices and the boundary stay: they grant nothing, and a restored user finds them in place.
//
// Every removal is idempotent (NoSuchEntity = already gone); EntityTemporarilyUnmodifiable and
// ConcurrentModification are retried with jittered exponential backoff. Listings use the SDK's
// paginators. What was done is returned as steps; putting it into words is the renderer's job
// (summarizeOffboarding in src/plan/render-markdown.ts).
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachUserPolicyCommand,
  type IAMClient,
  ListServiceSpecificCredentialsCommand,
  type ListServiceSpecificCredentialsCommandOutput,
  paginateListAccessKeys,
  paginateListMFADevices,
  paginateListSigningCertificates,
  paginateListSSHPublicKeys,
  paginateListUserPolicies,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateSigningCertificateCommand,
  UpdateSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { TAG_DISABLED_AT } from '../contract.js';
import type { OffboardChange } from '../plan/plan.js';
import { type Sleep, withRetry } from '../util/retry.js';
import { isAwsError } from './aws-error.js';

export interface OffboardOptions {
  /** The clock for the disabled-at tag. */
  readonly now?: () => Date;
  /** For the backoff between retries; tests pass one that does not wait. */
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/** One IAM call that removed or deactivated something. */
export interface OffboardStep {
  /** The IAM action, e.g. `DeleteLoginProfile`. */
  readonly call: string;
  /** What it acted on: an access key id, a policy ARN, a group, the user. */
  readonly target: string;
  /** `already-gone`: IAM answered NoSuchEntity, so there was nothing to remove. */
  readonly result: 'done' | 'already-gone';
}

export interface OffboardReport {
  /** `already-done`: the user was gone (delete) or held nothing to take away (disable) already. */
  readonly status: 'done' | 'already-done';
  readonly steps: readonly OffboardStep[];
}

/** The credentials IAM lists for one user, with their status. */
export interface UserCredentials {
  readonly accessKeys: readonly Credential[];
  readonly signingCertificates: readonly Credential[];
  readonly sshPublicKeys: readonly Credential[];
  readonly serviceSpecificCredentials: readonly Credential[];
  /** Serial numbers; empty unless listed (delete only). */
  readonly mfaDevices: readonly string[];
}

interface Credential {
  readonly id: string;
  readonly active: boolean;
}

/** IAM's answers that mean "try again in a moment": another change to this entity is in flight. */
export const TRANSIENT_CODES = ['EntityTemporarilyUnmodifiable', 'ConcurrentModification'] as const;

/** A virtual MFA device is an IAM resource (`arn:aws:iam::<account>:mfa/<name>`) that outlives the user. */
const VIRTUAL_MFA_SERIAL = /^arn:aws[a-z-]*:iam::\d{12}:mfa\//;

export function isVirtualMfaSerial(serial: string): boolean {
  return VIRTUAL_MFA_SERIAL.test(serial);
}

/** IAM's largest page for these listings. */
const PAGE_SIZE = 1000;

/**
 * ListServiceSpecificCredentials pages with Marker like the others, but the SDK (3.1169) ships no
 * paginator for it: this one follows the Marker the same way the SDK's do.
 */
async function* paginateListServiceSpecificCredentials(
  iam: IAMClient,
  UserName: string,
): AsyncGenerator<ListServiceSpecificCredentialsCommandOutput> {
  let Marker: string | undefined;
  do {
    const page = await iam.send(
      new ListServiceSpecificCredentialsCommand({
        UserName,
        MaxItems: PAGE_SIZE,
        ...(Marker ? { Marker } : {}),
      }),
    );
    yield page;
    Marker = page.Marker;
  } while (Marker);
}

/** Every item of every page, each page mapped by `items`. */
async function collect<Page, Item>(
  pages: AsyncIterable<Page>,
  items: (page: Page) => Item[],
): Promise<Item[]> {
  const all: Item[] = [];
  for await (const page of pages) all.push(...items(page));
  return all;
}

/** IAM's credential status is `Active`, `Inactive` or (service-specific credentials) `Expired`. */
function isActive(status: string | undefined): boolean {
  return status === undefined || status === 'Active';
}

class Offboarding {
  readonly steps: OffboardStep[] = [];

  constructor(
    private readonly iam: IAMClient,
    readonly change: OffboardChange,
    private readonly options: OffboardOptions,
  ) {}

  get user(): string {
    return this.change.user;
  }

  /** One IAM call, retried while IAM says the entity is busy. */
  send<T>(work: () => Promise<T>): Promise<T> {
    return withRetry(work, {
      shouldRetry: (error) => isAwsError(error, ...TRANSIENT_CODES),
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
    });
  }

  /** A removal: NoSuchEntity means it is gone already, which is what was wanted. */
  async remove(call: string, target: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await this.send(work);
      this.steps.push({ call, target, result: 'done' });
    } catch (error) {
      if (!isAwsError(error, 'NoSuchEntity')) throw error;
      this.steps.push({ call, target, result: 'already-gone' });
    }
  }

  /**
   * A whole listing, retried from its start while IAM says the user is busy (a listing changes
   * nothing, so starting over is safe).
   */
  listAll<T>(list: () => Promise<T[]>): Promise<T[]> {
    return this.send(list);
  }

  /** The user's credentials, or undefined when the user does not exist (any more). */
  async readCredentials(withMfa: boolean): Promise<UserCredentials | undefined> {
    try {
      return {
        accessKeys: await this.listAccessKeys(),
        signingCertificates: await this.listSigningCertificates(),
        sshPublicKeys: await this.listSshPublicKeys(),
        serviceSpecificCredentials: await this.listServiceSpecificCredentials(),
        mfaDevices: withMfa ? await this.listMfaDevices() : [],
      };
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity')) return undefined;
      throw error;
    }
  }

  listAccessKeys(): Promise<Credential[]> {
    const UserName = this.user;
    return this.listAll(() =>
      collect(paginateListAccessKeys({ client: this.iam, pageSize: PAGE_SIZE }, { UserName }), (page) =>
        (page.AccessKeyMetadata ?? []).flatMap((key) =>
          key.AccessKeyId ? [{ id: key.AccessKeyId, active: isActive(key.Status) }] : [],
        ),
      ),
    );
  }

  listSigningCertificates(): Promise<Credential[]> {
    const UserName = this.user;
    return this.listAll(() =>
      collect(
        paginateListSigningCertificates({ client: this.iam, pageSize: PAGE_SIZE }, { UserName }),
        (page) =>
          (page.Certificates ?? []).flatMap((cert) =>
            cert.CertificateId ? [{ id: cert.CertificateId, active: isActive(cert.Status) }] : [],
          ),
      ),
    );
  }

  listSshPublicKeys(): Promise<Credential[]> {
    const UserName = this.user;
    return this.listAll(() =>
      collect(paginateListSSHPublicKeys({ client: this.iam, pageSize: PAGE_SIZE }, { UserName }), (page) =>
        (page.SSHPublicKeys ?? []).flatMap((key) =>
          key.SSHPublicKeyId ? [{ id: key.SSHPublicKeyId, active: isActive(key.Status) }] : [],
        ),
      ),
    );
  }

  listServiceSpecificCredentials(): Promise<Credential[]> {
    return this.listAll(() =>
      collect(paginateListServiceSpecificCredentials(this.iam, this.user), (page) =>
        (page.ServiceSpecificCredentials ?? []).flatMap((credential) =>
          credential.ServiceSpecificCredentialId
            ? [{ id: credential.ServiceSpecificCredentialId, active: isActive(credential.Status) }]
            : [],
        ),
      ),
    );
  }

  listMfaDevices(): Promise<string[]> {
    const UserName = this.user;
    return this.listAll(() =>
      collect(paginateListMFADevices({ client: this.iam, pageSize: PAGE_SIZE }, { UserName }), (page) =>
        (page.MFADevices ?? []).flatMap((device) => (device.SerialNumber ? [device.SerialNumber] : [])),
      ),
    );
  }

  async listInlinePolicies(): Promise<string[]> {
    const UserName = this.user;
    try {
      return await this.listAll(() =>
        collect(
          paginateListUserPolicies({ client: this.iam, pageSize: PAGE_SIZE }, { UserName }),
          (page) => page.PolicyNames ?? [],
        ),
      );
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity')) return [];
      throw error;
    }
  }

  async deleteLoginProfile(): Promise<void> {
    await this.remove('DeleteLoginProfile', this.user, () =>
      this.iam.send(new DeleteLoginProfileCommand({ UserName: this.user })),
    );
  }

  /** Delete: every credential and MFA device, in AWS's order. */
  async deleteCredentials(credentials: UserCredentials): Promise<void> {
    const { iam } = this;
    const UserName = this.user;
    for (const key of credentials.accessKeys) {
      await this.remove('DeleteAccessKey', key.id, () =>
        iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: key.id })),
      );
    }
    for (const cert of credentials.signingCertificates) {
      await this.remove('DeleteSigningCertificate', cert.id, () =>
        iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: cert.id })),
      );
    }
    for (const key of credentials.sshPublicKeys) {
      await this.remove('DeleteSSHPublicKey', key.id, () =>
        iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: key.id })),
      );
    }
    for (const credential of credentials.serviceSpecificCredentials) {
      await this.remove('DeleteServiceSpecificCredential', credential.id, () =>
        iam.send(
          new DeleteServiceSpecificCredentialCommand({
            UserName,
            ServiceSpecificCredentialId: credential.id,
          }),
        ),
      );
    }
    for (const serial of credentials.mfaDevices) {
      await this.remove('DeactivateMFADevice', serial, () =>
        iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber: serial })),
      );
      if (isVirtualMfaSerial(serial)) {
        await this.remove('DeleteVirtualMFADevice', serial, () =>
          iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })),
        );
      }
    }
  }

  /** Disable: every active credential set Inactive (kept, so an audit still sees it). */
  async deactivateCredentials(credentials: UserCredentials): Promise<void> {
    const { iam } = this;
    const UserName = this.user;
    const Status = 'Inactive';
    for (const key of credentials.accessKeys.filter((c) => c.active)) {
      await this.remove('UpdateAccessKey', key.id, () =>
        iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId: key.id, Status })),
      );
    }
    for (const cert of credentials.signingCertificates.filter((c) => c.active)) {
      await this.remove('UpdateSigningCertificate', cert.id, () =>
        iam.send(new UpdateSigningCertificateCommand({ UserName, CertificateId: cert.id, Status })),
      );
    }
    for (const key of credentials.sshPublicKeys.filter((c) => c.active)) {
      await this.remove('UpdateSSHPublicKey', key.id, () =>
        iam.send(new UpdateSSHPublicKeyCommand({ UserName, SSHPublicKeyId: key.id, Status })),
      );
    }
    for (const credential of credentials.serviceSpecificCredentials.filter((c) => c.active)) {
      await this.remove('UpdateServiceSpecificCredential', credential.id, () =>
        iam.send(
          new UpdateServiceSpecificCredentialCommand({
            UserName,
            ServiceSpecificCredentialId: credential.id,
            Status,
          }),
        ),
      );
    }
  }

  /** Inline policies, then attached ones, then groups: the permissions the user holds. */
  async removePermissions(inlinePolicyNames: readonly string[]): Promise<void> {
    const { iam } = this;
    const UserName = this.user;
    for (const PolicyName of inlinePolicyNames) {
      await this.remove('DeleteUserPolicy', PolicyName, () =>
        iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName })),
      );
    }
    for (const PolicyArn of this.change.attachedPolicyArns) {
      await this.remove('DetachUserPolicy', PolicyArn, () =>
        iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn })),
      );
    }
    for (const GroupName of this.change.groups) {
      await this.remove('RemoveUserFromGroup', GroupName, () =>
        iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName })),
      );
    }
  }

  async deleteUser(): Promise<'done' | 'already-gone'> {
    try {
      await this.send(() => this.iam.send(new DeleteUserCommand({ UserName: this.user })));
      this.steps.push({ call: 'DeleteUser', target: this.user, result: 'done' });
      return 'done';
    } catch (error) {
      if (!isAwsError(error, 'NoSuchEntity')) throw error;
      this.steps.push({ call: 'DeleteUser', target: this.user, result: 'already-gone' });
      return 'already-gone';
    }
  }

  report(status: OffboardReport['status']): OffboardReport {
    return { status, steps: this.steps };
  }
}

async function deleteUser(offboarding: Offboarding, iam: IAMClient): Promise<OffboardReport> {
  const { change } = offboarding;
  const credentials = await offboarding.readCredentials(true);
  if (credentials === undefined) return offboarding.report('already-done');
  await offboarding.deleteLoginProfile();
  await offboarding.deleteCredentials(credentials);
  await offboarding.removePermissions(change.inlinePolicyNames);
  try {
    await offboarding.deleteUser();
  } catch (error) {
    if (!isAwsError(error, 'DeleteConflict')) throw error;
    // Something was added after the lists above (a new key, an inline policy): sweep once more.
    const again = await offboarding.readCredentials(true);
    if (again === undefined) return offboarding.report('done');
    await offboarding.deleteLoginProfile();
    await offboarding.deleteCredentials(again);
    for (const PolicyName of await offboarding.listInlinePolicies()) {
      await offboarding.remove('DeleteUserPolicy', PolicyName, () =>
        iam.send(new DeleteUserPolicyCommand({ UserName: change.user, PolicyName })),
      );
    }
    await offboarding.deleteUser();
  }
  return offboarding.report('done');
}

async function disableUser(
  offboarding: Offboarding,
  iam: IAMClient,
  now: () => Date,
): Promise<OffboardReport> {
  const { change } = offboarding;
  const credentials = await offboarding.readCredentials(false);
  if (credentials === undefined) return offboarding.report('already-done');
  await offboarding.deleteLoginProfile();
  await offboarding.deactivateCredentials(credentials);
  await offboarding.removePermissions(change.inlinePolicyNames);
  // An access key created while the permissions were still there: deactivated too.
  await offboarding.deactivateCredentials({
    accessKeys: await offboarding.listAccessKeys(),
    signingCertificates: [],
    sshPublicKeys: [],
    serviceSpecificCredentials: [],
    mfaDevices: [],
  });
  const disabledAt = now().toISOString();
  await offboarding.send(() =>
    iam.send(
      new TagUserCommand({ UserName: change.user, Tags: [{ Key: TAG_DISABLED_AT, Value: disabledAt }] }),
    ),
  );
  offboarding.steps.push({ call: 'TagUser', target: `${TAG_DISABLED_AT}=${disabledAt}`, result: 'done' });
  return offboarding.report('done');
}

export async function offboardUser(
  iam: IAMClient,
  change: OffboardChange,
  options: OffboardOptions = {},
): Promise<OffboardReport> {
  const offboarding = new Offboarding(iam, change, options);
  return change.mode === 'delete'
    ? deleteUser(offboarding, iam)
    : disableUser(offboarding, iam, options.now ?? (() => new Date()));
}
