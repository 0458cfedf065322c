import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../../scripts/build-server.mjs';
import { recordBenchmarkRow, ROOT } from './bench-helpers.js';

/**
 * `npm run bench:batch`: a batch of N three-page letters (default 10,000, each its own file as
 * uploads are) rendered into its print file — background under the first page, a DataMatrix on
 * every sheet, blank backs, parts of 2,000 sheets — by the print-file renderer built as the
 * worker runs it, in its own process; beside `qpdf --empty --pages …` merging the same files in
 * the same run. Pages/s and the renderer's peak resident memory (VmHWM).
 */
const N = Number(process.env.BENCH_LETTERS ?? 10_000);
const LETTERS = path.resolve(ROOT, 'fixtures/letters');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pli-bench-batch-'));
const letter = fs.readFileSync(path.join(LETTERS, 'lettre-3-pages.pdf'));
const files: string[] = [];
fs.mkdirSync(path.join(work, 'letters'));
for (let i = 0; i < N; i++) {
  // Each letter its own file with its own bytes (a trailing comment), as N uploads would be.
  const file = path.join(work, 'letters', `l${i}.pdf`);
  fs.writeFileSync(file, Buffer.concat([letter, Buffer.from(`% letter ${i}\n`)]));
  files.push(file);
}
const manifest = path.join(work, 'manifest.json');
fs.writeFileSync(manifest, JSON.stringify({ letters: files, background: path.join(LETTERS, 'papier-en-tete.pdf'), partSheets: 2000 }));

// qpdf merging the same files (its page list in a file: 10,000 arguments are too many for some shells).
const t0 = performance.now();
const q = spawnSync('qpdf', ['--empty', '--pages', ...files, '--', path.join(work, 'qpdf.pdf')], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
if (q.status !== 0 && q.status !== 3) throw new Error(`qpdf failed: ${q.stderr}`);
const qpdfMs = performance.now() - t0;

await buildServer();
fs.mkdirSync(path.join(work, 'out'));
const child = spawn(process.execPath, ['dist/bench/batch-render.js', manifest, path.join(work, 'out')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
let peakKb = 0;
const sample = setInterval(() => {
  try {
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    peakKb = Math.max(peakKb, Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0));
  } catch {
    // the process has ended
  }
}, 100);
let out = '';
child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
await new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`renderer exited with ${code}`)))));
clearInterval(sample);
const [, ms, pages, sheets] = /DONE (\d+) (\d+) (\d+)/.exec(out)!.map(Number) as [number, number, number, number];
for (const f of fs.readdirSync(path.join(work, 'out'))) execFileSync('qpdf', ['--check', path.join(work, 'out', f)], { stdio: 'ignore' });
const ratio = ms / qpdfMs;
process.stdout.write(
  `${N} letters → ${pages} pages, ${sheets} sheets: ${(ms / 1000).toFixed(1)} s (${Math.round(pages / (ms / 1000))} pages/s), peak RSS ${Math.round(peakKb / 1024)} MB; qpdf --empty --pages ${(qpdfMs / 1000).toFixed(1)} s; ratio ${ratio.toFixed(2)}×\n`,
);
fs.rmSync(work, { recursive: true, force: true });

const row = `| ${new Date().toISOString().slice(0, 10)} | ${N} → ${pages} (${sheets}) | ${(ms / 1000).toFixed(1)} s (${Math.round(pages / (ms / 1000))} pages/s) | ${(qpdfMs / 1000).toFixed(1)} s | ${ratio.toFixed(2)}× | ${Math.round(peakKb / 1024)} MB |`;
recordBenchmarkRow(
  {
    heading: '## bench:batch',
    intro: `\`npm run bench:batch\` — a batch of 10,000 three-page letters (each its own file, as uploads are) rendered into its print file by the print-file renderer, built and in its own process: background under each letter's first page, a DataMatrix on every sheet front, blank backs, parts of 2,000 sheets, each part checked by \`qpdf --check\` afterwards (not timed). Beside \`qpdf --empty --pages\` merging the same 10,000 files in the same run. Targets: within 2.5× of qpdf's time, peak memory < 500 MB.`,
    tableHead: '| date | letters → pages (sheets) | Pli | qpdf merge | ratio | Pli peak RSS |\n|---|---|---|---|---|---|',
  },
  row,
);
