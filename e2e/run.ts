// End-to-end runner: builds the web app, starts the real server on a free port with a
// throw-away data directory, waits for /api/health, runs every e2e/*.e2e.ts journey in
// Chromium through node:test, stops the server and ends with `E2E: N passed, N failed`.
//
//   npm run test:e2e                 all journeys
//   npm run test:e2e -- home         journeys whose file name contains "home"
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium); E2E_DATABASE_URL (run the server
// on PostgreSQL instead of the embedded PGlite); E2E_SKIP_BUILD=1 (use web/dist as it is);
// E2E_SERVER_ENTRY (default: the build, dist/server/main-start.js; a .ts entry runs through tsx); E2E_KEEP_DATA=1 (keep the data dir).

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { buildServer } from '../scripts/build-server.mjs';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const E2E_DIR = path.join(ROOT, 'e2e');
const WORK_DIR = path.join(ROOT, '.tmp', 'e2e'); // .tmp/ is git-ignored
const SERVER_LOG = path.join(WORK_DIR, 'server.log');
const BUILD_LOG = path.join(WORK_DIR, 'build-web.log');
const ARTIFACTS_DIR = path.join(WORK_DIR, 'artifacts');
const HEALTH_TIMEOUT_MS = 120_000; // a first start may build the web app and migrate
const JOURNEY_FILE = /\.e2e\.ts$/;

function log(line: string): void {
  process.stdout.write(`[e2e] ${line}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the probe port'));
      });
    });
  });
}

async function tail(file: string, lines = 60): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function exitOf(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else if (child.signalCode !== null) resolve(child.signalCode);
    else child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
}

async function buildWeb(): Promise<void> {
  const started = Date.now();
  const logFile = await open(BUILD_LOG, 'w');
  try {
    const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const child = spawn(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts'], {
      cwd: ROOT,
      stdio: ['ignore', logFile.fd, logFile.fd],
    });
    const code = await exitOf(child);
    if (code !== 0) {
      throw new Error(`web build failed (${code}); last lines of ${BUILD_LOG}:\n${await tail(BUILD_LOG, 30)}`);
    }
  } finally {
    await logFile.close();
  }
  // The server's CSP is script-src 'self': an inline <script> in the page would be blocked.
  const html = await readFile(path.join(ROOT, 'web', 'dist', 'index.html'), 'utf8');
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) {
    throw new Error('web/dist/index.html contains an inline <script>, which the CSP blocks');
  }
  log(`web app built in ${Date.now() - started} ms`);
}

interface RunningServer {
  child: ChildProcess;
  baseUrl: string;
  stop(): Promise<void>;
}

async function startServer(dataDir: string): Promise<RunningServer> {
  const port = await freePort();
  // The server as `npm start` runs it (the build in dist/), unless a TypeScript entry is named.
  const entry = process.env.E2E_SERVER_ENTRY || 'dist/server/main-start.js';
  if (!process.env.E2E_SERVER_ENTRY) await buildServer();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    // The address the browser uses: links in e-mails, and the built-in identity provider of
    // e-letters (its issuer, the callback the recipient's browser comes back to) are on it.
    PLI_PUBLIC_URL: `http://127.0.0.1:${port}`,
    PLI_DATA_DIR: dataDir,
    PLI_DEMO_PASSWORD: 'demo-password-123',
    // Every journey's people sign in from this one address, a dozen journeys in a couple of
    // minutes: the per-address guard against password guessing would stop the suite, not a
    // guesser (its own test is sessions.test.ts; the account lockout still applies).
    PLI_SIGN_IN_LIMIT_PER_MINUTE: '120',
    NODE_ENV: 'test',
  };
  // The embedded PGlite unless a PostgreSQL is named for e2e on purpose: a DATABASE_URL
  // left in the shell must not point the test server at someone's real database.
  delete env.DATABASE_URL;
  if (process.env.E2E_DATABASE_URL) env.DATABASE_URL = process.env.E2E_DATABASE_URL;

  const logFile = await open(SERVER_LOG, 'w');
  const child = spawn(process.execPath, entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry], {
    cwd: ROOT,
    env,
    stdio: ['ignore', logFile.fd, logFile.fd],
    detached: true, // its own process group, so whatever it spawns is stopped with it
  });
  await logFile.close(); // the child holds its own copy of the descriptor
  const exited = exitOf(child);
  log(`server started (pid ${child.pid}, port ${port}, ${env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}), log: ${path.relative(ROOT, SERVER_LOG)}`);

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    signalGroup('SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') {
      log('server did not stop within 10 s of SIGTERM: SIGKILL');
      signalGroup('SIGKILL');
      await exited;
    }
  };

  return { child, baseUrl: `http://127.0.0.1:${port}`, stop };
}

async function waitForHealth(server: RunningServer): Promise<void> {
  const started = Date.now();
  const url = `${server.baseUrl}/api/health`;
  let last = 'no answer yet';
  while (Date.now() - started < HEALTH_TIMEOUT_MS) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`the server exited (${server.child.exitCode ?? server.child.signalCode}) before it was healthy`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const body = await response.text();
      if (response.status === 200) {
        log(`server healthy after ${Date.now() - started} ms: ${body.trim()}`);
        return;
      }
      last = `HTTP ${response.status} ${body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`GET ${url} not 200 after ${HEALTH_TIMEOUT_MS / 1000} s; last: ${last}`);
}

async function journeyFiles(filters: string[]): Promise<string[]> {
  const names = (await readdir(E2E_DIR)).filter((name) => JOURNEY_FILE.test(name)).sort();
  const chosen = filters.length === 0 ? names : names.filter((name) => filters.some((f) => name.includes(f)));
  return chosen.map((name) => path.join(E2E_DIR, name));
}

interface Counts {
  passed: number;
  failed: number;
}

async function runJourneys(files: string[], server: RunningServer, dataDir: string): Promise<Counts> {
  // Journeys run in child processes that inherit this environment (and `--import tsx`).
  process.env.E2E_BASE_URL = server.baseUrl;
  // The server's mailbox (no SMTP here): people's e-mails with their working links.
  process.env.E2E_MAILBOX_DIR = path.join(dataDir, 'mailbox');
  process.env.E2E_ARTIFACTS_DIR = ARTIFACTS_DIR;

  const counts: Counts = { passed: 0, failed: 0 };
  // Count the journeys themselves (top-level tests), not their subtests. A file that cannot
  // load shows up as a failed test named after the file: it counts once, unless one of its
  // journeys already failed (a runner that wraps each file would report both).
  const fileLevel = new Set(files);
  const brokenFiles = new Set<string>();
  const filesWithFailures = new Set<string>();
  const stream = run({ files, concurrency: 1, timeout: 10 * 60_000 });
  stream.on('test:pass', (data) => {
    if (data.nesting === 0 && !fileLevel.has(data.name) && !data.skip && !data.todo) counts.passed += 1;
  });
  stream.on('test:fail', (data) => {
    if (data.nesting !== 0) return;
    if (fileLevel.has(data.name)) {
      brokenFiles.add(data.name);
    } else {
      counts.failed += 1;
      if (data.file) filesWithFailures.add(data.file);
    }
  });
  const reporter = stream.compose(new spec());
  reporter.pipe(process.stdout);
  await new Promise<void>((resolve, reject) => {
    reporter.on('end', resolve);
    reporter.on('error', reject);
  });
  for (const file of brokenFiles) if (!filesWithFailures.has(file)) counts.failed += 1;
  return counts;
}

async function main(): Promise<Counts> {
  await mkdir(WORK_DIR, { recursive: true });
  await rm(ARTIFACTS_DIR, { recursive: true, force: true });

  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    log(`no Chromium at ${chromium}: apt-get install -y --no-install-recommends chromium, or set CHROMIUM_PATH`);
    return { passed: 0, failed: 1 };
  }
  process.env.CHROMIUM_PATH = chromium;

  const files = await journeyFiles(process.argv.slice(2));
  if (files.length === 0) {
    log(`no e2e/*.e2e.ts journey matches ${process.argv.slice(2).join(' ') || '(all)'}`);
    return { passed: 0, failed: 1 };
  }

  if (process.env.E2E_SKIP_BUILD !== '1') await buildWeb(); // never test a stale web/dist

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pli-e2e-'));
  const server = await startServer(dataDir);
  let counts: Counts = { passed: 0, failed: 0 };
  const cleanUp = async () => {
    await server.stop();
    if (process.env.E2E_KEEP_DATA === '1') log(`data kept in ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the server`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await waitForHealth(server);
    counts = await runJourneys(files, server, dataDir);
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    log(`last lines of ${path.relative(ROOT, SERVER_LOG)}:\n${await tail(SERVER_LOG)}`);
    counts.failed = Math.max(counts.failed, 1);
  } finally {
    await cleanUp();
  }

  if (counts.failed > 0) {
    if (existsSync(ARTIFACTS_DIR)) log(`screenshots and page dumps: ${path.relative(ROOT, ARTIFACTS_DIR)}/`);
    log(`server log: ${path.relative(ROOT, SERVER_LOG)}`);
  }
  return counts;
}

main().then(
  (counts) => {
    process.stdout.write(`E2E: ${counts.passed} passed, ${counts.failed} failed\n`);
    process.exit(counts.failed > 0 || counts.passed === 0 ? 1 : 0);
  },
  (error: unknown) => {
    process.stdout.write(`[e2e] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.stdout.write('E2E: 0 passed, 1 failed\n');
    process.exit(1);
  },
);
