import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContainer } from '../src/container.js';
import { createLogger } from '../src/platform/logger/logger.js';
import { apiKeyOf } from './bench-helpers.js';

/**
 * `npm run bench:intake`:
 *  (a) upload + inspect + address of a 3-page letter through the API, median of N, beside
 *      `pdftotext -bbox` on the same file;
 *  (b) a bulk PDF (default 30,000 pages = the 20-letter mail-merge run repeated) uploaded,
 *      inspected and split at each address into letters, beside `qpdf --split-pages` and
 *      `pdftotext -bbox` on the same file; pages/s and peak memory (RSS).
 * BENCH_BULK_PAGES sets (b)'s size (a multiple of 40).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const LETTERS = path.resolve(ROOT, '../shared/fixtures/letters');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BULK_PAGES = Number(process.env.BENCH_BULK_PAGES ?? 30_000);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function timeCommand(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr?.toString()}`);
  return performance.now() - t0;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pli-bench-intake-'));
const config = loadConfig({ PLI_DATA_DIR: work, LOG_LEVEL: 'warn', PLI_RATE_LIMIT_PER_MINUTE: '100000000', PLI_MAX_UPLOAD_BYTES: String(500 * 1024 * 1024), ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}) });
const container = await createContainer(config, createLogger('warn'));
const { seed } = await import('../src/modules/accounts/index.js');
await seed(container, { demo: true, demoPassword: 'bench-password' });
await container.queue.start({ work: false });
const app = await buildApp(container, { logger: false });
const key = await apiKeyOf(container, 'user@mairie-demo.test');

function multipart(bytes: Buffer, name: string) {
  const boundary = 'pli-bench-boundary';
  const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${key}` } };
}

// (a) -----------------------------------------------------------------------------------------
const letterFile = path.join(LETTERS, 'lettre-3-pages.pdf');
const letter = fs.readFileSync(letterFile);
const ours: number[] = [];
const ref: number[] = [];
for (let i = 0; i < RUNS + 2; i++) {
  const m = multipart(letter, `lettre-${i}.pdf`);
  const t0 = performance.now();
  const r = await app.inject({ method: 'POST', url: '/api/v1/documents', payload: m.payload, headers: m.headers });
  const ms = performance.now() - t0;
  if (r.statusCode !== 201) throw new Error(`upload failed: ${r.body}`);
  const refMs = timeCommand('pdftotext', ['-bbox', letterFile, '/dev/null']);
  if (i >= 2) {
    ours.push(ms);
    ref.push(refMs);
  }
}
const a = { ours: median(ours), ref: median(ref) };
process.stdout.write(`(a) 3-page letter: upload+inspect+address median ${a.ours.toFixed(0)} ms; pdftotext -bbox ${a.ref.toFixed(0)} ms; ratio ${(a.ours / a.ref).toFixed(1)}×\n`);

// (b) -----------------------------------------------------------------------------------------
const run = path.join(LETTERS, 'publipostage-20-lettres.pdf');
const bulkFile = path.join(work, 'bulk.pdf');
const copies = Math.max(1, Math.round(BULK_PAGES / 40));
execFileSync('qpdf', ['--empty', '--pages', ...Array.from({ length: copies }, () => run), '--', bulkFile]);
const bulk = fs.readFileSync(bulkFile);
const pages = copies * 40;
const baselineRss = process.memoryUsage().rss;
let peakRss = baselineRss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const t0 = performance.now();
const m = multipart(bulk, 'bulk.pdf');
const up = await app.inject({ method: 'POST', url: '/api/v1/documents', payload: m.payload, headers: m.headers });
if (up.statusCode !== 201) throw new Error(`bulk upload failed: ${up.body.slice(0, 300)}`);
const order = await app.inject({
  method: 'POST',
  url: '/api/v1/orders',
  headers: { authorization: `Bearer ${key}` },
  payload: { kind: 'paper', name: 'bulk', documents: [up.json().id], address_source: 'document', split: { mode: 'address' }, options: { color: 'bw', sides: 'duplex', envelope: 'C5/6', background: null, mail_class: 'priority', archive: { type: 'none' } } },
});
if (order.statusCode !== 201) throw new Error(`bulk order failed: ${order.body.slice(0, 300)}`);
const oursMs = performance.now() - t0;
clearInterval(sampler);
const letters = order.json().letters as number;
const splitDir = path.join(work, 'split');
fs.mkdirSync(splitDir);
const qpdfMs = timeCommand('qpdf', ['--split-pages', bulkFile, path.join(splitDir, 'p-%d.pdf')]);
const bboxMs = timeCommand('pdftotext', ['-bbox', bulkFile, '/dev/null']);
const refMs = qpdfMs + bboxMs;
const b = { pages, letters, oursMs, qpdfMs, bboxMs, ratio: oursMs / refMs, peakMb: peakRss / 1024 / 1024 };
process.stdout.write(
  `(b) ${pages} pages → ${letters} letters: ${(oursMs / 1000).toFixed(1)} s (${Math.round(pages / (oursMs / 1000))} pages/s), peak RSS ${b.peakMb.toFixed(0)} MB (process before the run: ${(baselineRss / 1024 / 1024).toFixed(0)} MB); qpdf --split-pages ${(qpdfMs / 1000).toFixed(1)} s + pdftotext -bbox ${(bboxMs / 1000).toFixed(1)} s; ratio ${b.ratio.toFixed(1)}×\n`,
);

await app.close();
await container.close();
fs.rmSync(work, { recursive: true, force: true });

const file = path.join(ROOT, 'docs/benchmarks.md');
let text = fs.readFileSync(file, 'utf8');
const heading = '## bench:intake';
if (!text.includes(heading)) {
  text += `\n${heading}\n\n\`npm run bench:intake\` — (a) upload + inspection + address reading of a 3-page letter through the API (median of ${RUNS}) beside \`pdftotext -bbox\` on the same file; (b) a bulk mail-merge PDF uploaded, inspected (every page: format, inserter mark zone) and split at each address, beside \`qpdf --split-pages\` + \`pdftotext -bbox\` on the same file. Targets: (a) < 300 ms; (b) within 3× of the pair, peak memory < 500 MB.\n\n| date | (a) Pli | (a) pdftotext -bbox | (b) pages → letters | (b) Pli | (b) qpdf + pdftotext | (b) ratio | (b) peak RSS |\n|---|---|---|---|---|---|---|---|\n`;
}
const row = `| ${new Date().toISOString().slice(0, 10)} | ${a.ours.toFixed(0)} ms | ${a.ref.toFixed(0)} ms | ${pages} → ${letters} | ${(oursMs / 1000).toFixed(1)} s (${Math.round(pages / (oursMs / 1000))} pages/s) | ${(refMs / 1000).toFixed(1)} s | ${b.ratio.toFixed(1)}× | ${b.peakMb.toFixed(0)} MB |`;
const lines = text.split('\n');
const head = lines.findIndex((l) => l.startsWith('| date | (a) Pli'));
let at = head + 2;
while (at < lines.length && lines[at]!.startsWith('|')) at++;
lines.splice(at, 0, row);
fs.writeFileSync(file, lines.join('\n'));
