import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TARIFF } from '#domain/mail/index.js';
import { apiKeyFor, createTestApp, multipartFile, FIXTURES, type TestApp } from '../../../test/helpers.js';
import { fixedClock } from '../../platform/clock/clock.js';
import { inScope, systemScope } from '../../platform/db/scope.js';

/** Effective-dated tariffs: a contract's own tariff prices its orders from its first day. */
let t: TestApp;
let provider: string;
let client: string;
let clientAdmin: string;
let demoOrg: string;
const clock = fixedClock(new Date('2026-11-26T10:00:00Z'));

beforeAll(async () => {
  t = await createTestApp('pglite', { overrides: { clock } });
  provider = await apiKeyFor(t, 'admin@pli.test');
  client = await apiKeyFor(t, 'user@mairie-demo.test');
  clientAdmin = await apiKeyFor(t, 'admin@mairie-demo.test');
  demoOrg = (await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('organisations').select('id').where('name', '=', 'Mairie de Démo').executeTakeFirstOrThrow())).id;
});
afterAll(() => t.close());

// In English: the refusals below are quoted from the English catalogue.
const auth = (k: string) => ({ authorization: `Bearer ${k}`, 'accept-language': 'en' });

describe('tariffs', () => {
  it('a tariff of the organisation’s own, in force from today, prices its drafts', async () => {
    const mp = multipartFile('file', 'l.pdf', fs.readFileSync(path.join(FIXTURES, 'letters', 'lettre-1-page.pdf')));
    const doc = (await t.app.inject({ method: 'POST', url: '/api/v1/documents', payload: mp.payload, headers: { ...auth(client), ...mp.headers } })).json();
    const order = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: auth(client),
        payload: { kind: 'paper', name: 'x', documents: [doc.id], address_source: 'document', options: { color: 'bw', sides: 'simplex', envelope: 'C5/6', background: null, mail_class: 'priority', archive: { type: 'none' } } },
      })
    ).json();
    const before = order.quote.total_cents;

    const dearer = { ...DEFAULT_TARIFF, effectiveFrom: '2026-11-27', lines: { ...DEFAULT_TARIFF.lines, printPageBw: DEFAULT_TARIFF.lines.printPageBw + 100 } };
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: auth(provider), payload: { organisation_id: demoOrg, tariff: dearer } });
    expect(created.statusCode, created.body).toBe(201);
    // Not yet in force: the quote is unchanged today…
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: auth(client) })).json().quote.total_cents).toBe(before);
    // …and from tomorrow it is the organisation's price (100 cents more + 20 % VAT).
    clock.advance(24 * 3600_000);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: auth(client) })).json().quote.total_cents).toBe(before + 120);
  });

  it('refuses a tariff starting in the past, a second tariff on the same day, and a tariff missing a postage step', async () => {
    const past = await t.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: auth(provider), payload: { organisation_id: null, tariff: { ...DEFAULT_TARIFF, effectiveFrom: '2026-11-25' } } });
    expect(past.statusCode).toBe(422);
    expect(past.json().detail).toContain('cannot start in the past');
    const same = { ...DEFAULT_TARIFF, effectiveFrom: '2026-11-27' };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: auth(provider), payload: { organisation_id: demoOrg, tariff: same } })).statusCode).toBe(409);
    const holes = { ...DEFAULT_TARIFF, effectiveFrom: '2027-01-01', lines: { ...DEFAULT_TARIFF.lines, postage: { ...DEFAULT_TARIFF.lines.postage, priority: { '20g': 100 } } } };
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: auth(provider), payload: { organisation_id: null, tariff: holes } });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toContain('priority 100g');
  });

  it('a client administrator reads the tariffs that apply; a client user and operators may not write', async () => {
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/tariffs', headers: auth(clientAdmin) })).json().data;
    expect(list.map((x: { organisation_id: string | null }) => x.organisation_id).sort()).toEqual([demoOrg, null].sort());
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tariffs', headers: auth(client) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: auth(clientAdmin), payload: { organisation_id: null, tariff: DEFAULT_TARIFF } })).statusCode).toBe(403);
  });
});
