// Reads the email moto's SES "sent": `GET /moto-api/data.json` -> ses.Message. A server may be
// shared by many tests, so callers filter by their own unique recipient. Used by the Lambda's tests
// and the demo.
export interface SentEmail {
  readonly id: string;
  readonly source: string;
  readonly subject: string;
  /** With a Text and an Html part, moto keeps the HTML. */
  readonly body: string;
  readonly destinations: { readonly ToAddresses?: readonly string[] };
}

export async function sentTo(endpoint: string, recipient: string): Promise<SentEmail[]> {
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

export function unescapeHtml(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** The temporary password in a rendered email's HTML (the `<code>` after "Temporary password"). */
export function passwordInHtml(html: string): string {
  const match = /Temporary password<\/td><td[^>]*><code[^>]*>([^<]*)<\/code>/.exec(html);
  if (match?.[1] === undefined) throw new Error('no temporary password in the email');
  return unescapeHtml(match[1]);
}
