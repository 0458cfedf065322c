import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WEB_DIR, startApi } from './api-process.js';

const root = path.resolve(WEB_DIR, '../..');

/** The newest modification time under a directory (the web app's sources: a few hundred files). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** Missing, or older than a source it is built from (a pull brought new pages). */
function webBuildIsStale(): boolean {
  const built = path.join(WEB_DIR, 'index.html');
  if (!fs.existsSync(built)) return true;
  const sources = ['web/src', 'web/verify', 'web/index.html', 'contracts/src', 'verifier/src'].map((p) => path.join(root, p)).filter((p) => fs.existsSync(p));
  const latest = Math.max(...sources.map((p) => (fs.statSync(p).isDirectory() ? newest(p) : fs.statSync(p).mtimeMs)));
  return latest > fs.statSync(built).mtimeMs;
}

/** `npm start`: builds the web app when it is missing or older than its sources, then runs the API (and, embedded, the workers). */
if (webBuildIsStale()) {
  process.stderr.write('Building the web app…\n');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!fs.existsSync(vite)) {
    process.stderr.write('Vite is not installed (npm install without dev dependencies?): serving the API only.\n');
  } else {
    const r = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.stderr.write('The web app failed to build: serving the API only.\n');
  }
}
await startApi();
