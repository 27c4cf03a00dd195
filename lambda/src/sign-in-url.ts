// Where a user signs in, and what the email calls the account: the account's own console URL,
// which pre-fills the account on AWS's sign-in page, unless the deployment configured another
// (for example a custom domain).

export interface SignIn {
  readonly url: string;
  /** What the email names the account by: its alias, else the configured name, else its id. */
  readonly account: string;
}

export function signInFor(options: {
  readonly accountId: string;
  readonly alias: string | undefined;
  /** The account's name in iam-gitops.yaml `accounts:` (the central Lambda's member accounts). */
  readonly name?: string | undefined;
  readonly override: string | undefined;
}): SignIn {
  // The URL needs the alias or the id: AWS knows nothing of the roster's name for an account.
  const host = options.alias ?? options.accountId;
  return {
    url: options.override ?? `https://${host}.signin.aws.amazon.com/console`,
    account: options.alias ?? options.name ?? options.accountId,
  };
}
