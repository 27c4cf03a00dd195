// Where a user signs in: the account's own console URL, which pre-fills the account on AWS's
// sign-in page, unless the deployment configured another (for example a custom domain).

/** The account id in an IAM ARN (`arn:aws:iam::123456789012:user/...`). */
export function accountIdFromArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1];
}

export interface SignIn {
  readonly url: string;
  /** The alias if the account has one, else its id: what the email names the account by. */
  readonly account: string;
}

export function signInFor(options: {
  readonly accountId: string;
  readonly alias: string | undefined;
  readonly override: string | undefined;
}): SignIn {
  const account = options.alias ?? options.accountId;
  return {
    url: options.override ?? `https://${account}.signin.aws.amazon.com/console`,
    account,
  };
}
