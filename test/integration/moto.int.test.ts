import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { freshAccount } from '../support/aws.js';

describe('freshAccount', () => {
  it('gives each test its own empty account', async () => {
    const first = await freshAccount();
    const second = await freshAccount();
    const iamFirst = new IAMClient(first.clientConfig);
    const iamSecond = new IAMClient(second.clientConfig);

    await iamFirst.send(new CreateUserCommand({ UserName: 'only-in-first' }));

    const user = await iamFirst.send(new GetUserCommand({ UserName: 'only-in-first' }));
    expect(user.User?.Arn).toBe(`arn:aws:iam::${first.accountId}:user/only-in-first`);
    const listed = await iamSecond.send(new ListUsersCommand({}));
    expect(listed.Users ?? []).toEqual([]);
  });
});
