// The email a user receives: subject, plain text and HTML, rendered from values that are all
// escaped before they reach the HTML (a user name may contain `&`, a password `'` and `&`).

export type EmailReason =
  /** The user was just created. */
  | 'new-user'
  /** Someone asked for new credentials (workflow_dispatch); the old password no longer works. */
  | 'resend';

export interface EmailInput {
  readonly reason: EmailReason;
  readonly userName: string;
  readonly password: string;
  readonly signInUrl: string;
  /** The account alias, or the 12-digit account id when the account has no alias. */
  readonly account: string;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in element content and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

function opening(reason: EmailReason, account: string): string {
  return reason === 'new-user'
    ? `An AWS user has been created for you in the AWS account ${account}. You can now sign in to the AWS Management Console.`
    : `New sign-in details were requested for your AWS user in the AWS account ${account}. Your previous password no longer works.`;
}

const FIRST_SIGN_IN =
  'The password is temporary: when you sign in with it, AWS asks you to choose a new password of your own straight away.';
const KEEP_PRIVATE =
  'Keep this email to yourself and delete it once you have signed in. Nobody will ever ask you for your password.';
const NOT_EXPECTED = 'If you did not expect this email, tell your AWS administrators.';

export function renderEmail(input: EmailInput): RenderedEmail {
  const subject =
    input.reason === 'new-user'
      ? `Your AWS sign-in details for ${input.account}`
      : `Your new AWS sign-in details for ${input.account}`;

  // The password stands alone on its line so that a double-click or a copy takes exactly it.
  const text = [
    'Hello,',
    '',
    opening(input.reason, input.account),
    '',
    `Sign-in page:        ${input.signInUrl}`,
    `User name:           ${input.userName}`,
    'Temporary password:',
    '',
    `    ${input.password}`,
    '',
    FIRST_SIGN_IN,
    '',
    KEEP_PRIVATE,
    NOT_EXPECTED,
    '',
    '-- sent by iam-gitops',
    '',
  ].join('\n');

  const e = {
    account: escapeHtml(input.account),
    url: escapeHtml(input.signInUrl),
    userName: escapeHtml(input.userName),
    password: escapeHtml(input.password),
  };
  const cell = 'padding:4px 12px 4px 0;vertical-align:top';
  const html = [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#16191f">',
    '<p>Hello,</p>',
    `<p>${escapeHtml(opening(input.reason, input.account))}</p>`,
    '<table role="presentation" style="border-collapse:collapse">',
    `<tr><td style="${cell}">Sign-in page</td><td style="${cell}"><a href="${e.url}">${e.url}</a></td></tr>`,
    `<tr><td style="${cell}">User name</td><td style="${cell}"><code>${e.userName}</code></td></tr>`,
    `<tr><td style="${cell}">Temporary password</td><td style="${cell}"><code style="font-size:17px;background:#f2f3f3;padding:2px 6px">${e.password}</code></td></tr>`,
    '</table>',
    `<p><strong>${escapeHtml(FIRST_SIGN_IN)}</strong></p>`,
    `<p>${escapeHtml(KEEP_PRIVATE)} ${escapeHtml(NOT_EXPECTED)}</p>`,
    `<p style="color:#5f6b7a;font-size:13px">Sent by iam-gitops for the AWS account ${e.account}.</p>`,
    '</body></html>',
  ].join('\n');

  return { subject, text, html };
}
