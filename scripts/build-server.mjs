// Builds the server into dist/server/ (one ES module per entry point, dependencies left in
// node_modules). `npm start` and the benchmarks run this build rather than the TypeScript
// sources through tsx: loading pdf.js through tsx's loader costs about 400 MB more resident memory
// (measured in docs/adr/0010-built-server.md). Tests and scripts still run the sources with tsx.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
const ENTRIES = {
  'server/main-start': 'server/src/main-start.ts',
  'server/main-api': 'server/src/main-api.ts',
  'server/main-worker': 'server/src/main-worker.ts',
  'server/main-cli': 'server/src/cli/main-cli.ts',
  'bench/pli-server': 'server/bench/pli-server.ts',
  'bench/batch-render': 'server/bench/batch-render.ts',
};

export async function buildServer() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
  });
  // Each file is written under a temporary name and renamed: a process starting while another
  // builds never loads half a file.
  for (const file of result.outputFiles) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.renameSync(tmp, file.path);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await buildServer();
