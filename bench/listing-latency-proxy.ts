// AWS's latency for the IAM listing, in front of moto. moto answers on one CPU, so timing a plan
// over several accounts against it measures moto's queue, not the tool's parallelism. Behind this
// proxy every GetAccountAuthorizationDetails page takes a fixed time, as a listing page takes its
// time at AWS: it is forwarded at once and answered no sooner than the latency after it arrived,
// so moto's own work is hidden inside that time (as AWS's is inside its latency) whenever it is
// shorter, and the waits of parallel requests overlap. Every other request is answered as soon as
// moto answers it. Each request is recorded with the access key that signed it (one per assumed
// session, so one per account), so that calls can be counted per account.
// The forwarding itself is test/support/http-forward's.
import { createServer, type Server } from 'node:http';
import { forward, listenOnLoopback, readBody } from '../test/support/http-forward.js';

export const LISTING_ACTION = 'GetAccountAuthorizationDetails';

export interface ProxiedCall {
  /** The query-protocol action, or `METHOD path` for other protocols. */
  readonly action: string;
  /** The access key id in the request's signature; undefined for an unsigned request. */
  readonly signingKey: string | undefined;
  /** When the request arrived and when its answer was sent (epoch ms). */
  readonly arrivedAt: number;
  answeredAt?: number;
}

export interface ListingLatencyProxy {
  readonly endpoint: string;
  readonly calls: ProxiedCall[];
  close(): Promise<void>;
}

/** The access key a SigV4 request was signed with (`Credential=AKID/date/region/...`). */
export function signingKeyOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
}

function actionOf(method: string | undefined, url: string | undefined, form: string): string {
  const action = /(?:^|&)Action=([^&]+)/.exec(form)?.[1];
  return action === undefined ? `${method ?? 'GET'} ${url ?? '/'}` : decodeURIComponent(action);
}

/** Starts a proxy to `target` that holds each listing page `pageLatencyMs` before forwarding it. */
export async function startListingLatencyProxy(
  target: string,
  pageLatencyMs: number,
): Promise<ListingLatencyProxy> {
  const upstream = new URL(target);
  const calls: ProxiedCall[] = [];
  const server: Server = createServer(async (message, response) => {
    try {
      const body = await readBody(message);
      const call: ProxiedCall = {
        action: actionOf(message.method, message.url, body.toString('utf8')),
        signingKey: signingKeyOf(message.headers.authorization),
        arrivedAt: Date.now(),
      };
      calls.push(call);
      const held =
        call.action === LISTING_ACTION
          ? new Promise((resolve) => setTimeout(resolve, pageLatencyMs))
          : Promise.resolve();
      const [answer] = await Promise.all([forward(upstream, message, body), held]);
      call.answeredAt = Date.now();
      response.writeHead(answer.status, answer.headers).end(answer.body);
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    calls,
  };
}
