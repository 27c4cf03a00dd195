// A fault-injecting HTTP proxy between the AWS SDK and moto: throttling, 500s, dropped
// connections and slow answers, decided per request. Used by the resilience tests.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { forward, listenOnLoopback, readBody } from './http-forward.js';

export type Fault =
  | { readonly kind: 'throttle' }
  | { readonly kind: 'server-error' }
  /** The request reaches AWS, then the connection drops before the answer: the caller cannot know it worked. */
  | { readonly kind: 'drop-after-forward' }
  /** The connection drops before the request reaches AWS. */
  | { readonly kind: 'drop' }
  | { readonly kind: 'delay'; readonly ms: number }
  /** Answers in AWS's place: for the few calls moto does not implement. */
  | { readonly kind: 'respond'; readonly status: number; readonly body: string };

export interface ProxiedRequest {
  /** The query-protocol action (`CreateUser`), or the JSON target, or the path. */
  readonly action: string;
  readonly body: string;
}

export type FaultRule = (request: ProxiedRequest, seen: number) => Fault | undefined;

export interface FaultProxy {
  readonly endpoint: string;
  /** Every request that reached the proxy, in order, with the fault applied to it. */
  readonly requests: {
    action: string;
    fault: Fault['kind'] | undefined;
    userAgent: string;
    at: number;
    /** The request body as sent (query-protocol form parameters for IAM). */
    body: string;
    /** The upstream's status, when the request was forwarded. */
    status?: number;
  }[];
  setRule(rule: FaultRule | undefined): void;
  close(): Promise<void>;
}

function actionOf(message: IncomingMessage, body: string): string {
  const fromForm = /(?:^|&)Action=([^&]+)/.exec(body)?.[1];
  if (fromForm) return decodeURIComponent(fromForm);
  const target = message.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  return `${message.method ?? 'GET'} ${message.url ?? '/'}`;
}

/** IAM and STS speak the query protocol (XML errors); SES v2 speaks REST-JSON. */
function isJson(message: IncomingMessage): boolean {
  return String(message.headers['content-type'] ?? '').includes('json');
}

const THROTTLE_XML =
  '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>';
const SERVER_ERROR_XML =
  '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceFailure</Code><Message>injected failure</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>';

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rule: FaultRule | undefined;
  const requests: FaultProxy['requests'] = [];
  const counts = new Map<string, number>();

  const server: Server = createServer(async (message, response) => {
    const body = await readBody(message);
    const action = actionOf(message, body.toString('utf8'));
    const seen = (counts.get(action) ?? 0) + 1;
    counts.set(action, seen);
    const fault = rule?.({ action, body: body.toString('utf8') }, seen);
    const record: FaultProxy['requests'][number] = {
      at: Date.now(),
      action,
      fault: fault?.kind,
      userAgent: `${message.headers['user-agent'] ?? ''} ${message.headers['x-amz-user-agent'] ?? ''}`,
      body: body.toString('utf8'),
    };
    requests.push(record);
    try {
      switch (fault?.kind) {
        case 'throttle':
          if (isJson(message)) {
            response
              .writeHead(429, {
                'content-type': 'application/json',
                'x-amzn-errortype': 'TooManyRequestsException',
              })
              .end('{"message":"Too many requests"}');
          } else response.writeHead(400, { 'content-type': 'text/xml' }).end(THROTTLE_XML);
          return;
        case 'server-error':
          if (isJson(message)) {
            response
              .writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' })
              .end('{"message":"injected failure"}');
          } else response.writeHead(500, { 'content-type': 'text/xml' }).end(SERVER_ERROR_XML);
          return;
        case 'drop':
          message.socket.destroy();
          return;
        case 'drop-after-forward':
          await forward(upstream, message, body);
          message.socket.destroy();
          return;
        case 'delay':
          await new Promise((resolve) => setTimeout(resolve, fault.ms));
          break;
        case 'respond':
          response.writeHead(fault.status, { 'content-type': 'text/xml' }).end(fault.body);
          return;
        case undefined:
          break;
      }
      const answer = await forward(upstream, message, body);
      record.status = answer.status;
      response.writeHead(answer.status, answer.headers).end(answer.body);
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    requests,
    setRule: (next) => {
      rule = next;
      counts.clear();
    },
  };
}
