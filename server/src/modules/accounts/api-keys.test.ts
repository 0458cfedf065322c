import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../../test/helpers.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { createApiKey } from './api-keys.js';
import { findUserByEmail, principalOfUser } from './users.js';

describe.each(backends())('API keys on %s', (kind) => {
  let t: TestApp;
  let userKey: string;
  let adminKey: string;
  const as = (k: string) => ({ authorization: `Bearer ${k}` });

  async function keyFor(email: string): Promise<string> {
    const user = await findUserByEmail(t.container.db, email);
    return (await createApiKey(t.container, await principalOfUser(t.container.db, user!.id), 'setup')).key;
  }

  beforeAll(async () => {
    t = await createTestApp(kind);
    userKey = await keyFor('user@mairie-demo.test');
    adminKey = await keyFor('admin@mairie-demo.test');
  });
  afterAll(() => t.close());

  it('creates a key shown once, stores only its hash, and the new key works', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: as(userKey), payload: { name: 'Scanner' } });
    expect(r.statusCode).toBe(201);
    const created = r.json();
    expect(created).toMatchObject({ id: expect.stringMatching(/^key_/), name: 'Scanner', key: expect.stringMatching(/^pli_/), revoked_at: null });
    const stored = await inScope(t.container.db, systemScope, (tx) => sql<Record<string, unknown>>`SELECT * FROM api_keys WHERE id = ${created.id}`.execute(tx));
    // The secret is what follows pli_<26-character id>_ (it may itself contain "_").
    const secret = /^pli_[0-9a-z]{26}_(.+)$/.exec(created.key)![1]!;
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(stored.rows)).not.toContain(secret);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(created.key) });
    expect(me.json().email).toBe('user@mairie-demo.test');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: as(userKey) });
    expect(list.json().data.find((k: { id: string }) => k.id === created.id)).not.toHaveProperty('key');
  });

  it('lists only the caller’s own keys, with cursor pagination', async () => {
    for (let i = 0; i < 3; i++) await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: as(userKey), payload: { name: `k${i}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.app.inject({ method: 'GET', url: `/api/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: as(userKey) });
      expect(r.statusCode).toBe(200);
      const page: { data: Array<{ id: string }>; next_cursor: string | null } = r.json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((k) => k.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    const adminList = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: as(adminKey) });
    expect(adminList.json().data.every((k: { id: string }) => !seen.includes(k.id))).toBe(true);
  });

  it('refuses a cursor it never gave', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys?cursor=bm9wZQ', headers: as(userKey) });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].field).toBe('cursor');
  });

  it('a revoked key stops working at once', async () => {
    const created = (await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: as(userKey), payload: { name: 'temp' } })).json();
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${created.id}`, headers: as(userKey) });
    expect(del.statusCode).toBe(204);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(created.key) });
    expect(me.statusCode).toBe(401);
  });

  it('requests arriving together, with different keys, a wrong secret and a revoked key, each get their own answer', async () => {
    const revoked = (await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: as(userKey), payload: { name: 'gone' } })).json();
    await t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${revoked.id}`, headers: as(userKey) });
    const wrongSecret = `${userKey.slice(0, -4)}AAAA`;
    const callers = [userKey, adminKey, revoked.key as string, wrongSecret];
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => callers[i % callers.length]!).map(async (key) => {
        const r = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(key) });
        return r.statusCode === 200 ? r.json().email : r.statusCode;
      }),
    );
    expect(answers).toEqual(Array.from({ length: 5 }, () => ['user@mairie-demo.test', 'admin@mairie-demo.test', 401, 401]).flat());
  });

  it('someone else’s key is "not found", and stays valid', async () => {
    const created = (await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: as(adminKey), payload: { name: 'admin' } })).json();
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${created.id}`, headers: as(userKey) });
    expect(del.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(created.key) })).statusCode).toBe(200);
  });

  it('a key of a deactivated user, or of a suspended organisation, is refused', async () => {
    const key = await keyFor('support@pli.test');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(key) })).statusCode).toBe(200);
    await inScope(t.container.db, systemScope, (tx) => tx.updateTable('users').set({ status: 'deactivated' }).where('email', '=', 'support@pli.test').execute());
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(key) })).statusCode).toBe(401);

    const clientKey = await keyFor('admin@mairie-demo.test');
    await inScope(t.container.db, systemScope, (tx) => tx.updateTable('organisations').set({ status: 'suspended' }).where('name', '=', 'Mairie de Démo').execute());
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(clientKey) })).statusCode).toBe(401);
    await inScope(t.container.db, systemScope, (tx) => tx.updateTable('organisations').set({ status: 'active' }).where('name', '=', 'Mairie de Démo').execute());
  });
});
