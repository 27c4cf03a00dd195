// The two halves every test proxy in front of moto needs: read a body, forward a request.
import { type IncomingMessage, request } from 'node:http';

export interface ForwardedAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });
}

/** Sends `message` (whose body was already read) on to `upstream` and reads the whole answer. */
export function forward(upstream: URL, message: IncomingMessage, body: Buffer): Promise<ForwardedAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        path: message.url,
        method: message.method,
        headers: { ...message.headers, host: upstream.host },
      },
      async (answer) => {
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(answer.headers)) {
          if (typeof value === 'string' && key !== 'transfer-encoding' && key !== 'connection')
            headers[key] = value;
        }
        resolve({ status: answer.statusCode ?? 502, headers, body: await readBody(answer) });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
