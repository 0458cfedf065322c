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
// This machine is shared: its speed drifts by 2-3× within minutes. The two servers are measured
// in alternation, several rounds, and each one's median round is kept.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Load {
  rps: number;
  p50: number;
  p99: number;
}

async function load(url: string, headers: Record<string, string>): Promise<Load> {
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

function median(runs: Load[]): Load {
  return [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
}

const hello = await startServer('server/bench/hello-server.ts');
await buildServer();
const pli = await startServer('dist/bench/pli-server.js');
try {
  const [helloPort] = hello.fields;
  const [pliPort, key, kind] = pli.fields;
  const helloUrl = `http://127.0.0.1:${helloPort}/hello`;
  const meUrl = `http://127.0.0.1:${pliPort}/api/v1/me`;
  const auth = { authorization: `Bearer ${key}` };
  // Warm-up of both, then the measured rounds.
  await autocannon({ url: helloUrl, connections: CONNECTIONS, duration: 2 });
  await autocannon({ url: meUrl, headers: auth, connections: CONNECTIONS, duration: 2 });
  const refs: Load[] = [];
  const ourRuns: Load[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    refs.push(await load(helloUrl, {}));
    ourRuns.push(await load(meUrl, auth));
    process.stdout.write(`round ${round + 1}: hello ${Math.round(refs.at(-1)!.rps)} req/s, Pli ${Math.round(ourRuns.at(-1)!.rps)} req/s\n`);
  }
  const ref = median(refs);
  const ours = median(ourRuns);
  const ratio = ref.rps / ours.rps;
  const date = new Date().toISOString().slice(0, 10);
  const row = `| ${date} | ${kind} | ${Math.round(ours.rps)} req/s (p50 ${ours.p50} ms, p99 ${ours.p99} ms) | ${Math.round(ref.rps)} req/s (p50 ${ref.p50} ms, p99 ${ref.p99} ms) | ${ratio.toFixed(1)}× | ${os.cpus().length} cores, Node ${process.version}, ${CONNECTIONS} connections, median of ${ROUNDS} alternated rounds of ${DURATION} s |`;
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
      intro: '`npm run bench:api` — an authenticated JSON read through every platform plugin, against a bare Fastify hello-world, each in its own process, load from autocannon in a third; the median of three alternated rounds.',
      tableHead: '| date | database | Pli `GET /api/v1/me` (API key, RLS transaction) | bare Fastify hello-world | ratio | conditions |\n|---|---|---|---|---|---|',
    },
    row,
  );
}
