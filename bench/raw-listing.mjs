// The reference for "the tool's own time": the listing a plan makes (GetAccountAuthorizationDetails,
// users and groups, 1,000 a page), through the AWS SDK and nothing else, in a fresh Node process
// like the plan's own. Prints {ms, pages, users, httpMs, maxRssKiB} as JSON. Plain JavaScript, so
// no TypeScript loader adds to the process being measured.
// Usage: node bench/raw-listing.mjs   (AWS_ENDPOINT_URL, credentials and region from the environment)
import { performance } from 'node:perf_hooks';
import { IAMClient, paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';

const iam = new IAMClient({ maxAttempts: 1 });
let httpMs = 0;
// The HTTP exchange alone (moto building and sending the page), without the SDK's parsing.
iam.middlewareStack.add(
  (next) => async (args) => {
    const started = performance.now();
    const answer = await next(args);
    httpMs += performance.now() - started;
    return answer;
  },
  { step: 'finalizeRequest', name: 'benchHttpTimer', priority: 'low' },
);
const started = performance.now();
let pages = 0;
let users = 0;
for await (const page of paginateGetAccountAuthorizationDetails(
  { client: iam, pageSize: 1000 },
  { Filter: ['User', 'Group'] },
)) {
  pages++;
  users += page.UserDetailList?.length ?? 0;
}
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ ms, pages, users, httpMs, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
