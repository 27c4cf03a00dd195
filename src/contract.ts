// The contract between the action, the credential Lambda and the infrastructure
// (see docs/architecture.md). Every part imports these names from here, so they cannot drift.

/** The IAM path managed users live under, unless configured otherwise. */
export const DEFAULT_IAM_PATH = '/iam-gitops/';

/** Tag keys with this prefix are reserved for iam-gitops; roster files may not set them. */
export const RESERVED_TAG_PREFIX = 'iam-gitops:';

/** `<owner>/<repo>` of the repository whose roster manages the user. Scope marker. */
export const TAG_MANAGED_BY = 'iam-gitops:managed-by';
/** Where the Lambda sends sign-in details. */
export const TAG_EMAIL = 'iam-gitops:email';
/** Set by the action to ask the Lambda for new credentials; value: ISO time and run id. */
export const TAG_CREDENTIALS_REQUESTED = 'iam-gitops:credentials-requested';
/** Set by the Lambda after a successful email; value: the id of the event it answered. */
export const TAG_CREDENTIALS_SENT = 'iam-gitops:credentials-sent';
/** `true` or `false`: whether the user gets console access (the Lambda acts only on `true`). */
export const TAG_CONSOLE = 'iam-gitops:console';
/** Set when a user is offboarded with on-remove: disable; value: ISO time. */
export const TAG_DISABLED_AT = 'iam-gitops:disabled-at';

/** Tag keys the action itself writes on a user (the Lambda's own marker is not among them). */
export const ACTION_OWNED_TAG_KEYS: readonly string[] = [TAG_MANAGED_BY, TAG_EMAIL, TAG_CONSOLE];

/**
 * Tag slots kept free for the reserved tags (managed-by, email, console, credentials-requested,
 * credentials-sent, disabled-at), so a roster file may set at most 50 - 6 tags of its own.
 */
export const RESERVED_TAG_SLOTS = 6;

/** IAM's own limits, from the IAM User Guide ("IAM and AWS STS quotas"). */
export const IAM_LIMITS = {
  userNameMaxLength: 64,
  userNamePattern: /^[\w+=,.@-]+$/,
  tagsPerUser: 50,
  tagKeyMaxLength: 128,
  tagValueMaxLength: 256,
  groupsPerUser: 10,
  managedPoliciesPerUser: 10,
  pathMaxLength: 512,
} as const;

/** Names the project in every AWS call's user agent, so CloudTrail shows who called. */
export const USER_AGENT_PRODUCT = 'iam-gitops';

/**
 * AWS managed policy that lets a user change their own password. The AWS console attaches it
 * when it creates a user who must reset the password at first sign-in; the API does not, so
 * the plan attaches it to every user with `console: true` (counted in IAM's 10-policy limit).
 */
export const CHANGE_PASSWORD_POLICY_ARN = 'arn:aws:iam::aws:policy/IAMUserChangePassword';

/**
 * The IAM actions the apply role's calls need on users under the managed path, by the part of
 * the product that makes them. The infrastructure grants exactly these and its tests check them.
 */
export const APPLY_USER_ACTIONS = {
  core: [
    'iam:CreateUser',
    'iam:TagUser',
    'iam:UntagUser',
    'iam:AttachUserPolicy',
    'iam:DetachUserPolicy',
    /**
     * Only ever to the guardrail's boundary (IAM checks iam:PermissionsBoundary). Removing one,
     * iam:DeleteUserPermissionsBoundary, is not granted: a compromised workflow could otherwise
     * lift the limit a boundary sets. The plan never removes one, and offboarding does not need to.
     */
    'iam:PutUserPermissionsBoundary',
  ],
  /** Resource is the group, not the user. */
  groupMembership: ['iam:AddUserToGroup', 'iam:RemoveUserFromGroup'],
  /**
   * Offboarding (src/iam/offboard-user.ts) and invitation expiry (src/commands/stale-invites.ts).
   * `disable` deactivates what `delete` deletes: the Update* actions set Status=Inactive on access
   * keys, signing certificates, SSH keys and service-specific credentials.
   */
  offboarding: [
    'iam:GetLoginProfile',
    'iam:DeleteLoginProfile',
    'iam:ListAccessKeys',
    'iam:UpdateAccessKey',
    'iam:DeleteAccessKey',
    'iam:ListSigningCertificates',
    'iam:UpdateSigningCertificate',
    'iam:DeleteSigningCertificate',
    'iam:ListSSHPublicKeys',
    'iam:UpdateSSHPublicKey',
    'iam:DeleteSSHPublicKey',
    'iam:ListServiceSpecificCredentials',
    'iam:UpdateServiceSpecificCredential',
    'iam:DeleteServiceSpecificCredential',
    'iam:ListMFADevices',
    'iam:DeactivateMFADevice',
    'iam:ListUserPolicies',
    'iam:DeleteUserPolicy',
    'iam:DeleteUser',
  ],
  /** Resource is the MFA device (`mfa/...`), not the user. */
  offboardingMfa: ['iam:DeleteVirtualMFADevice'],
  /**
   * Adoption (`adopt: true`) moves an existing user under the managed path with UpdateUser. IAM
   * authorizes a path change against the user's current ARN, which is outside the managed path,
   * as well as the new one; so this action cannot be limited to the managed path like the others.
   * Grant it on users without a managed-by tag of another repository (the plan refuses to adopt
   * those too), or leave it out to turn adoption off: the move then fails with AccessDenied.
   */
  adoption: ['iam:UpdateUser'],
  /**
   * The stale-invitation report reads PasswordLastUsed with ListUsers (PathPrefix = the managed
   * path), which GetAccountAuthorizationDetails does not return. Account-wide: no resource.
   */
  invites: ['iam:ListUsers'],
  /** Read-only, account-wide (these actions take no resource). */
  read: ['iam:GetAccountAuthorizationDetails'],
} as const;

/** Environment variables of the credential Lambda, read once at cold start. */
export const LAMBDA_ENV = {
  sender: 'SENDER_EMAIL',
  managedPath: 'IAM_PATH',
  topicArn: 'TOPIC_ARN',
  emailDomain: 'EMAIL_DOMAIN',
  signInUrl: 'SIGN_IN_URL',
  /** Required: the apply role's ARN, path included; only its sessions' events are acted on. */
  applyRoleArn: 'APPLY_ROLE_ARN',
  /** Optional, comma-separated: credentials are emailed only inside these domains (guardrails). */
  recipientDomains: 'RECIPIENT_DOMAINS',
  /** Optional: the SES configuration set (the infrastructure's requires TLS) every credentials email names. */
  configurationSet: 'CONFIGURATION_SET',
  /**
   * Many accounts only (the central Lambda in the hub): the accounts whose events it answers, each
   * through its own credentials role, as compact JSON (MemberAccountsValue): account id -> name,
   * `{"111111111111":"prod"}`, with role names only where they differ from the defaults. The
   * Lambda derives the role ARNs itself (src/accounts/target-accounts.ts, resolveMemberAccount),
   * so a hundred accounts fit in Lambda's 4 KB of environment.
   */
  memberAccounts: 'MEMBER_ACCOUNTS',
} as const;

/**
 * One value of MEMBER_ACCOUNTS, keyed by the account id: the account's name, or its name and the
 * role names (under /iam-gitops/) that are not the defaults.
 */
export type MemberAccountEntry =
  | string
  | {
      readonly name: string;
      readonly applyRole?: string | undefined;
      readonly credentialsRole?: string | undefined;
    };

/** MEMBER_ACCOUNTS as JSON: account id -> entry, in the order of `accounts:`. */
export type MemberAccountsValue = Readonly<Record<string, MemberAccountEntry>>;

/**
 * One member account as the central Lambda holds it (DESIGN.md, "Many accounts"): a
 * MEMBER_ACCOUNTS entry with the role ARNs derived in the Lambda's own partition.
 */
export interface MemberAccount {
  /** 12-digit account id. */
  readonly id: string;
  /** The name in iam-gitops.yaml `accounts:`; the email names the account by its alias, else this. */
  readonly name: string;
  /** The member's apply role (the one the hub apply role chains into): the only principal acted for. */
  readonly applyRoleArn: string;
  /** The role the central Lambda assumes there for GetUser, login profiles and the marker. */
  readonly credentialsRoleArn: string;
}

/**
 * The credential Lambda's CloudWatch metrics (Powertools Metrics, embedded metric format). The
 * infrastructure's alarms watch them by these names, so both import them from here.
 */
export const LAMBDA_METRICS = {
  namespace: 'IamGitops',
  /** Powertools' `service` dimension, on every metric. */
  service: 'credential-lambda',
  /** An email went out. */
  sent: 'CredentialsSent',
  /** A request refused by provenance or scope (forged, replayed, out of scope): alarmed. */
  refused: 'RequestsRefused',
  /** A user who should get credentials but cannot (no or disallowed recipient): alarmed. */
  undeliverable: 'UndeliverableUsers',
  /** A record that failed and goes back to AWS for a retry (then the DLQ). */
  failed: 'RecordsFailed',
} as const;
