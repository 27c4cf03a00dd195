// Preloaded (`node --require`) into a process the benchmarks measure: when it makes its first
// HTTP request, its CPU time and clock so far; at exit, its CPU time, clock and peak RSS. Written
// as JSON to the file named by BENCH_PROBE_OUT. CommonJS and dependency-free, so that it adds
// almost nothing to what it measures.
const { subscribe } = require('node:diagnostics_channel');
const { writeFileSync } = require('node:fs');

const out = process.env.BENCH_PROBE_OUT;
const cpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const report = { firstRequest: null, exit: null };

subscribe('http.client.request.start', () => {
  if (report.firstRequest === null) report.firstRequest = { ms: performance.now(), cpuMs: cpuMs() };
});
process.on('exit', () => {
  report.exit = { ms: performance.now(), cpuMs: cpuMs(), maxRssKiB: process.resourceUsage().maxRSS };
  if (out) writeFileSync(out, JSON.stringify(report));
});
