import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WEB_DIR, startApi } from './api-process.js';

/** `npm start`: builds the web app when it is missing, then runs the API (and, embedded, the workers). */
if (!fs.existsSync(path.join(WEB_DIR, 'index.html'))) {
  process.stderr.write('Building the web app (first start)…\n');
  const root = path.resolve(WEB_DIR, '../..');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!fs.existsSync(vite)) {
    process.stderr.write('Vite is not installed (npm install without dev dependencies?): serving the API only.\n');
  } else {
    const r = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.stderr.write('The web app failed to build: serving the API only.\n');
  }
}
await startApi();
