import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, createTestApp, type TestApp } from '../../../test/helpers.js';
import { inScope, systemScope } from '../../platform/db/scope.js';

/** The provider's Outbox: every e-mail Pli sent, readable by the provider's administrators only. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('pglite');
  await inScope(t.container.db, systemScope, async (tx) => {
    await t.container.mail.queue(tx, { organisationId: null, to: 'first@example.test', subject: 'Premier', text: 'Bonjour, voici le lien : http://localhost:3000/activate/abc' });
    await t.container.mail.queue(tx, { organisationId: null, to: 'second@example.test', subject: 'Second', text: 'Deuxième message' });
  });
});
afterAll(() => t.close());

describe('outbox', () => {
  it('lists messages newest first for the provider administrator, with each text on demand', async () => {
    const key = await apiKeyFor(t, 'admin@pli.test');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/outbox', headers: { authorization: `Bearer ${key}` } });
    expect(list.statusCode).toBe(200);
    const data = list.json().data;
    expect(data.map((m: { to: string }) => m.to)).toEqual(['second@example.test', 'first@example.test']);
    expect(data[0]).not.toHaveProperty('text_body');
    const one = await t.app.inject({ method: 'GET', url: `/api/v1/outbox/${data[1].id}`, headers: { authorization: `Bearer ${key}` } });
    expect(one.json()).toMatchObject({ subject: 'Premier', text_body: expect.stringContaining('/activate/abc') });
    const filtered = await t.app.inject({ method: 'GET', url: '/api/v1/outbox?to=FIRST@example.test', headers: { authorization: `Bearer ${key}` } });
    expect(filtered.json().data).toHaveLength(1);
  });

  it.each(['operator@pli.test', 'support@pli.test', 'admin@mairie-demo.test', 'user@mairie-demo.test'])('%s may not read it', async (email) => {
    const key = await apiKeyFor(t, email);
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/outbox', headers: { authorization: `Bearer ${key}` } });
    expect(r.statusCode).toBe(403);
  });
});
