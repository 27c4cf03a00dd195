// One IAM user and what hangs off it, behind aws-sdk-client-mock, answering as AWS documents:
// DeleteUser fails with DeleteConflict while the user still has a login profile, access keys,
// signing certificates, SSH public keys, service-specific credentials, MFA devices, inline or
// attached policies or group memberships (IAM User Guide, "Deleting an IAM user"; IAM API
// Reference, DeleteUser). moto lets DeleteUser succeed with most of these attached, so the order
// of removal is tested here. Every call is recorded as [action, target].
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteConflictException,
  DeleteLoginProfileCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachUserPolicyCommand,
  type IAMClientResolvedConfig,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
  RemoveUserFromGroupCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  TagUserCommand,
  UpdateAccessKeyCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateSigningCertificateCommand,
  UpdateSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import type { AwsStub } from 'aws-sdk-client-mock';

type IamMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, IAMClientResolvedConfig>;

/** The fields of every request this fake answers. */
interface Input {
  readonly UserName?: string;
  readonly AccessKeyId?: string;
  readonly CertificateId?: string;
  readonly SSHPublicKeyId?: string;
  readonly ServiceSpecificCredentialId?: string;
  readonly SerialNumber?: string;
  readonly PolicyName?: string;
  readonly PolicyArn?: string;
  readonly GroupName?: string;
  readonly Status?: Status;
  readonly Tags?: readonly { readonly Key?: string; readonly Value?: string }[];
}

type Status = 'Active' | 'Inactive';

export interface FakeUserState {
  exists: boolean;
  loginProfile: boolean;
  accessKeys: Map<string, Status>;
  signingCertificates: Map<string, Status>;
  sshPublicKeys: Map<string, Status>;
  serviceSpecificCredentials: Map<string, Status>;
  /** Serial numbers of the devices assigned to the user. */
  mfaDevices: Set<string>;
  /** Virtual MFA devices in the account (they outlive their user unless deleted). */
  virtualMfaDevices: Set<string>;
  inlinePolicies: Set<string>;
  attachedPolicies: Set<string>;
  groups: Set<string>;
  boundary: string | undefined;
  tags: Map<string, string>;
}

export interface FakeIamUser {
  readonly state: FakeUserState;
  /** `[action, target]` for every call, in order. */
  readonly calls: [string, string][];
  /** Runs after each call with its action: lets a test add something mid-way. */
  afterCall: ((action: string) => void) | undefined;
  /** Names of the calls only, in order. */
  actions(): string[];
}

export function emptyUserState(): FakeUserState {
  return {
    exists: true,
    loginProfile: false,
    accessKeys: new Map(),
    signingCertificates: new Map(),
    sshPublicKeys: new Map(),
    serviceSpecificCredentials: new Map(),
    mfaDevices: new Set(),
    virtualMfaDevices: new Set(),
    inlinePolicies: new Set(),
    attachedPolicies: new Set(),
    groups: new Set(),
    boundary: undefined,
    tags: new Map(),
  };
}

const noSuchEntity = (what: string) =>
  new NoSuchEntityException({ message: `${what} cannot be found.`, $metadata: {} });

/** What DeleteUser's DeleteConflict names, or undefined when the user may be deleted. */
export function blockingDependents(state: FakeUserState): string | undefined {
  if (state.loginProfile) return 'login profile';
  if (state.accessKeys.size > 0) return 'access keys';
  if (state.signingCertificates.size > 0) return 'signing certificates';
  if (state.sshPublicKeys.size > 0) return 'SSH public keys';
  if (state.serviceSpecificCredentials.size > 0) return 'service-specific credentials';
  if (state.mfaDevices.size > 0) return 'MFA devices';
  if (state.inlinePolicies.size > 0) return 'inline policies';
  if (state.attachedPolicies.size > 0) return 'attached policies';
  if (state.groups.size > 0) return 'group memberships';
  return undefined;
}

/** Wires `mock` to answer for one user named `userName` with `state`. */
export function fakeIamUser(mock: IamMock, userName: string, state: FakeUserState): FakeIamUser {
  const fake: FakeIamUser = {
    state,
    calls: [],
    afterCall: undefined,
    actions: () => fake.calls.map(([action]) => action),
  };
  const on = (
    command: abstract new (...args: never[]) => unknown,
    action: string,
    target: (input: Input) => string,
    answer: (input: Input) => object,
  ) => {
    // Each command's own input type is wider than this fake needs; Input names the fields it reads.
    mock.on(command as unknown as Parameters<IamMock['on']>[0]).callsFake((input: Input) => {
      fake.calls.push([action, target(input)]);
      if (input.UserName !== undefined && (input.UserName !== userName || !state.exists))
        throw noSuchEntity(`The user with name ${input.UserName}`);
      const output = answer(input);
      fake.afterCall?.(action);
      return output;
    });
  };
  const remove = <K>(set: Map<K, unknown> | Set<K>, key: K, what: string) => {
    if (!set.delete(key)) throw noSuchEntity(what);
    return {};
  };
  const setStatus = (map: Map<string, Status>, id: string, status: Status | undefined, what: string) => {
    if (!map.has(id)) throw noSuchEntity(what);
    map.set(id, status ?? 'Active');
    return {};
  };
  const list = (map: Map<string, Status>) => [...map].map(([id, status]) => ({ id, status }));

  on(
    ListAccessKeysCommand,
    'ListAccessKeys',
    () => userName,
    () => ({
      AccessKeyMetadata: list(state.accessKeys).map(({ id, status }) => ({
        AccessKeyId: id,
        Status: status,
      })),
    }),
  );
  on(
    ListSigningCertificatesCommand,
    'ListSigningCertificates',
    () => userName,
    () => ({
      Certificates: list(state.signingCertificates).map(({ id, status }) => ({
        CertificateId: id,
        Status: status,
      })),
    }),
  );
  on(
    ListSSHPublicKeysCommand,
    'ListSSHPublicKeys',
    () => userName,
    () => ({
      SSHPublicKeys: list(state.sshPublicKeys).map(({ id, status }) => ({
        SSHPublicKeyId: id,
        Status: status,
      })),
    }),
  );
  on(
    ListServiceSpecificCredentialsCommand,
    'ListServiceSpecificCredentials',
    () => userName,
    () => ({
      ServiceSpecificCredentials: list(state.serviceSpecificCredentials).map(({ id, status }) => ({
        ServiceSpecificCredentialId: id,
        Status: status,
      })),
    }),
  );
  on(
    ListMFADevicesCommand,
    'ListMFADevices',
    () => userName,
    () => ({
      MFADevices: [...state.mfaDevices].map((serial) => ({ SerialNumber: serial })),
    }),
  );
  on(
    ListUserPoliciesCommand,
    'ListUserPolicies',
    () => userName,
    () => ({
      PolicyNames: [...state.inlinePolicies],
    }),
  );
  on(
    DeleteLoginProfileCommand,
    'DeleteLoginProfile',
    () => userName,
    () => {
      if (!state.loginProfile) throw noSuchEntity(`Login profile for ${userName}`);
      state.loginProfile = false;
      return {};
    },
  );
  on(
    DeleteAccessKeyCommand,
    'DeleteAccessKey',
    (input) => input.AccessKeyId ?? '',
    (input) => remove(state.accessKeys, input.AccessKeyId, 'The access key'),
  );
  on(
    UpdateAccessKeyCommand,
    'UpdateAccessKey',
    (input) => `${input.AccessKeyId}=${input.Status}`,
    (input) => setStatus(state.accessKeys, input.AccessKeyId ?? '', input.Status, 'The access key'),
  );
  on(
    DeleteSigningCertificateCommand,
    'DeleteSigningCertificate',
    (input) => input.CertificateId ?? '',
    (input) => remove(state.signingCertificates, input.CertificateId, 'The certificate'),
  );
  on(
    UpdateSigningCertificateCommand,
    'UpdateSigningCertificate',
    (input) => `${input.CertificateId}=${input.Status}`,
    (input) =>
      setStatus(state.signingCertificates, input.CertificateId ?? '', input.Status, 'The certificate'),
  );
  on(
    DeleteSSHPublicKeyCommand,
    'DeleteSSHPublicKey',
    (input) => input.SSHPublicKeyId ?? '',
    (input) => remove(state.sshPublicKeys, input.SSHPublicKeyId, 'The SSH key'),
  );
  on(
    UpdateSSHPublicKeyCommand,
    'UpdateSSHPublicKey',
    (input) => `${input.SSHPublicKeyId}=${input.Status}`,
    (input) => setStatus(state.sshPublicKeys, input.SSHPublicKeyId ?? '', input.Status, 'The SSH key'),
  );
  on(
    DeleteServiceSpecificCredentialCommand,
    'DeleteServiceSpecificCredential',
    (input) => input.ServiceSpecificCredentialId ?? '',
    (input) => remove(state.serviceSpecificCredentials, input.ServiceSpecificCredentialId, 'The credential'),
  );
  on(
    UpdateServiceSpecificCredentialCommand,
    'UpdateServiceSpecificCredential',
    (input) => `${input.ServiceSpecificCredentialId}=${input.Status}`,
    (input) =>
      setStatus(
        state.serviceSpecificCredentials,
        input.ServiceSpecificCredentialId ?? '',
        input.Status,
        'The credential',
      ),
  );
  on(
    DeactivateMFADeviceCommand,
    'DeactivateMFADevice',
    (input) => input.SerialNumber ?? '',
    (input) => remove(state.mfaDevices, input.SerialNumber, 'The MFA device'),
  );
  on(
    DeleteVirtualMFADeviceCommand,
    'DeleteVirtualMFADevice',
    (input) => input.SerialNumber ?? '',
    (input) => {
      const serial = input.SerialNumber ?? '';
      // AWS: "You must deactivate a user's virtual MFA device before you can delete it."
      if (state.mfaDevices.has(serial))
        throw new DeleteConflictException({ message: 'MFA device is still assigned', $metadata: {} });
      return remove(state.virtualMfaDevices, serial, 'The virtual MFA device');
    },
  );
  on(
    DeleteUserPolicyCommand,
    'DeleteUserPolicy',
    (input) => input.PolicyName ?? '',
    (input) => remove(state.inlinePolicies, input.PolicyName, 'The user policy'),
  );
  on(
    DetachUserPolicyCommand,
    'DetachUserPolicy',
    (input) => input.PolicyArn ?? '',
    (input) => remove(state.attachedPolicies, input.PolicyArn, 'The policy attachment'),
  );
  on(
    RemoveUserFromGroupCommand,
    'RemoveUserFromGroup',
    (input) => input.GroupName ?? '',
    (input) => remove(state.groups, input.GroupName, 'The group membership'),
  );
  on(
    DeleteUserPermissionsBoundaryCommand,
    'DeleteUserPermissionsBoundary',
    () => userName,
    () => {
      // AWS answers success when the user has no boundary.
      state.boundary = undefined;
      return {};
    },
  );
  on(
    TagUserCommand,
    'TagUser',
    (input) => (input.Tags ?? []).map((tag) => `${tag.Key}=${tag.Value}`).join(','),
    (input) => {
      for (const tag of input.Tags ?? []) state.tags.set(tag.Key ?? '', tag.Value ?? '');
      return {};
    },
  );
  on(
    DeleteUserCommand,
    'DeleteUser',
    () => userName,
    () => {
      const blocker = blockingDependents(state);
      if (blocker !== undefined) {
        throw new DeleteConflictException({
          message: `Cannot delete entity, must remove ${blocker} first.`,
          $metadata: {},
        });
      }
      state.exists = false;
      return {};
    },
  );
  return fake;
}
