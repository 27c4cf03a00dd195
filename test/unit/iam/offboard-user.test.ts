import {
  ConcurrentModificationException,
  DeleteConflictException,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  EntityTemporarilyUnmodifiableException,
  IAMClient,
  IAMServiceException,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  RemoveUserFromGroupCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TAG_DISABLED_AT } from '../../../src/contract.js';
import { isVirtualMfaSerial, offboardUser } from '../../../src/iam/offboard-user.js';
import type { OffboardChange, OnRemove } from '../../../src/plan/plan.js';
import { emptyUserState, type FakeUserState, fakeIamUser } from '../support/fake-iam-user.js';

const iamMock = mockClient(IAMClient);
let iam: IAMClient;

beforeEach(() => {
  iamMock.reset();
  noWait.mockClear();
  iam = new IAMClient({ region: 'us-east-1' });
});

afterEach(() => {
  iam.destroy();
});

const USER = 'bob@example.com';
const ACCOUNT = '123456789012';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const CHANGE_PASSWORD = 'arn:aws:iam::aws:policy/IAMUserChangePassword';
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
const VIRTUAL_MFA = `arn:aws:iam::${ACCOUNT}:mfa/bob`;
const HARDWARE_MFA = 'GAHT12345678';
const NOW = new Date('2025-03-04T05:06:07.000Z');
const noWait = vi.fn(async (_ms: number) => {});

function change(mode: OnRemove, fields: Partial<OffboardChange> = {}): OffboardChange {
  return {
    kind: 'offboard-user',
    user: USER,
    arn: `arn:aws:iam::${ACCOUNT}:user/iam-gitops/${USER}`,
    mode,
    reason: 'its roster file was removed',
    groups: ['developers', 'oncall'],
    attachedPolicyArns: [CHANGE_PASSWORD, READ_ONLY],
    inlinePolicyNames: ['scratch'],
    permissionsBoundaryArn: BOUNDARY,
    ...fields,
  };
}

/** A user holding one of every kind of dependent resource, as the snapshot and IAM's lists show it. */
function fullyEquippedUser(): FakeUserState {
  const state = emptyUserState();
  state.loginProfile = true;
  state.accessKeys.set('AKIAACTIVE', 'Active');
  state.accessKeys.set('AKIAINACTIVE', 'Inactive');
  state.signingCertificates.set('CERT1', 'Active');
  state.sshPublicKeys.set('APKA1', 'Active');
  state.serviceSpecificCredentials.set('ACCA1', 'Active');
  state.mfaDevices.add(VIRTUAL_MFA);
  state.mfaDevices.add(HARDWARE_MFA);
  state.virtualMfaDevices.add(VIRTUAL_MFA);
  state.inlinePolicies.add('scratch');
  state.attachedPolicies.add(CHANGE_PASSWORD);
  state.attachedPolicies.add(READ_ONLY);
  state.groups.add('developers');
  state.groups.add('oncall');
  state.boundary = BOUNDARY;
  state.tags.set('iam-gitops:managed-by', 'acme/iam-users');
  return state;
}

describe('the fake IAM user (AWS documented behaviour)', () => {
  it('refuses DeleteUser with DeleteConflict while any dependent resource remains', async () => {
    const fake = fakeIamUser(iamMock, USER, fullyEquippedUser());

    await expect(iam.send(new DeleteUserCommand({ UserName: USER }))).rejects.toBeInstanceOf(
      DeleteConflictException,
    );
    expect(fake.state.exists).toBe(true);
  });
});

describe('offboardUser, delete', () => {
  it('removes every dependent resource in AWS order, then deletes the user in one DeleteUser', async () => {
    const fake = fakeIamUser(iamMock, USER, fullyEquippedUser());

    const report = await offboardUser(iam, change('delete'), { sleep: noWait });

    expect(fake.calls).toEqual([
      ['ListAccessKeys', USER],
      ['ListSigningCertificates', USER],
      ['ListSSHPublicKeys', USER],
      ['ListServiceSpecificCredentials', USER],
      ['ListMFADevices', USER],
      ['DeleteLoginProfile', USER],
      ['DeleteAccessKey', 'AKIAACTIVE'],
      ['DeleteAccessKey', 'AKIAINACTIVE'],
      ['DeleteSigningCertificate', 'CERT1'],
      ['DeleteSSHPublicKey', 'APKA1'],
      ['DeleteServiceSpecificCredential', 'ACCA1'],
      ['DeactivateMFADevice', VIRTUAL_MFA],
      ['DeleteVirtualMFADevice', VIRTUAL_MFA],
      ['DeactivateMFADevice', HARDWARE_MFA],
      ['DeleteUserPolicy', 'scratch'],
      ['DetachUserPolicy', CHANGE_PASSWORD],
      ['DetachUserPolicy', READ_ONLY],
      ['RemoveUserFromGroup', 'developers'],
      ['RemoveUserFromGroup', 'oncall'],
      ['DeleteUser', USER],
    ]);
    expect(report.status).toBe('done');
    expect(fake.state.exists).toBe(false);
    expect(fake.state.virtualMfaDevices.size).toBe(0);
    expect(noWait).not.toHaveBeenCalled();
  });

  it('makes no removal for a user that is gone already (a rerun after a lost answer)', async () => {
    const state = emptyUserState();
    state.exists = false;
    const fake = fakeIamUser(iamMock, USER, state);

    const report = await offboardUser(iam, change('delete'), { sleep: noWait });

    expect(fake.actions()).toEqual(['ListAccessKeys']);
    expect(report).toEqual({ status: 'already-done', steps: [] });
  });

  it('counts a removal that answers NoSuchEntity as already gone and carries on', async () => {
    const state = emptyUserState();
    state.accessKeys.set('AKIA1', 'Active');
    // The snapshot still showed the group; someone removed the membership since.
    const fake = fakeIamUser(iamMock, USER, state);

    const report = await offboardUser(
      iam,
      change('delete', { groups: ['developers'], attachedPolicyArns: [], inlinePolicyNames: [] }),
      { sleep: noWait },
    );

    expect(report.status).toBe('done');
    expect(report.steps).toContainEqual({ call: 'DeleteLoginProfile', target: USER, result: 'already-gone' });
    expect(report.steps).toContainEqual({
      call: 'RemoveUserFromGroup',
      target: 'developers',
      result: 'already-gone',
    });
    expect(report.steps).toContainEqual({ call: 'DeleteUser', target: USER, result: 'done' });
    expect(fake.state.exists).toBe(false);
  });

  it('sweeps once more when DeleteUser meets DeleteConflict (a key created meanwhile), then deletes', async () => {
    const state = emptyUserState();
    state.loginProfile = true;
    const fake = fakeIamUser(iamMock, USER, state);
    fake.afterCall = (action) => {
      if (action === 'DetachUserPolicy') state.accessKeys.set('AKIALATE', 'Active');
    };
    state.attachedPolicies.add(READ_ONLY);

    const report = await offboardUser(
      iam,
      change('delete', {
        groups: [],
        attachedPolicyArns: [READ_ONLY],
        inlinePolicyNames: [],
        permissionsBoundaryArn: undefined,
      }),
      { sleep: noWait },
    );

    expect(fake.actions().slice(-10)).toEqual([
      'DeleteUser',
      'ListAccessKeys',
      'ListSigningCertificates',
      'ListSSHPublicKeys',
      'ListServiceSpecificCredentials',
      'ListMFADevices',
      'DeleteLoginProfile',
      'DeleteAccessKey',
      'ListUserPolicies',
      'DeleteUser',
    ]);
    expect(report.status).toBe('done');
    expect(fake.state.exists).toBe(false);
  });

  it('fails with DeleteConflict when something it cannot list still blocks the user', async () => {
    const state = emptyUserState();
    // A group membership added after the snapshot: not in the plan, and not listable by the apply role.
    state.groups.add('added-by-hand');
    const fake = fakeIamUser(iamMock, USER, state);

    await expect(
      offboardUser(
        iam,
        change('delete', {
          groups: [],
          attachedPolicyArns: [],
          inlinePolicyNames: [],
          permissionsBoundaryArn: undefined,
        }),
        { sleep: noWait },
      ),
    ).rejects.toBeInstanceOf(DeleteConflictException);
    expect(fake.actions().filter((action) => action === 'DeleteUser')).toHaveLength(2);
    expect(fake.state.exists).toBe(true);
  });

  it('retries EntityTemporarilyUnmodifiable and ConcurrentModification with backoff', async () => {
    const fake = fakeIamUser(iamMock, USER, fullyEquippedUser());
    iamMock
      .on(DeleteUserCommand)
      .rejectsOnce(new EntityTemporarilyUnmodifiableException({ message: 'busy', $metadata: {} }))
      .callsFake(() => {
        fake.state.exists = false;
        return {};
      });
    iamMock
      .on(RemoveUserFromGroupCommand, { GroupName: 'oncall' })
      .rejectsOnce(new ConcurrentModificationException({ message: 'busy', $metadata: {} }))
      .resolves({});

    const report = await offboardUser(iam, change('delete'), { sleep: noWait, random: () => 0.5 });

    expect(report.status).toBe('done');
    expect(noWait).toHaveBeenCalledTimes(2);
    expect(noWait.mock.calls.every(([ms]) => ms >= 0 && ms <= 250)).toBe(true);
    expect(fake.state.exists).toBe(false);
  });

  it('gives up after its attempts and reports the error', async () => {
    fakeIamUser(iamMock, USER, emptyUserState());
    iamMock
      .on(DeleteUserCommand)
      .rejects(new ConcurrentModificationException({ message: 'still busy', $metadata: {} }));

    await expect(
      offboardUser(
        iam,
        change('delete', {
          groups: [],
          attachedPolicyArns: [],
          inlinePolicyNames: [],
          permissionsBoundaryArn: undefined,
        }),
        { sleep: noWait },
      ),
    ).rejects.toBeInstanceOf(ConcurrentModificationException);
    expect(iamMock.commandCalls(DeleteUserCommand)).toHaveLength(6);
  });

  it('deletes a user with a boundary without removing it: DeleteUser takes it, and the apply role may not', async () => {
    const fake = fakeIamUser(iamMock, USER, fullyEquippedUser());
    const denied = new IAMServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      message: 'not authorized to perform: iam:DeleteUserPermissionsBoundary',
      $metadata: {},
    });
    iamMock.on(DeleteUserPermissionsBoundaryCommand).rejects(denied);

    const report = await offboardUser(iam, change('delete'), { sleep: noWait });

    expect(report.status).toBe('done');
    expect(fake.state.exists).toBe(false);
    expect(iamMock.commandCalls(DeleteUserPermissionsBoundaryCommand)).toEqual([]);
    expect(report.steps.map((step) => step.call)).not.toContain('DeleteUserPermissionsBoundary');
  });

  it('reads every page of every credential list, 1,000 at a time (the SDK paginators)', async () => {
    fakeIamUser(iamMock, USER, emptyUserState());
    const inputs: Record<string, unknown>[] = [];
    // The paginators reuse one input object; record each request as it was sent.
    const twoPages = (first: object, second: object) => (input: Record<string, unknown>) => {
      inputs.push({ ...input });
      return input.Marker === undefined ? { ...first, IsTruncated: true, Marker: 'm1' } : second;
    };
    iamMock
      .on(ListAccessKeysCommand)
      .callsFake(
        twoPages(
          { AccessKeyMetadata: [{ AccessKeyId: 'AKIA1', Status: 'Active' }] },
          { AccessKeyMetadata: [{ AccessKeyId: 'AKIA2', Status: 'Active' }] },
        ),
      );
    iamMock
      .on(ListSigningCertificatesCommand)
      .callsFake(
        twoPages({ Certificates: [{ CertificateId: 'C1' }] }, { Certificates: [{ CertificateId: 'C2' }] }),
      );
    iamMock
      .on(ListSSHPublicKeysCommand)
      .callsFake(
        twoPages(
          { SSHPublicKeys: [{ SSHPublicKeyId: 'K1' }] },
          { SSHPublicKeys: [{ SSHPublicKeyId: 'K2' }] },
        ),
      );
    iamMock
      .on(ListServiceSpecificCredentialsCommand)
      .callsFake(
        twoPages(
          { ServiceSpecificCredentials: [{ ServiceSpecificCredentialId: 'S1' }] },
          { ServiceSpecificCredentials: [{ ServiceSpecificCredentialId: 'S2' }] },
        ),
      );
    iamMock
      .on(ListMFADevicesCommand)
      .callsFake(
        twoPages({ MFADevices: [{ SerialNumber: 'M1' }] }, { MFADevices: [{ SerialNumber: 'M2' }] }),
      );
    // The fake answers the removals: NoSuchEntity for what it does not hold, which counts as gone.

    const report = await offboardUser(
      iam,
      change('delete', { groups: [], attachedPolicyArns: [], inlinePolicyNames: [] }),
      { sleep: noWait },
    );

    expect(inputs).toEqual([
      { UserName: USER, MaxItems: 1000 },
      { UserName: USER, MaxItems: 1000, Marker: 'm1' },
      { UserName: USER, MaxItems: 1000 },
      { UserName: USER, MaxItems: 1000, Marker: 'm1' },
      { UserName: USER, MaxItems: 1000 },
      { UserName: USER, MaxItems: 1000, Marker: 'm1' },
      { UserName: USER, MaxItems: 1000 },
      { UserName: USER, MaxItems: 1000, Marker: 'm1' },
      { UserName: USER, MaxItems: 1000 },
      { UserName: USER, MaxItems: 1000, Marker: 'm1' },
    ]);
    const targets = (call: string) =>
      report.steps.filter((step) => step.call === call).map((step) => step.target);
    expect(targets('DeleteAccessKey')).toEqual(['AKIA1', 'AKIA2']);
    expect(targets('DeleteSigningCertificate')).toEqual(['C1', 'C2']);
    expect(targets('DeleteSSHPublicKey')).toEqual(['K1', 'K2']);
    expect(targets('DeleteServiceSpecificCredential')).toEqual(['S1', 'S2']);
    expect(targets('DeactivateMFADevice')).toEqual(['M1', 'M2']);
  });

  it('restarts a listing IAM answered as busy, and reads every page of inline policies in the second sweep', async () => {
    const state = emptyUserState();
    const fake = fakeIamUser(iamMock, USER, state);
    const busy = new EntityTemporarilyUnmodifiableException({ message: 'busy', $metadata: {} });
    iamMock.on(ListAccessKeysCommand).rejectsOnce(busy).resolves({ AccessKeyMetadata: [] });
    // An inline policy added after the plan: DeleteUser conflicts once, the sweep finds it on page 2.
    state.inlinePolicies.add('late');
    const inputs: Record<string, unknown>[] = [];
    iamMock.on(ListUserPoliciesCommand).callsFake((input: Record<string, unknown>) => {
      inputs.push({ ...input });
      return input.Marker === undefined
        ? { PolicyNames: [], IsTruncated: true, Marker: 'p2' }
        : { PolicyNames: ['late'], IsTruncated: false };
    });

    const report = await offboardUser(
      iam,
      change('delete', { groups: [], attachedPolicyArns: [], inlinePolicyNames: [] }),
      { sleep: noWait },
    );

    expect(noWait).toHaveBeenCalledTimes(1);
    expect(inputs).toEqual([
      { UserName: USER, MaxItems: 1000 },
      { UserName: USER, MaxItems: 1000, Marker: 'p2' },
    ]);
    expect(report.steps.filter((step) => step.call === 'DeleteUserPolicy').map((s) => s.target)).toEqual([
      'late',
    ]);
    expect(fake.state.exists).toBe(false);
  });
});

describe('offboardUser, disable', () => {
  it('deletes the login profile, deactivates credentials, drops permissions, and tags disabled-at last', async () => {
    const fake = fakeIamUser(iamMock, USER, fullyEquippedUser());

    const report = await offboardUser(iam, change('disable'), { now: () => NOW, sleep: noWait });

    expect(fake.calls).toEqual([
      ['ListAccessKeys', USER],
      ['ListSigningCertificates', USER],
      ['ListSSHPublicKeys', USER],
      ['ListServiceSpecificCredentials', USER],
      ['DeleteLoginProfile', USER],
      ['UpdateAccessKey', 'AKIAACTIVE=Inactive'],
      ['UpdateSigningCertificate', 'CERT1=Inactive'],
      ['UpdateSSHPublicKey', 'APKA1=Inactive'],
      ['UpdateServiceSpecificCredential', 'ACCA1=Inactive'],
      ['DeleteUserPolicy', 'scratch'],
      ['DetachUserPolicy', CHANGE_PASSWORD],
      ['DetachUserPolicy', READ_ONLY],
      ['RemoveUserFromGroup', 'developers'],
      ['RemoveUserFromGroup', 'oncall'],
      ['ListAccessKeys', USER],
      ['TagUser', `${TAG_DISABLED_AT}=2025-03-04T05:06:07.000Z`],
    ]);
    expect(report.status).toBe('done');
    const { state } = fake;
    expect(state.exists).toBe(true);
    expect(state.loginProfile).toBe(false);
    expect([...state.accessKeys.values()]).toEqual(['Inactive', 'Inactive']);
    expect([...state.signingCertificates.values(), ...state.sshPublicKeys.values()]).toEqual([
      'Inactive',
      'Inactive',
    ]);
    expect([...state.serviceSpecificCredentials.values()]).toEqual(['Inactive']);
    expect([state.inlinePolicies.size, state.attachedPolicies.size, state.groups.size]).toEqual([0, 0, 0]);
    // Kept: they grant nothing, and a restored user finds them in place.
    expect(state.mfaDevices.size).toBe(2);
    expect(state.boundary).toBe(BOUNDARY);
    expect(state.tags.get('iam-gitops:managed-by')).toBe('acme/iam-users');
    expect(state.tags.get(TAG_DISABLED_AT)).toBe('2025-03-04T05:06:07.000Z');
  });

  it('deactivates an access key created while it ran', async () => {
    const state = emptyUserState();
    state.loginProfile = true;
    state.groups.add('developers');
    const fake = fakeIamUser(iamMock, USER, state);
    fake.afterCall = (action) => {
      if (action === 'DeleteLoginProfile') state.accessKeys.set('AKIALATE', 'Active');
    };

    await offboardUser(
      iam,
      change('disable', { groups: ['developers'], attachedPolicyArns: [], inlinePolicyNames: [] }),
      { now: () => NOW, sleep: noWait },
    );

    expect(state.accessKeys.get('AKIALATE')).toBe('Inactive');
    expect(fake.actions().indexOf('UpdateAccessKey')).toBeGreaterThan(
      fake.actions().indexOf('RemoveUserFromGroup'),
    );
  });

  it('does not tag disabled-at when a step fails, so the next plan offboards the user again', async () => {
    const fake = fakeIamUser(iamMock, USER, fullyEquippedUser());
    iamMock.on(UpdateAccessKeyCommand).rejects(
      new IAMServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'not allowed',
        $metadata: {},
      }),
    );

    await expect(offboardUser(iam, change('disable'), { now: () => NOW, sleep: noWait })).rejects.toThrow(
      'not allowed',
    );
    expect(fake.actions()).not.toContain('TagUser');
    expect(fake.state.tags.has(TAG_DISABLED_AT)).toBe(false);
  });

  it('never lists or touches MFA devices, the boundary, or the user itself', async () => {
    const fake = fakeIamUser(iamMock, USER, fullyEquippedUser());

    const report = await offboardUser(iam, change('disable'), { now: () => NOW, sleep: noWait });

    const calls = report.steps.map((step) => step.call);
    expect(calls).not.toContain('DeactivateMFADevice');
    expect(calls).not.toContain('DeleteUserPermissionsBoundary');
    expect(calls).not.toContain('DeleteUser');
    expect(iamMock.commandCalls(ListMFADevicesCommand)).toHaveLength(0);
    expect(fake.state.boundary).toBe(BOUNDARY);
  });

  it('reads only this user: one call per credential kind, plus one access-key check at the end', async () => {
    const fake = fakeIamUser(iamMock, USER, emptyUserState());

    await offboardUser(
      iam,
      change('disable', { groups: [], attachedPolicyArns: [], inlinePolicyNames: [] }),
      {
        now: () => NOW,
        sleep: noWait,
      },
    );

    expect(fake.calls).toEqual([
      ['ListAccessKeys', USER],
      ['ListSigningCertificates', USER],
      ['ListSSHPublicKeys', USER],
      ['ListServiceSpecificCredentials', USER],
      ['DeleteLoginProfile', USER],
      ['ListAccessKeys', USER],
      ['TagUser', `${TAG_DISABLED_AT}=${NOW.toISOString()}`],
    ]);
    expect(iamMock.calls()).toHaveLength(fake.calls.length);
  });
});

describe('isVirtualMfaSerial', () => {
  it.each([
    [VIRTUAL_MFA, true],
    ['arn:aws-us-gov:iam::123456789012:mfa/bob', true],
    [HARDWARE_MFA, false],
    ['arn:aws:iam::123456789012:u2f/user/bob/key-ABC', false],
  ])('%s -> %s', (serial, virtual) => {
    expect(isVirtualMfaSerial(serial)).toBe(virtual);
  });
});
