import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, signIn, type Browser, type TestApp } from '../../../test/helpers.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { createApiKey } from './api-keys.js';
import { describeSession } from './sessions.js';
import { findUserByEmail, insertUser, principalOfUser } from './users.js';

/** Another organisation's ids answer 404 — never 403, which would confirm they exist. */
describe.each(backends())('another organisation’s resources on %s', (kind) => {
  let t: TestApp;
  let adminA: Browser;
  const b = { org: '', user: '', key: '' };

  beforeAll(async () => {
    t = await createTestApp(kind);
    adminA = await signIn(t.app, 'admin@mairie-demo.test');
    b.org = t.container.ids.next('org');
    await inScope(t.container.db, systemScope, async (tx) => {
      await tx.insertInto('organisations').values({ id: b.org, kind: 'client', name: 'Commune B' }).execute();
      b.user = (await insertUser(tx, t.container, { organisationId: b.org, email: 'agent@commune-b.test', name: 'Agent B', role: 'client_admin', password: 'a long password for b' })).id;
    });
    b.key = (await createApiKey(t.container, await principalOfUser(t.container.db, b.user), 'B')).id;
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: adminA.headers(), ...(payload ? { payload } : {}) });

  it.each([
    ['GET', () => `/api/v1/organisations/${b.org}`],
    ['GET', () => `/api/v1/users/${b.user}`],
    ['GET', () => `/api/v1/users?organisation=${b.org}`],
    ['POST', () => `/api/v1/users/${b.user}/deactivate`],
    ['POST', () => `/api/v1/users/${b.user}/reactivate`],
    ['POST', () => `/api/v1/users/${b.user}/resend-invitation`],
    ['DELETE', () => `/api/v1/api-keys/${b.key}`],
  ] as const)('%s %s → 404', async (method, url) => {
    const r = await call(method, url());
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe('not_found');
  });

  it('inviting into another organisation → 404', async () => {
    const r = await call('POST', '/api/v1/users', { organisation_id: b.org, email: 'intrus@commune-b.test', name: 'Intrus', role: 'client_user' });
    expect(r.statusCode).toBe(404);
  });

  it('an unknown id of the same shape answers exactly the same', async () => {
    const r1 = await call('GET', `/api/v1/users/${b.user}`);
    const r2 = await call('GET', `/api/v1/users/usr_0000000000000000000000zzzz`);
    expect(r1.statusCode).toBe(r2.statusCode);
    expect(r1.json().detail).toBe(r2.json().detail);
  });

  it('a principal of A that names B’s person (a bug in whatever built it) is described nothing of B: their rows are read in A’s scope', async () => {
    const a = await principalOfUser(t.container.db, (await findUserByEmail(t.container.db, 'admin@mairie-demo.test'))!.id);
    await expect(describeSession(t.container, { ...a, userId: b.user })).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await describeSession(t.container, a)).user.email).toBe('admin@mairie-demo.test');
  });

  it('B’s people are untouched', async () => {
    const row = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('users').select('status').where('id', '=', b.user).executeTakeFirstOrThrow());
    expect(row.status).toBe('active');
  });
});
