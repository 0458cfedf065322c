import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContainer, type Container, type ContainerOverrides } from '../src/container.js';
import { openDatabase, type Database, type DatabaseKind } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logger/logger.js';
import { createApiKey, createUserFromCli, findUserByEmail, principalOfUser, seed } from '../src/modules/accounts/index.js';
import { inScope, systemScope } from '../src/platform/db/scope.js';
import { ensureProductionRules, ensureStandardTariff } from '../src/modules/orders/index.js';

/** The back-ends database tests run on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function backends(): DatabaseKind[] {
  return inject('postgresTemplate') ? ['pglite', 'postgres'] : ['pglite'];
}

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pli-${label}-`));
}

export interface TestDatabase {
  database: Database;
  /** For tests that start other processes on the same database (PostgreSQL only). */
  url: string | undefined;
  dispose(): Promise<void>;
}

/** A fresh, migrated database cloned from the run's template. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const dir = tempDir('db');
    fs.cpSync(inject('pgliteTemplate'), path.join(dir, 'db'), { recursive: true });
    const database = await openDatabase({ pgliteDir: path.join(dir, 'db') });
    return {
      database,
      url: undefined,
      async dispose() {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const template = inject('postgresTemplate');
  const adminUrl = inject('postgresAdminUrl');
  if (!template || !adminUrl) throw new Error('PostgreSQL tests need TEST_DATABASE_URL');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 5 });
  return {
    database,
    url: url.toString(),
    async dispose() {
      await database.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export const DEMO_PASSWORD = 'demo-password-for-tests';

export interface TestApp {
  app: FastifyInstance;
  container: Container;
  testDb: TestDatabase;
  close(): Promise<void>;
}

/** A container and app on a fresh database, seeded with the demo; job workers only on request. */
export async function createTestApp(
  kind: DatabaseKind,
  opts: { env?: Record<string, string>; overrides?: ContainerOverrides; app?: BuildAppOptions; seedDemo?: boolean; workers?: boolean } = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase(kind);
  const dataDir = tempDir('data');
  // The floor's clock stays still unless a test turns it on: tests build batches themselves.
  const config = loadConfig({ NODE_ENV: 'test', PLI_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PLI_DEMO_PASSWORD: DEMO_PASSWORD, PLI_BATCHING_INTERVAL_SECONDS: '0', ...opts.env });
  const container = await createContainer(config, createLogger('silent'), { ...opts.overrides, database: testDb.database });
  await seed(container, { demo: opts.seedDemo ?? true, demoPassword: DEMO_PASSWORD });
  await ensureStandardTariff(container);
  await ensureProductionRules(container);
  await container.queue.start({ work: opts.workers ?? false });
  const app = await buildApp(container, { logger: false, ...opts.app });
  await app.ready();
  return {
    app,
    container,
    testDb,
    async close() {
      await app.close();
      await container.close();
      await testDb.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed-in browser: the session cookie and the CSRF token to send with writes. */
export interface Browser {
  cookie: string;
  csrf: string;
  headers(): Record<string, string>;
}

export function cookieFrom(setCookie: string | string[] | undefined): string {
  const all = [setCookie ?? []].flat();
  const mine = all.find((c) => c.startsWith('pli_session='));
  if (!mine) throw new Error(`no session cookie in ${JSON.stringify(all)}`);
  return mine.split(';')[0]!;
}

export async function signIn(app: FastifyInstance, email: string, password = DEMO_PASSWORD): Promise<Browser & { stage: string }> {
  // Each sign-in from its own address: the per-address limit on the sign-in route is tested on its own.
  const remoteAddress = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
  const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password }, remoteAddress });
  if (r.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${r.statusCode} ${r.body}`);
  const cookie = cookieFrom(r.headers['set-cookie']);
  const body = r.json() as { csrf_token: string; stage: string };
  return { cookie, csrf: body.csrf_token, stage: body.stage, headers: () => ({ cookie, 'x-csrf-token': body.csrf_token }) };
}

/** A multipart/form-data body with one file, for app.inject. */
export function multipartFile(field: string, filename: string, bytes: Uint8Array, contentType = 'application/octet-stream'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----pli${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, Buffer.from(bytes), tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Realistic inputs kept in the repository (fixtures/README.md says how each was made). */
export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

/** A fresh API key acting as the user with this e-mail. */
export async function apiKeyFor(t: TestApp, email: string): Promise<string> {
  const user = await findUserByEmail(t.container.db, email);
  if (!user) throw new Error(`no user ${email}`);
  return (await createApiKey(t.container, await principalOfUser(t.container.db, user.id), 'tests')).key;
}

/** Another client organisation with one active person (password set), for walls between tenants. */
export async function createClientOrganisation(t: TestApp, name: string, email: string, role: 'client_admin' | 'client_user' = 'client_user'): Promise<{ organisationId: string; userId: string }> {
  const organisationId = t.container.ids.next('org');
  await inScope(t.container.db, systemScope, (tx) => tx.insertInto('organisations').values({ id: organisationId, kind: 'client', name }).execute());
  const { id } = await createUserFromCli(t.container, { email, name: `${name} — ${role}`, role, organisation: organisationId, password: 'a long password for tests' });
  return { organisationId, userId: id };
}

/** Polls until the probe gives something truthy; fails with what was awaited. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export const PAPER_OPTIONS = { color: 'bw', sides: 'duplex', envelope: 'C5/6', background: null, mail_class: 'priority', archive: { type: 'none' } } as const;

/** A fixture letter uploaded through the API as `key`'s person; its document id. */
export async function uploadLetter(t: TestApp, key: string, file = 'lettre-1-page.pdf'): Promise<string> {
  const mp = multipartFile('file', file, fs.readFileSync(path.join(FIXTURES, 'letters', file)), 'application/pdf');
  const doc = await t.app.inject({ method: 'POST', url: '/api/v1/documents', payload: mp.payload, headers: { authorization: `Bearer ${key}`, ...mp.headers } });
  if (doc.statusCode !== 201) throw new Error(`upload of ${file}: ${doc.statusCode} ${doc.body}`);
  return doc.json().id as string;
}

/**
 * A paper order as a client sends it through the API: a fixture letter uploaded, the order
 * created (its address read from the document) and submitted. Returns the order id.
 */
export async function submitLetterOrder(t: TestApp, key: string, opts: { file?: string; name?: string; options?: Record<string, unknown>; extra?: Record<string, unknown> } = {}): Promise<string> {
  const auth = { authorization: `Bearer ${key}` };
  const file = opts.file ?? 'lettre-1-page.pdf';
  const documentId = await uploadLetter(t, key, file);
  const order = await t.app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: auth,
    payload: { kind: 'paper', name: opts.name ?? `Courrier ${file}`, address_source: 'document', documents: [documentId], options: opts.options ?? PAPER_OPTIONS, ...opts.extra },
  });
  if (order.statusCode !== 201) throw new Error(`order: ${order.body}`);
  const submitted = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.json().id}/submit`, headers: auth });
  if (submitted.statusCode !== 202) throw new Error(`submit: ${submitted.body}`);
  return order.json().id;
}

/**
 * Orders taken through the floor to La Poste as an operator does it: accepted, batched, each
 * batch printed, inserted, franked (its slip prepared) and deposited. Needs the job workers.
 */
export async function depositOrders(t: TestApp, operatorKey: string, orderIds: readonly string[]): Promise<void> {
  const headers = { authorization: `Bearer ${operatorKey}` };
  const post = (url: string, payload?: Record<string, unknown>) => t.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
  for (const id of orderIds) {
    const accepted = await post(`/api/v1/production/orders/${id}/accept`);
    if (accepted.statusCode !== 204) throw new Error(`accept ${id}: ${accepted.body}`);
  }
  const batches = (await post('/api/v1/production/batches/build', { close: true })).json().batches as Array<{ id: string; number: number }>;
  const batch = async (id: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${id}`, headers })).json();
  for (const b of batches) {
    await until(`print file of ${b.id}`, async () => (await batch(b.id)).status === 'ready_to_print');
    for (const step of ['printed', 'inserted', 'franked']) {
      const scanned = await post('/api/v1/production/scan', { code: `B${b.number}`, step });
      if (scanned.statusCode !== 200) throw new Error(`scan B${b.number} ${step}: ${scanned.body}`);
    }
    await until('the deposit slip', async () => (await batch(b.id)).deposit_slip);
    const deposited = await post('/api/v1/production/scan', { code: `B${b.number}`, step: 'deposited' });
    if (deposited.statusCode !== 200) throw new Error(`deposit B${b.number}: ${deposited.body}`);
  }
}

/** The text of an .eml file from the mailbox, quoted-printable soft breaks and escapes undone. */
export function readEml(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/=\r?\n/g, '')
    .replace(/(?:=[0-9A-F]{2})+/g, (m) => Buffer.from(m.replace(/=/g, ''), 'hex').toString('utf8'));
}

/**
 * A simple e-letter as a sender sends it through the API, the sending job and the outbox run by
 * hand (workers off); its recipient's link and access code as the notification in the mailbox
 * carries them.
 */
export async function sendSimpleEletter(t: TestApp, key: string, email = 'destinataire@example.fr'): Promise<{ orderId: string; mailpieceId: string; link: string; code: string }> {
  const { sendElectronicOrder } = await import('../src/modules/eletters/index.js');
  const auth = { authorization: `Bearer ${key}` };
  const documentId = await uploadLetter(t, key);
  const order = await t.app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: auth,
    payload: { kind: 'electronic', name: 'Avis', documents: [documentId], options: { registered: false }, recipients: [{ email, name: 'Jeanne Destinataire', address: ['JEANNE DESTINATAIRE', '3 RUE DU PORT', '13002 MARSEILLE'], kind: 'professional' }] },
  });
  if (order.statusCode !== 201) throw new Error(`e-letter: ${order.body}`);
  const submitted = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.json().id}/submit`, headers: auth });
  if (submitted.statusCode !== 202) throw new Error(`submit: ${submitted.body}`);
  await sendElectronicOrder(t.container.eletters, order.json().id);
  const queued = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('outbox_messages').select('id').where('status', '=', 'queued').execute());
  for (const m of queued) await t.container.mail.deliver(m.id);
  const dir = path.join(t.container.config.dataDir, 'mailbox');
  const file = fs.readdirSync(dir).filter((f) => f.includes(email)).sort().at(-1)!;
  const text = readEml(path.join(dir, file));
  return {
    orderId: order.json().id,
    mailpieceId: submitted.json().mailpieces[0].id,
    link: /\/r\/([A-Za-z0-9_-]{43})/.exec(text)![1]!,
    code: /works once\): (\d{4}-\d{4})/.exec(text)![1]!,
  };
}
