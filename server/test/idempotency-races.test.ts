import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope, systemScope } from '../src/platform/db/scope.js';
import type { Clock } from '../src/platform/clock/clock.js';
import { apiKeyFor, backends, createTestApp, freePort, PAPER_OPTIONS, tempDir, until, uploadLetter, type TestApp } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A clock that runs with the wall clock, moved forward by hand (a retry "ten minutes later"). */
function shiftedClock(): Clock & { shift(ms: number): void } {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), shift: (ms) => (offset += ms) };
}

const ordersNamed = (t: TestApp, name: string) =>
  inScope(t.container.db, systemScope, (tx) => tx.selectFrom('orders').select('id').where('name', '=', name).execute());

/**
 * Idempotency-Key under the two faults a client's retry meets: twenty copies of one request
 * arriving at once (a nervous script, a proxy retrying), and the process dying after the work
 * committed but before its answer left.
 */
describe.each(backends())('Idempotency-Key, exactly once, on %s', (kind) => {
  let t: TestApp;
  let key: string;
  let documentId: string;
  beforeAll(async () => {
    t = await createTestApp(kind);
    key = await apiKeyFor(t, 'user@mairie-demo.test');
    documentId = await uploadLetter(t, key);
  });
  afterAll(() => t.close());

  const body = (name: string) => ({ kind: 'paper', name, address_source: 'document', documents: [documentId], options: PAPER_OPTIONS });

  it('20 identical requests at the same time create one order; the others replay it or are told it is in progress', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'nervous-script-1' }, payload: body('Vingt fois la même commande') }),
      ),
    );
    const orders = await ordersNamed(t, 'Vingt fois la même commande');
    expect(orders).toHaveLength(1);
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    for (const a of answers.filter((x) => x.statusCode === 201)) expect(a.json().id).toBe(orders[0]!.id);
    for (const a of answers.filter((x) => x.statusCode === 409)) expect(a.json().code).toBe('idempotency_in_progress');
    // Once the first has answered, every retry gets its answer.
    const later = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'nervous-script-1' }, payload: body('Vingt fois la même commande') });
    expect(later.statusCode).toBe(201);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.json().id).toBe(orders[0]!.id);
  });

  it('20 submissions of one order at the same time with one key: submitted once, one set of mailpieces', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { authorization: `Bearer ${key}` }, payload: body('Envoyée vingt fois') });
    const id = created.json().id;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => t.app.inject({ method: 'POST', url: `/api/v1/orders/${id}/submit`, headers: { authorization: `Bearer ${key}`, 'idempotency-key': `submit-${id}` } })),
    );
    expect(answers.map((a) => a.statusCode).filter((s) => s !== 202 && s !== 409)).toEqual([]);
    const pieces = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('mailpieces').select('id').where('order_id', '=', id).execute());
    expect(pieces).toHaveLength(1);
    const events = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('order_events').select('type').where('order_id', '=', id).execute());
    expect(events.filter((e) => e.type === 'order.submitted')).toHaveLength(1);
  });
});

describe.runIf(backends().includes('postgres'))('a process killed after the work committed (PostgreSQL, real process)', () => {
  let t: TestApp;
  const clock = shiftedClock();
  const dataDir = tempDir('dies');
  beforeAll(async () => {
    t = await createTestApp('postgres', { overrides: { clock } });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the retry, even after the claim looks abandoned, replays the answer and never creates a second order', async () => {
    const key = await apiKeyFor(t, 'user@mairie-demo.test');
    const documentId = await uploadLetter(t, key);
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/test/fixtures/api-dies-after-commit.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: t.testDb.url!, PLI_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'silent', PLI_SEED: 'none', PLI_DIE_AFTER_TABLE: 'orders' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await until('the API process to listen', async () => out.includes('api ready') || child.exitCode !== null);
    expect(out).toContain('api ready');

    const payload = { kind: 'paper', name: 'Commande au moment du crash', address_source: 'document', documents: [documentId], options: PAPER_OPTIONS };
    const headers = { authorization: `Bearer ${key}`, 'idempotency-key': 'crash-1', 'content-type': 'application/json' };
    const first = await fetch(`http://127.0.0.1:${port}/api/v1/orders`, { method: 'POST', headers, body: JSON.stringify(payload) }).then(
      () => 'answered',
      () => 'connection lost',
    );
    expect(first).toBe('connection lost');
    expect(await exited).toBe('SIGKILL');
    const committed = await ordersNamed(t, payload.name);
    expect(committed).toHaveLength(1);

    // The client retries much later, when an unanswered claim would count as abandoned.
    clock.shift(10 * 60_000);
    const retry = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'crash-1' }, payload });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(committed[0]!.id);
    expect(await ordersNamed(t, payload.name)).toHaveLength(1);
  });
});
