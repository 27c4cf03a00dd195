import {
  CreateGroupCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  GetUserCommand,
  IAMClient,
  paginateGetAccountAuthorizationDetails,
} from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cutListing,
  type PagingProxy,
  pageOf,
  startIamPagingProxy,
  topLevelMembers,
} from '../../bench/iam-paging-proxy.js';
import { freshAccount, motoEndpoint } from '../support/aws.js';

const USERS = ['ann', 'ben', 'cat', 'dan', 'eve'];

let proxy: PagingProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe('startIamPagingProxy', () => {
  it('pages the listing as IAM does, MaxItems users a page, and passes every other call through', async () => {
    const account = await freshAccount();
    const direct = new IAMClient(account.clientConfig);
    await direct.send(new CreateGroupCommand({ GroupName: 'team' }));
    for (const name of USERS) await direct.send(new CreateUserCommand({ UserName: name }));
    proxy = await startIamPagingProxy(motoEndpoint());
    const paged = new IAMClient({ ...account.clientConfig, endpoint: proxy.endpoint });

    const pages: { users: string[]; groups: string[] }[] = [];
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: paged, pageSize: 2 },
      { Filter: ['User', 'Group'] },
    )) {
      pages.push({
        users: (page.UserDetailList ?? []).map((user) => user.UserName ?? ''),
        groups: (page.GroupDetailList ?? []).map((group) => group.GroupName ?? ''),
      });
    }
    const user = await paged.send(new GetUserCommand({ UserName: 'cat' }));

    expect(pages.map((page) => page.users.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.users).sort()).toEqual(USERS);
    expect(pages.map((page) => page.groups)).toEqual([['team'], [], []]);
    expect(user.User?.UserName).toBe('cat');
    expect(proxy.requests).toEqual([
      { action: 'GetAccountAuthorizationDetails', page: 0, users: 2 },
      { action: 'GetAccountAuthorizationDetails', page: 1, users: 2 },
      { action: 'GetAccountAuthorizationDetails', page: 2, users: 1 },
      { action: 'GetUser' },
    ]);
  });

  it('refuses a marker it did not give, as IAM does', async () => {
    const account = await freshAccount();
    proxy = await startIamPagingProxy(motoEndpoint());
    const paged = new IAMClient({ ...account.clientConfig, endpoint: proxy.endpoint });

    const listing = paged.send(new GetAccountAuthorizationDetailsCommand({ Marker: 'forged' }));

    await expect(listing).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: 'Invalid Marker forged',
    });
  });
});

const MEMBER = (name: string) =>
  `<member><UserName>${name}</UserName><GroupList><member>team</member></GroupList><Tags><member><Key>k</Key><Value>v</Value></member></Tags></member>`;
const LISTING = `<R><GetAccountAuthorizationDetailsResult><UserDetailList>${MEMBER('a')}${MEMBER('b')}${MEMBER('c')}</UserDetailList><GroupDetailList><member><GroupName>team</GroupName></member></GroupDetailList><IsTruncated>false</IsTruncated></GetAccountAuthorizationDetailsResult><ResponseMetadata/></R>`;

describe('topLevelMembers', () => {
  it('cuts a list into its own members, whatever members they hold', () => {
    expect(topLevelMembers(`${MEMBER('a')}<member/>${MEMBER('b')}`)).toEqual([
      MEMBER('a'),
      '<member/>',
      MEMBER('b'),
    ]);
  });
});

describe('cutListing', () => {
  it('keeps the users apart from the other lists, without moto’s IsTruncated', () => {
    const cut = cutListing(LISTING);

    expect(cut?.users).toEqual([MEMBER('a'), MEMBER('b'), MEMBER('c')]);
    expect(cut?.otherLists).toBe(
      '<GroupDetailList><member><GroupName>team</GroupName></member></GroupDetailList>',
    );
  });

  it('answers undefined for anything but a listing', () => {
    expect(cutListing('<ErrorResponse/>')).toBeUndefined();
  });
});

describe('pageOf', () => {
  it('gives the first page the other lists and a marker, and the last page neither', () => {
    const cut = cutListing(LISTING);
    if (cut === undefined) throw new Error('not a listing');

    const first = pageOf(cut, 0, 2, 'next');
    const last = pageOf(cut, 1, 2, 'unused');

    expect(first).toContain(`<UserDetailList>${MEMBER('a')}${MEMBER('b')}</UserDetailList><GroupDetailList>`);
    expect(first).toContain(
      '<IsTruncated>true</IsTruncated><Marker>next</Marker></GetAccountAuthorizationDetailsResult>',
    );
    expect(last).toContain(
      `<UserDetailList>${MEMBER('c')}</UserDetailList><IsTruncated>false</IsTruncated></GetAccountAuthorizationDetailsResult>`,
    );
  });
});
