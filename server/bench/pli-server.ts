import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContainer } from '../src/container.js';
import { createLogger } from '../src/platform/logger/logger.js';
import { createApiKey, findUserByEmail, principalOfUser, seed } from '../src/modules/accounts/index.js';

/** Pli's API as in production (all plugins, request logging at warn), on a fresh data directory.
 * The benchmarks run its build (dist/bench/pli-server.js), as `npm start` runs the server's. */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pli-bench-'));
const config = loadConfig({
  PLI_DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  PLI_RATE_LIMIT_PER_MINUTE: '100000000',
  ...(process.env.PLI_MAX_UPLOAD_BYTES ? { PLI_MAX_UPLOAD_BYTES: process.env.PLI_MAX_UPLOAD_BYTES } : {}),
  ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
});
const container = await createContainer(config, createLogger('warn'));
await seed(container, { demo: true, demoPassword: 'bench-password' });
await container.queue.start({ work: false });
const user = await findUserByEmail(container.db, 'user@mairie-demo.test');
const { key } = await createApiKey(container, await principalOfUser(container.db, user!.id), 'bench');
const app = await buildApp(container, { logger: true });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : ''} ${key} ${container.database.kind}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => container.close()).then(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
