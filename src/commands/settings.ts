// What the core needs to know, whichever front end (action or CLI) gathered it.

export interface RosterSettings {
  /** Where to read the roster files from. */
  readonly usersDir: string;
  /** How to name that directory in messages and annotations (relative to the repository root). */
  readonly displayDir: string;
  /** Lets console users without an email address receive mail at `<name>@<emailDomain>`. */
  readonly emailDomain: string | undefined;
}

export interface CoreSettings extends RosterSettings {
  /** The managed IAM path, `/iam-gitops/` style. */
  readonly iamPath: string;
  /** `<owner>/<repo>`: the value of the managed-by tag. */
  readonly repository: string;
}
