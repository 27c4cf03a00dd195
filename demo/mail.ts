// Reads the mail moto's SES accepted, and prints it as a person would see it, password masked.
export interface SentEmail {
  readonly subject: string;
  readonly body: string;
  readonly source: string;
  readonly destinations: { readonly ToAddresses?: readonly string[] };
}

export async function mailFor(endpoint: string, recipient: string): Promise<SentEmail[]> {
  const response = await fetch(`${endpoint}/moto-api/data.json`);
  if (!response.ok) throw new Error(`moto data.json answered ${response.status}`);
  const data = (await response.json()) as { ses?: { Message?: SentEmail[] | Record<string, SentEmail> } };
  const messages = data.ses?.Message ?? [];
  const all = Array.isArray(messages) ? messages : Object.values(messages);
  return all.filter((message) => message.destinations.ToAddresses?.includes(recipient));
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

/** moto keeps the HTML part of a Text + Html email; this turns it back into readable lines. */
function htmlToText(html: string): string {
  return html
    .replace(/<head>[\s\S]*<\/head>/i, '')
    .replace(/<(br|\/p|\/tr|\/h\d|\/li)[^>]*>/gi, '\n')
    .replace(/<\/td>/gi, '  ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity)
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
