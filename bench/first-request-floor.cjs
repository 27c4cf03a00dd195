// The floor under any cold start on this machine: Node starting and making one HTTP request to
// AWS_ENDPOINT_URL, nothing else. The benchmarks report the action's cold start beside it.
const target = new URL(process.env.AWS_ENDPOINT_URL);
require('node:http')
  .request({ host: target.hostname, port: target.port, method: 'POST', path: '/' }, (answer) =>
    answer.resume(),
  )
  .on('error', () => undefined)
  .end('Action=GetUser&Version=2010-05-08');
