// The roster checked against `guardrails` in iam-gitops.yaml (DESIGN.md, "Guardrails"). This is
// the first of three enforcers (then IAM, in the apply role's policy, then the credential
// Lambda): a user file asking for more than the repository allows is an error on its own line,
// on the pull request, before any AWS call. Pure: no I/O.
import { allowsAny, type RepoConfigSource } from '../config/load-repo-config.js';
import { ANY, type Guardrails } from '../config/repo-config-schema.js';
import { CHANGE_PASSWORD_POLICY_ARN } from '../contract.js';
import { isRecipientAllowed, POLICY_ARN_PATTERN } from '../settings/fields.js';
import { positionFor } from './parse-user-file.js';
import type { DesiredUser } from './roster.js';
import type { RosterIssue } from './roster-issue.js';

/** How many allowed values a message lists before it says "and N more". */
const LISTED = 6;

function listed(values: readonly string[]): string {
  const shown = values.slice(0, LISTED).join(', ');
  return values.length > LISTED ? `${shown} and ${values.length - LISTED} more` : shown;
}

function issueAt(user: DesiredUser, field: string, message: string): RosterIssue {
  return { file: user.source.file, field, ...positionFor(user.source.positions, field), message };
}

/**
 * Whether a user file's `permissionsBoundary` (always an ARN) is the guardrail's, which may be an
 * ARN or the name of a customer managed policy in each account: then any account's
 * `arn:<partition>:iam::<account>:policy/<name>` matches here, and the plan checks the account.
 */
export function boundaryMatches(fileArn: string, guardrail: string): boolean {
  if (POLICY_ARN_PATTERN.test(guardrail)) return fileArn === guardrail;
  const match = /^arn:aws[a-z-]*:iam::\d{12}:policy\/(.+)$/.exec(fileArn);
  return match?.[1] === guardrail;
}

/**
 * Where a user's credentials email goes, as the credential Lambda resolves it: the email field,
 * else the name when it is an address (both already in `user.email`), else `name@emailDomain`.
 */
export function recipientOf(user: DesiredUser, emailDomain: string | undefined): string | undefined {
  if (user.email !== undefined) return user.email;
  return emailDomain === undefined ? undefined : `${user.name}@${emailDomain}`;
}

/**
 * Every way `user` asks for more than `guardrails` allow, each on its own field:
 * - a group not in `groups`, a policy not in `policies` (IAMUserChangePassword is always allowed
 *   for console users, who get it anyway);
 * - a `permissionsBoundary` other than the guardrail's (leaving it out is fine: the plan sets the
 *   guardrail's on every managed user);
 * - an email address outside `recipientDomains`: the `iam-gitops:email` tag of any user (IAM's
 *   condition on that tag refuses the write, console or not), or the `name@emailDomain` a console
 *   user's credentials go to. Domains match exactly, in lower case, as IAM's case-sensitive
 *   StringLike does (`isRecipientAllowed`).
 */
export function guardrailIssues(
  user: DesiredUser,
  guardrails: Guardrails,
  options: { readonly configFile: string; readonly emailDomain?: string | undefined },
): RosterIssue[] {
  const { configFile } = options;
  const issues: RosterIssue[] = [];
  if (!allowsAny(guardrails.groups)) {
    user.groups.forEach((group, index) => {
      if (!guardrails.groups.includes(group)) {
        issues.push(
          issueAt(
            user,
            `groups.${index}`,
            `group "${group}" is not allowed by guardrails.groups in ${configFile} (allowed: ${listed(guardrails.groups) || 'none'})`,
          ),
        );
      }
    });
  }
  if (!allowsAny(guardrails.policies)) {
    user.policies.forEach((arn, index) => {
      if (guardrails.policies.includes(arn)) return;
      if (arn === CHANGE_PASSWORD_POLICY_ARN && user.console) return;
      issues.push(
        issueAt(
          user,
          `policies.${index}`,
          `policy ${arn} is not allowed by guardrails.policies in ${configFile} (allowed: ${listed(guardrails.policies) || 'none'}${user.console ? ', and IAMUserChangePassword for console users' : ''})`,
        ),
      );
    });
  }
  const boundary = guardrails.permissionsBoundary;
  if (
    boundary !== undefined &&
    user.permissionsBoundary !== undefined &&
    !boundaryMatches(user.permissionsBoundary, boundary)
  ) {
    issues.push(
      issueAt(
        user,
        'permissionsBoundary',
        `${user.permissionsBoundary} is not guardrails.permissionsBoundary in ${configFile} (${boundary}); leave the field out: every managed user gets that boundary`,
      ),
    );
  }
  const domains = guardrails.recipientDomains;
  if (domains !== undefined) {
    const recipient = user.console ? recipientOf(user, options.emailDomain) : user.email;
    if (recipient !== undefined && !isRecipientAllowed(recipient, domains)) {
      const field = user.source.positions.has('email') ? 'email' : 'name';
      const why = user.console
        ? 'credentials are emailed only inside guardrails.recipientDomains'
        : 'the iam-gitops:email tag may name only addresses inside guardrails.recipientDomains';
      issues.push(
        issueAt(
          user,
          field,
          `${recipient} is outside the allowed domains: ${why} in ${configFile} (${listed(domains)}; exact, lower case)`,
        ),
      );
    }
  }
  return issues;
}

/**
 * A guardrail list set to `'*'` is allowed (a conscious opt-out) but shown to every reviewer: one
 * warning per list, at its line in the configuration.
 */
export function guardrailWarnings(
  guardrails: Guardrails | undefined,
  source: RepoConfigSource,
): RosterIssue[] {
  if (guardrails === undefined) return [];
  const warnings: RosterIssue[] = [];
  const opted = [
    ['groups', guardrails.groups, 'IAM group', 'add users to'],
    ['policies', guardrails.policies, 'managed policy', 'attach'],
  ] as const;
  for (const [key, list, what, verb] of opted) {
    if (!allowsAny(list)) continue;
    const field = `guardrails.${key}`;
    warnings.push({
      file: source.file,
      field,
      ...positionFor(source.positions, `${field}.${list.indexOf(ANY)}`),
      message: `'${ANY}' allows any ${what}: a user file may name any, and the apply role may ${verb} any; list the allowed ones to restrict it`,
    });
  }
  return warnings;
}
