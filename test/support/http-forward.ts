// What every test proxy in front of moto needs: read a body, forward a request, and listen on a
// free loopback port until closed.

import { type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Stops the server, dropping open connections (a keep-alive SDK client would hold it open). */
  readonly close: () => Promise<void>;
}

/** Starts `server` on a free port of the loopback address only. */
export async function listenOnLoopback(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

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
