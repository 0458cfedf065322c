import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../../scripts/build-server.mjs';
import { recordBenchmarkRow, ROOT, startServer } from './bench-helpers.js';

/**
 * `npm run bench:intake`, against the server as `npm start` runs it (the build, in its own
 * process, over HTTP):
 *  (a) upload + inspect + address of a 3-page letter, median of N, beside `pdftotext -bbox` on
 *      the same file;
 *  (b) a bulk PDF (default 30,000 pages: the 3-page letter 10,000 times) uploaded, inspected and
 *      split at each address into letters, beside `qpdf --split-pages` and `pdftotext -bbox` on
 *      the same file; pages/s, and the server process's peak resident memory (VmHWM).
 * BENCH_BULK_PAGES sets (b)'s size (a multiple of 3); BENCH_DATABASE_URL runs on PostgreSQL.
 */
const LETTERS = path.resolve(ROOT, 'fixtures/letters');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BULK_PAGES = Number(process.env.BENCH_BULK_PAGES ?? 30_000);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function timeCommand(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr?.toString()}`);
  return performance.now() - t0;
}
/** Resident memory of a process, now and at its peak, in MB (Linux /proc). */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pli-bench-intake-'));
await buildServer();
const server = await startServer('dist/bench/pli-server.js', { ...process.env, PLI_MAX_UPLOAD_BYTES: String(500 * 1024 * 1024) });
const [port, key, kind] = server.fields as [string, string, string];
const base = `http://127.0.0.1:${port}`;
const auth = { authorization: `Bearer ${key}` };

async function upload(bytes: Buffer, name: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
  return fetch(`${base}/api/v1/documents`, { method: 'POST', headers: auth, body: form });
}

// (a) -----------------------------------------------------------------------------------------
const letterFile = path.join(LETTERS, 'lettre-3-pages.pdf');
const letter = fs.readFileSync(letterFile);
const ours: number[] = [];
const ref: number[] = [];
for (let i = 0; i < RUNS + 2; i++) {
  const t0 = performance.now();
  const r = await upload(letter, `lettre-${i}.pdf`);
  const body = await r.text();
  const ms = performance.now() - t0;
  if (r.status !== 201) throw new Error(`upload failed: ${body}`);
  const refMs = timeCommand('pdftotext', ['-bbox', letterFile, '/dev/null']);
  if (i >= 2) {
    ours.push(ms);
    ref.push(refMs);
  }
}
const a = { ours: median(ours), ref: median(ref) };
process.stdout.write(`(a) 3-page letter: upload+inspect+address median ${a.ours.toFixed(0)} ms; pdftotext -bbox ${a.ref.toFixed(0)} ms; ratio ${(a.ours / a.ref).toFixed(1)}×\n`);

// (b) -----------------------------------------------------------------------------------------
const copies = Math.max(1, Math.round(BULK_PAGES / 3));
const bulkFile = path.join(work, 'bulk.pdf');
execFileSync('qpdf', ['--empty', '--pages', ...Array.from({ length: copies }, () => letterFile), '--', bulkFile]);
const bulk = fs.readFileSync(bulkFile);
const pages = copies * 3;
const before = memoryOf(server.child.pid!);
const t0 = performance.now();
const up = await upload(bulk, 'bulk.pdf');
const doc = (await up.json()) as { id: string };
if (up.status !== 201) throw new Error(`bulk upload failed: ${JSON.stringify(doc).slice(0, 300)}`);
const order = await fetch(`${base}/api/v1/orders`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify({ kind: 'paper', name: 'bulk', documents: [doc.id], address_source: 'document', split: { mode: 'address' }, options: { color: 'bw', sides: 'duplex', envelope: 'C5/6', background: null, mail_class: 'priority', archive: { type: 'none' } } }),
});
const created = (await order.json()) as { letters: number };
if (order.status !== 201) throw new Error(`bulk order failed: ${JSON.stringify(created).slice(0, 300)}`);
const oursMs = performance.now() - t0;
const after = memoryOf(server.child.pid!);
const letters = created.letters;
const splitDir = path.join(work, 'split');
fs.mkdirSync(splitDir);
const qpdfMs = timeCommand('qpdf', ['--split-pages', bulkFile, path.join(splitDir, 'p-%d.pdf')]);
const bboxMs = timeCommand('pdftotext', ['-bbox', bulkFile, '/dev/null']);
const refMs = qpdfMs + bboxMs;
const b = { pages, letters, oursMs, qpdfMs, bboxMs, ratio: oursMs / refMs, peakMb: after.peakMb };
process.stdout.write(
  `(b) ${pages} pages → ${letters} letters: ${(oursMs / 1000).toFixed(1)} s (${Math.round(pages / (oursMs / 1000))} pages/s), server peak RSS ${b.peakMb.toFixed(0)} MB (${before.rssMb.toFixed(0)} MB before the run, ${kind}); qpdf --split-pages ${(qpdfMs / 1000).toFixed(1)} s + pdftotext -bbox ${(bboxMs / 1000).toFixed(1)} s; ratio ${b.ratio.toFixed(1)}×\n`,
);

server.child.kill('SIGTERM');
fs.rmSync(work, { recursive: true, force: true });

const row = `| ${new Date().toISOString().slice(0, 10)} | ${a.ours.toFixed(0)} ms | ${a.ref.toFixed(0)} ms | ${pages} → ${letters} | ${(oursMs / 1000).toFixed(1)} s (${Math.round(pages / (oursMs / 1000))} pages/s) | ${(refMs / 1000).toFixed(1)} s | ${b.ratio.toFixed(1)}× | ${b.peakMb.toFixed(0)} MB |`;
recordBenchmarkRow(
  {
    heading: '## bench:intake',
    intro: `\`npm run bench:intake\` — (a) upload + inspection + address reading of a 3-page letter through the API (median of ${RUNS}) beside \`pdftotext -bbox\` on the same file; (b) a bulk mail-merge PDF uploaded, inspected (every page: format, inserter mark zone) and split at each address, beside \`qpdf --split-pages\` + \`pdftotext -bbox\` on the same file. Targets: (a) < 300 ms; (b) within 3× of the pair, peak memory < 500 MB.`,
    tableHead: '| date | (a) Pli | (a) pdftotext -bbox | (b) pages → letters | (b) Pli | (b) qpdf + pdftotext | (b) ratio | (b) peak RSS |\n|---|---|---|---|---|---|---|---|',
  },
  row,
);
