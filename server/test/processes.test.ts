import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, freePort, tempDir } from './helpers.js';

/**
 * The embedded default as a user runs it, with real processes: the CLI beside a running server
 * (control socket) or alone, a second server refused, and a `kill -9` that loses nothing.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function env(dataDir: string, port = 0): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PLI_DATA_DIR: dataDir, PORT: String(port), PLI_DEMO_PASSWORD: DEMO_PASSWORD, LOG_LEVEL: 'warn', NODE_ENV: 'test' };
  delete e.DATABASE_URL;
  return e;
}

async function startServer(dataDir: string, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main-api.ts'], { cwd: ROOT, env: env(dataDir, port), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (r.ok) return { child, output: () => out };
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`server not healthy in time:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function cli(dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli/main-cli.ts', ...args], { cwd: ROOT, env: env(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const lastLine = (s: string) => s.trim().split('\n').pop()!.trim();
const me = (port: number, key: string) => fetch(`http://127.0.0.1:${port}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });

describe('the embedded default with real processes', () => {
  it('the CLI on a fresh data directory migrates, seeds, and prints a working key as its last line', async () => {
    const dataDir = tempDir('fresh');
    const r = await cli(dataDir, ['api-key', 'create', '--email', 'user@mairie-demo.test']);
    expect(r.code, r.stderr).toBe(0);
    const key = lastLine(r.stdout);
    expect(key).toMatch(/^pli_[0-9a-z]{26}_[A-Za-z0-9_-]{43}$/);

    const port = await freePort();
    const server = await startServer(dataDir, port);
    const res = await me(port, key);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { email: string }).email).toBe('user@mairie-demo.test');
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    expect(fs.existsSync(path.join(dataDir, 'pli.lock'))).toBe(false);
  }, 120_000);

  it('survives kill -9: the CLI talks to the running server, and after a crash every committed row is there', async () => {
    const dataDir = tempDir('crash');
    const port = await freePort();
    const first = await startServer(dataDir, port);
    // Without a password: the server generates them and shows them once, on the terminal only.
    expect(first.output()).toContain('admin@pli.test');

    // The server holds the database: the CLI goes through its control socket.
    const created = await cli(dataDir, ['api-key', 'create', '--email', 'admin@mairie-demo.test', '--name', 'before crash']);
    expect(created.code, created.stderr).toBe(0);
    const key = lastLine(created.stdout);
    expect((await me(port, key)).status).toBe(200);

    // A second server on the same data directory is refused with a sentence, not a corruption.
    const second = spawn(process.execPath, ['--import', 'tsx', 'server/src/main-api.ts'], { cwd: ROOT, env: env(dataDir, await freePort()), stdio: ['ignore', 'pipe', 'pipe'] });
    let secondErr = '';
    second.stderr.on('data', (c: Buffer) => (secondErr += c.toString()));
    const secondCode = await new Promise((r) => second.on('exit', r));
    expect(secondCode).toBe(1);
    expect(secondErr).toContain('in use by another Pli process');

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(fs.existsSync(path.join(dataDir, 'pli.lock'))).toBe(true); // stale, left by the crash

    // The CLI alone, server down: opens the database itself.
    const offline = await cli(dataDir, ['api-key', 'create', '--email', 'user@mairie-demo.test']);
    expect(offline.code, offline.stderr).toBe(0);
    const offlineKey = lastLine(offline.stdout);

    const restarted = await startServer(dataDir, port);
    expect((await me(port, key)).status).toBe(200);
    expect((await me(port, offlineKey)).status).toBe(200);
    // The demo is seeded once: no second password notice.
    expect(restarted.output()).not.toContain('demo accounts created');

    const revoked = await cli(dataDir, ['api-key', 'revoke', key.slice(0, 30).replace('pli_', 'key_')]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await me(port, key)).status).toBe(401);

    const bad = await cli(dataDir, ['api-key', 'create', '--email', 'nobody@nowhere.test']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('No user has the e-mail nobody@nowhere.test');
    restarted.child.kill('SIGTERM');
    await new Promise((r) => restarted.child.once('exit', r));
  }, 180_000);

  it('a bad configuration value stops the process with a sentence naming it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main-api.ts'], {
      cwd: ROOT,
      env: { ...env(tempDir('cfg')), PORT: 'eighty', DATABASE_URL: 'mysql://x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(err).toContain('PORT');
    expect(err).toContain('DATABASE_URL must be a URL starting with postgres:// or postgresql://');
    expect(err).not.toMatch(/\n\s+at /);
  }, 60_000);
});
