import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, createTestApp, readEml, type TestApp } from '../../../test/helpers.js';
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

  it('shows activation and reset links with their secret masked, before and after delivery; the working link is in the mailbox only', async () => {
    const token = 'Zq3v8K1m2N4b6V8c0X2z4A6s8D0f2G4h6J8k0L2p4Q6';
    const id = await inScope(t.container.db, systemScope, (tx) =>
      t.container.mail.queue(tx, { organisationId: null, to: 'claire@mairie-demo.test', subject: 'Activez votre compte', text: `Bonjour,\nActivez votre compte : http://localhost:3000/activate/${token}\nVotre commande : http://localhost:3000/orders/ord_01jd5xw6z8k3m9q2r4t6v8x0yz` }),
    );
    const key = await apiKeyFor(t, 'admin@pli.test');
    const read = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/outbox/${id}`, headers: { authorization: `Bearer ${key}` } })).json().text_body as string;
    const queued = await read();
    expect(queued).not.toContain(token);
    expect(queued).toContain('http://localhost:3000/activate/••••••');
    expect(queued).toContain('/orders/ord_01jd5xw6z8k3m9q2r4t6v8x0yz');

    expect(await t.container.mail.deliver(id)).toBe('sent');
    const row = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('outbox_messages').select('text_body').where('id', '=', id).executeTakeFirstOrThrow());
    expect(row.text_body).not.toContain(token);
    expect(await read()).toContain('/activate/••••••');
    const mailbox = path.join(t.container.config.dataDir, 'mailbox');
    const delivered = fs.readdirSync(mailbox).filter((f) => f.endsWith('claire@mairie-demo.test.eml'));
    expect(delivered).toHaveLength(1);
    expect(fs.statSync(path.join(mailbox, delivered[0]!)).mode & 0o077).toBe(0);
    expect(readEml(path.join(mailbox, delivered[0]!))).toContain(`/activate/${token}`);
  });

  it.each(['operator@pli.test', 'support@pli.test', 'admin@mairie-demo.test', 'user@mairie-demo.test'])('%s may not read it', async (email) => {
    const key = await apiKeyFor(t, email);
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/outbox', headers: { authorization: `Bearer ${key}` } });
    expect(r.statusCode).toBe(403);
  });
});
