// A proxy in front of moto that pages GetAccountAuthorizationDetails as IAM does. moto ignores
// MaxItems and Marker and answers every user in one page; IAM answers at most MaxItems (1,000 at
// most) with IsTruncated and a Marker for the next page. Through this proxy a client makes the
// calls, and holds the pages in memory, that it would against AWS. Every other request passes
// through untouched. The benchmarks measure through it; it is built on test/support/http-forward.
import { createServer, type Server } from 'node:http';
import { forward, listenOnLoopback, readBody } from '../test/support/http-forward.js';

const LISTING = 'GetAccountAuthorizationDetails';
/** IAM's own ceiling for MaxItems. */
const IAM_MAX_ITEMS = 1000;

export interface PagingProxy {
  readonly endpoint: string;
  /** Every request, in order: the action and, for a listing, the page served (0-based) and its users. */
  readonly requests: { readonly action: string; readonly page?: number; readonly users?: number }[];
  close(): Promise<void>;
}

/** One whole listing as moto answered it, cut around its users. */
export interface CutListing {
  /** The answer up to the user list. */
  readonly head: string;
  /** Each user's `<member>...</member>`, in moto's order. */
  readonly users: readonly string[];
  /** The other lists (groups, roles, policies), served with the first page only. */
  readonly otherLists: string;
  /** From the end of the result to the end of the answer. */
  readonly tail: string;
}

/** The top-level `<member>` elements of `list` (an XML fragment), counting nested members. */
export function topLevelMembers(list: string): string[] {
  const members: string[] = [];
  const tag = /<(\/?)member(\/?)>/g;
  let depth = 0;
  let start = 0;
  for (let match = tag.exec(list); match !== null; match = tag.exec(list)) {
    if (match[2] === '/') {
      if (depth === 0) members.push(match[0]);
    } else if (match[1] !== '/') {
      if (depth === 0) start = match.index;
      depth++;
    } else {
      depth--;
      if (depth === 0) members.push(list.slice(start, match.index + match[0].length));
    }
  }
  return members;
}

const USERS_OPEN = '<UserDetailList>';
const USERS_CLOSE = '</UserDetailList>';
const RESULT_CLOSE = '</GetAccountAuthorizationDetailsResult>';

/** Cuts moto's one-page answer around its users; undefined when it is not a listing. */
export function cutListing(xml: string): CutListing | undefined {
  const from = xml.indexOf(USERS_OPEN);
  const to = xml.indexOf(USERS_CLOSE);
  const end = xml.indexOf(RESULT_CLOSE);
  if (from < 0 || to < from || end < to) return undefined;
  return {
    head: xml.slice(0, from),
    users: topLevelMembers(xml.slice(from + USERS_OPEN.length, to)),
    // moto states IsTruncated (false) among the lists; each page states its own.
    otherLists: xml.slice(to + USERS_CLOSE.length, end).replace(/<IsTruncated>[^<]*<\/IsTruncated>/, ''),
    tail: xml.slice(end),
  };
}

/** Page `index` of `listing`, `pageSize` users a page; `marker` continues it when more remain. */
export function pageOf(listing: CutListing, index: number, pageSize: number, marker: string): string {
  const users = listing.users.slice(index * pageSize, (index + 1) * pageSize).join('');
  const more =
    (index + 1) * pageSize < listing.users.length
      ? `<IsTruncated>true</IsTruncated><Marker>${marker}</Marker>`
      : '<IsTruncated>false</IsTruncated>';
  const others = index === 0 ? listing.otherLists : '';
  return `${listing.head}${USERS_OPEN}${users}${USERS_CLOSE}${others}${more}${listing.tail}`;
}

function formValue(form: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|&)${name}=([^&]*)`).exec(form);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1].replace(/\+/g, ' '));
}

/** Starts the proxy; `pageSize` is what IAM would answer for the client's MaxItems (never more). */
export async function startIamPagingProxy(target: string): Promise<PagingProxy> {
  const upstream = new URL(target);
  const requests: PagingProxy['requests'][number][] = [];
  /** Listings being paged, by the marker that continues them. */
  const open = new Map<string, { listing: CutListing; next: number; pageSize: number }>();
  let listings = 0;

  const server: Server = createServer(async (message, response) => {
    try {
      const body = await readBody(message);
      const form = body.toString('utf8');
      const action = formValue(form, 'Action') ?? `${message.method ?? 'GET'} ${message.url ?? '/'}`;
      if (action !== LISTING) {
        requests.push({ action });
        const answer = await forward(upstream, message, body);
        response.writeHead(answer.status, answer.headers).end(answer.body);
        return;
      }
      const pageSize = Math.min(Number(formValue(form, 'MaxItems') ?? 100), IAM_MAX_ITEMS);
      const marker = formValue(form, 'Marker');
      let state = marker === undefined ? undefined : open.get(marker);
      if (marker !== undefined) open.delete(marker);
      if (state === undefined) {
        if (marker !== undefined) {
          response.writeHead(400, { 'content-type': 'text/xml' }).end(invalidMarker(marker));
          return;
        }
        const answer = await forward(upstream, message, body);
        const listing = answer.status === 200 ? cutListing(answer.body.toString('utf8')) : undefined;
        if (listing === undefined) {
          requests.push({ action });
          response.writeHead(answer.status, answer.headers).end(answer.body);
          return;
        }
        listings++;
        state = { listing, next: 0, pageSize };
      }
      const index = state.next;
      const nextMarker = `paging-proxy-${listings}-${index + 1}`;
      const xml = pageOf(state.listing, index, state.pageSize, nextMarker);
      if ((index + 1) * state.pageSize < state.listing.users.length) {
        open.set(nextMarker, { ...state, next: index + 1 });
      }
      requests.push({
        action,
        page: index,
        users: Math.max(0, Math.min(state.pageSize, state.listing.users.length - index * state.pageSize)),
      });
      response.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    requests,
  };
}

function invalidMarker(marker: string): string {
  return `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidInput</Code><Message>Invalid Marker ${marker}</Message></Error><RequestId>paging-proxy</RequestId></ErrorResponse>`;
}
