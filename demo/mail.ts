// Prints the mail moto's SES accepted as a person would see it, the password masked.
import { type SentEmail, unescapeHtml } from '../test/support/mailbox.js';

export { sentTo as mailFor } from '../test/support/mailbox.js';

/** moto keeps the HTML part of a Text + Html email; this turns it back into readable lines. */
function htmlToText(html: string): string {
  return html
    .replace(/<head>[\s\S]*<\/head>/i, '')
    .replace(/<(br|\/p|\/tr|\/h\d|\/li)[^>]*>/gi, '\n')
    .replace(/<\/td>/gi, '  ')
    .replace(/<[^>]+>/g, '')
    .replace(/[^\n]+/g, unescapeHtml)
    .split('\n')
    .map((line) => line.trim())
    .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
    .join('\n')
    .trim();
}

export function printEmail(mail: SentEmail, say: (line: string) => void): void {
  // The demo never prints a password: the temporary one is masked, as any log of ours would.
  const masked = mail.body.replace(
    /(Temporary password<\/td><td[^>]*><code[^>]*>)([^<]*)(<\/code>)/,
    (_all, open: string, password: string, close: string) => `${open}${'•'.repeat(password.length)}${close}`,
  );
  say(`     From: ${mail.source}`);
  say(`     Subject: ${mail.subject}`);
  for (const line of htmlToText(masked).split('\n')) say(`     | ${line}`);
}
