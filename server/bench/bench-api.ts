import os from 'node:os';
import autocannon from 'autocannon';
import { buildServer } from '../../scripts/build-server.mjs';
import { recordBenchmarkRow, startServer } from './bench-helpers.js';

/**
 * `npm run bench:api`: an authenticated JSON read (GET /api/v1/me: API key lookup, a scoped
 * transaction with row-level security, zod serialisation) beside a bare Fastify hello-world, in
 * the same run on the same machine, each server in its own process. Writes docs/benchmarks.md.
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

async function load(url: string, headers: Record<string, string>) {
  // Warm-up, then the measured run.
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 2 });
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

const hello = await startServer('server/bench/hello-server.ts');
await buildServer();
const pli = await startServer('dist/bench/pli-server.js');
try {
  const [helloPort] = hello.fields;
  const [pliPort, key, kind] = pli.fields;
  const ref = await load(`http://127.0.0.1:${helloPort}/hello`, {});
  const ours = await load(`http://127.0.0.1:${pliPort}/api/v1/me`, { authorization: `Bearer ${key}` });
  const ratio = ref.rps / ours.rps;
  const date = new Date().toISOString().slice(0, 10);
  const row = `| ${date} | ${kind} | ${Math.round(ours.rps)} req/s (p50 ${ours.p50} ms, p99 ${ours.p99} ms) | ${Math.round(ref.rps)} req/s (p50 ${ref.p50} ms, p99 ${ref.p99} ms) | ${ratio.toFixed(1)}× | ${os.cpus().length} cores, Node ${process.version}, ${CONNECTIONS} connections, ${DURATION} s |`;
  process.stdout.write(`\nGET /api/v1/me (${kind}): ${Math.round(ours.rps)} req/s, p99 ${ours.p99} ms\nFastify hello-world:  ${Math.round(ref.rps)} req/s, p99 ${ref.p99} ms\nratio (hello / Pli): ${ratio.toFixed(2)}×\n`);
  recordResult(row);
} finally {
  hello.child.kill('SIGTERM');
  pli.child.kill('SIGTERM');
}

function recordResult(row: string): void {
  recordBenchmarkRow(
    {
      heading: '## bench:api',
      intro: '`npm run bench:api` — an authenticated JSON read through every platform plugin, against a bare Fastify hello-world, each in its own process, load from autocannon in a third.',
      tableHead: '| date | database | Pli `GET /api/v1/me` (API key, RLS transaction) | bare Fastify hello-world | ratio | conditions |\n|---|---|---|---|---|---|',
    },
    row,
  );
}
