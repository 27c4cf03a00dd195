// A local HTTP server standing in for GitHub: the REST API endpoints the action calls for its
// plan comment (recording every comment created and edited) and the runner's OIDC token endpoint
// (ACTIONS_ID_TOKEN_REQUEST_URL), which hands out unsigned JWTs with the claims a test chooses.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface FakeGitHubRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

export interface FakeGitHub {
  /** GITHUB_API_URL. */
  readonly apiUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL (with `?api-version=2.0`, as the runner gives it). */
  readonly tokenRequestUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly tokenRequestToken: string;
  /** The token the API accepts (the action's `github-token`). */
  readonly apiToken: string;
  readonly comments: FakeComment[];
  readonly requests: FakeGitHubRequest[];
  /** Every ID token handed out, so a test can check none of them was printed. */
  readonly issuedIdTokens: string[];
  /** Claims of the next ID tokens (`sub` and whatever else a trust policy would look at). */
  setClaims(claims: Record<string, unknown>): void;
  /** Comments already on a pull request before the run, by someone else. */
  seedComments(issueNumber: number, bodies: readonly string[]): void;
  close(): Promise<void>;
}

/** GitHub's limit on a comment body. */
const MAX_BODY = 65_536;
const PAGE_MAX = 100;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function fakeJwt(claims: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'fake' }));
  const now = Math.floor(Date.now() / 1000);
  const payload = base64url(
    JSON.stringify({
      jti: randomUUID(),
      iss: 'https://token.actions.githubusercontent.com',
      iat: now,
      nbf: now - 5,
      exp: now + 300,
      ...claims,
    }),
  );
  return `${header}.${payload}.${base64url(randomBytes(64))}`;
}

function readJson(message: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text === '' ? {} : (JSON.parse(text) as Record<string, unknown>));
      } catch (error) {
        reject(error);
      }
    });
    message.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

export async function startFakeGitHub(
  options: { repository?: string; apiToken?: string } = {},
): Promise<FakeGitHub> {
  const repository = options.repository ?? 'acme/iam-users';
  const apiToken = options.apiToken ?? `ghs_fake${randomBytes(12).toString('hex')}`;
  const tokenRequestToken = `runtime-${randomBytes(16).toString('hex')}`;
  const comments: FakeComment[] = [];
  const requests: FakeGitHubRequest[] = [];
  const issuedIdTokens: string[] = [];
  let claims: Record<string, unknown> = { sub: `repo:${repository}:ref:refs/heads/main` };
  let nextId = 1000;
  let address = '';

  const newComment = (issueNumber: number, body: string, login: string): FakeComment => {
    const id = nextId++;
    const now = new Date().toISOString();
    return {
      id,
      issueNumber,
      body,
      user: login.endsWith('[bot]') ? { login, type: 'Bot' } : { login, type: 'User' },
      html_url: `https://github.com/${repository}/pull/${issueNumber}#issuecomment-${id}`,
      created_at: now,
      updated_at: now,
    };
  };

  const handle = async (message: IncomingMessage, response: ServerResponse) => {
    const url = new URL(message.url ?? '/', address);
    const method = message.method ?? 'GET';
    requests.push({
      method,
      path: `${url.pathname}${url.search}`,
      authorization: message.headers.authorization,
    });

    if (url.pathname === '/_services/token') {
      if (message.headers.authorization !== `Bearer ${tokenRequestToken}`)
        return send(response, 401, { message: 'Bad credentials' });
      if (url.searchParams.get('api-version') !== '2.0')
        return send(response, 400, { message: 'api-version missing' });
      const token = fakeJwt({
        aud: url.searchParams.get('audience') ?? `https://github.com/${repository.split('/')[0]}`,
        ...claims,
      });
      issuedIdTokens.push(token);
      return send(response, 200, { value: token });
    }

    if (message.headers.authorization !== `token ${apiToken}`)
      return send(response, 401, { message: 'Bad credentials' });
    const prefix = `/repos/${repository}/issues/`;
    if (!url.pathname.startsWith(prefix)) return send(response, 404, { message: 'Not Found' });
    const rest = url.pathname.slice(prefix.length);

    const list = /^(\d+)\/comments$/.exec(rest);
    if (list && method === 'GET') {
      const issueNumber = Number(list[1]);
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), PAGE_MAX);
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = comments.filter((comment) => comment.issueNumber === issueNumber);
      const pages = Math.max(1, Math.ceil(all.length / perPage));
      const headers: Record<string, string> = {};
      if (page < pages) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      return send(response, 200, all.slice((page - 1) * perPage, page * perPage), headers);
    }
    if (list && method === 'POST') {
      const { body } = await readJson(message);
      if (typeof body !== 'string') return send(response, 422, { message: 'body is missing' });
      if (body.length > MAX_BODY)
        return send(response, 422, { message: `Body is too long (maximum is ${MAX_BODY} characters)` });
      const comment = newComment(Number(list[1]), body, 'github-actions[bot]');
      comments.push(comment);
      return send(response, 201, comment);
    }
    const one = /^comments\/(\d+)$/.exec(rest);
    if (one && method === 'PATCH') {
      const comment = comments.find((candidate) => candidate.id === Number(one[1]));
      if (comment === undefined) return send(response, 404, { message: 'Not Found' });
      const { body } = await readJson(message);
      if (typeof body !== 'string') return send(response, 422, { message: 'body is missing' });
      if (body.length > MAX_BODY)
        return send(response, 422, { message: `Body is too long (maximum is ${MAX_BODY} characters)` });
      comment.body = body;
      comment.updated_at = new Date().toISOString();
      return send(response, 200, comment);
    }
    return send(response, 404, { message: 'Not Found' });
  };

  const server: Server = createServer((message, response) => {
    handle(message, response).catch((error: unknown) => send(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: address,
    tokenRequestUrl: `${address}/_services/token?api-version=2.0`,
    tokenRequestToken,
    apiToken,
    comments,
    requests,
    issuedIdTokens,
    setClaims: (next) => {
      claims = next;
    },
    seedComments: (issueNumber, bodies) => {
      for (const body of bodies) comments.push(newComment(issueNumber, body, 'someone'));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
