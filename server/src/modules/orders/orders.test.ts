import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createClientOrganisation, createTestApp, multipartFile, FIXTURES, type TestApp } from '../../../test/helpers.js';
import { makePdf } from '../../../test/pdf-fixtures.js';
import { fixedClock } from '../../platform/clock/clock.js';

/** The paper-order flow through the API (api.md): draft, options, quote, submit, withdraw. */
describe.each(backends())('paper orders on %s', (kind) => {
  let t: TestApp;
  let user: string;
  let admin: string;
  let letterId: string;
  const clock = fixedClock(new Date('2026-11-26T10:00:00Z')); // a Thursday, 11:00 in Paris
  // In English: the refusals below are quoted from the English catalogue.
  const auth = (k: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${k}`, 'accept-language': 'en', ...extra });
  const upload = async (bytes: Uint8Array, name: string, k = user) => {
    const mp = multipartFile('file', name, bytes, 'application/pdf');
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/documents', payload: mp.payload, headers: { ...auth(k), ...mp.headers } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  };
  const options = { color: 'bw', sides: 'duplex', envelope: 'C5/6', background: null, mail_class: 'priority', archive: { type: 'none' } };
  const create = (body: Record<string, unknown>, k = user) => t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: auth(k), payload: { kind: 'paper', name: 'Relances novembre', address_source: 'document', options, ...body } });

  beforeAll(async () => {
    t = await createTestApp(kind, { overrides: { clock } });
    user = await apiKeyFor(t, 'user@mairie-demo.test');
    admin = await apiKeyFor(t, 'admin@mairie-demo.test');
    letterId = await upload(fs.readFileSync(path.join(FIXTURES, 'letters', 'lettre-3-pages.pdf')), 'lettre-3-pages.pdf');
  });
  afterAll(() => t.close());

  it('a draft shows its letters, its quote and its delivery estimate; options change the quote', async () => {
    const r = await create({ documents: [letterId] });
    expect(r.statusCode, r.body).toBe(201);
    const order = r.json();
    expect(order).toMatchObject({ status: 'draft', letters: 1, problems: [], delivery_estimate: '2026-11-28' }); // Thursday before 16:00: deposited that day, D+2 postal days
    expect(order.mailpieces[0]).toMatchObject({ id: null, pages: [1, 3], sheets: 2, weight_g: 15, postage_step: '20g', recipient: { address: ['Monsieur Jean DUPONT', '12 RUE DES LILAS', '75011 PARIS'], country: 'FR' } });
    const q = order.quote;
    expect(q.total_cents).toBe(q.total_excl_vat_cents + q.vat_cents);
    expect(q.lines.reduce((a: number, l: { total_cents: number }) => a + l.total_cents, 0)).toBe(q.total_excl_vat_cents);

    const registered = await t.app.inject({ method: 'PATCH', url: `/api/v1/orders/${order.id}`, headers: auth(user), payload: { options: { ...options, mail_class: 'registered', registered_level: 'R1', acknowledgement: true } } });
    expect(registered.statusCode, registered.body).toBe(200);
    expect(registered.json().quote.total_cents).toBeGreaterThan(q.total_cents);
    expect(registered.json().mailpieces[0].weight_g).toBe(19);
  });

  it.each([
    ['an acknowledgement on a non-registered letter', { options: { ...options, acknowledgement: true } }, 422, 'options.acknowledgement'],
    ['an unknown option value', { options: { ...options, color: 'sepia' } }, 400, 'options.color'],
    ['an unknown field', { options: { ...options, urgent: true } }, 400, 'options.urgent'],
    ['registered without a level', { options: { ...options, mail_class: 'registered' } }, 422, 'options.registered_level'],
    ['an electronic archive without retention', { options: { ...options, archive: { type: 'electronic' } } }, 422, 'options.archive.retention_years'],
  ] as const)('refuses %s', async (_label, body, status, field) => {
    const r = await create({ documents: [letterId], ...body });
    expect(r.statusCode).toBe(status);
    expect(r.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('a document of another organisation is "not found"', async () => {
    await createClientOrganisation(t, 'Commune D', 'd@commune-d.test');
    const other = await upload(fs.readFileSync(path.join(FIXTURES, 'letters', 'lettre-1-page.pdf')), 'autre.pdf', await apiKeyFor(t, 'd@commune-d.test'));
    const r = await create({ documents: [other] });
    expect(r.statusCode).toBe(404);
  });

  it('a 300 g non-priority letter and 1,000 pages in a C5/6 block the submission with the reason', async () => {
    const heavy = await upload(await makePdf(Array.from({ length: 60 }, (_, i) => (i === 0 ? { address: ['Madame Claire MARTIN', '8 RUE DU CHATEAU', '44000 NANTES'] } : {}))), 'lourd.pdf');
    const created = await create({ documents: [heavy], options: { ...options, sides: 'simplex', envelope: 'C4', mail_class: 'non_priority' } });
    expect(created.statusCode, created.body).toBe(201);
    const order = created.json();
    expect(order.problems.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['too_heavy_for_class', 'too_many_sheets_for_envelope']));
    const submit = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/submit`, headers: auth(user) });
    expect(submit.statusCode).toBe(422);
    expect(submit.json().detail).toContain('cannot be sent yet');
    expect(submit.json().problems.length).toBeGreaterThan(0);
  });

  it('an invalid address read from the document blocks the submission', async () => {
    const bad = await upload(await makePdf([{ address: ['M DUPONT', 'UNE LIGNE BEAUCOUP TROP LONGUE POUR UNE ENVELOPPE', '1 RUE A', '2 RUE B', '3 RUE C', '4 RUE D', '5 RUE E', '44000 NANTES'] }]), 'adresse.pdf');
    const order = (await create({ documents: [bad] })).json();
    expect(order.problems.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['too_many_lines', 'line_too_long']));
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/submit`, headers: auth(user) })).statusCode).toBe(422);
  });

  it('submits once (Idempotency-Key), freezes the price, makes pending mailpieces, then is read-only; withdrawal until accepted', async () => {
    const order = (await create({ documents: [letterId] })).json();
    const headers = auth(user, { 'idempotency-key': `submit-${order.id}` });
    const first = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/submit`, headers });
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/submit`, headers });
    expect(first.statusCode, first.body).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    const submitted = first.json();
    expect(submitted).toMatchObject({ status: 'submitted', letters: 1, quote: order.quote });
    expect(submitted.mailpieces[0]).toMatchObject({ id: expect.stringMatching(/^mp_/), status: 'pending' });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/submit`, headers: auth(user) })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/orders/${order.id}`, headers: auth(user), payload: { name: 'x' } })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/orders/${order.id}`, headers: auth(user) })).statusCode).toBe(409);

    const po = await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}/purchase-order`, headers: auth(user) });
    expect(po.statusCode).toBe(200);
    expect(po.headers['content-type']).toBe('application/pdf');
    expect(po.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const po2 = await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}/purchase-order`, headers: auth(user) });
    expect(po2.rawPayload.equals(po.rawPayload)).toBe(true);

    const mp = await t.app.inject({ method: 'GET', url: `/api/v1/mailpieces/${submitted.mailpieces[0].id}`, headers: auth(user) });
    expect(mp.json()).toMatchObject({ status: 'pending', events: [expect.objectContaining({ type: 'order.submitted' })] });

    const cancelled = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/cancel`, headers: auth(user) });
    expect(cancelled.json().status).toBe('cancelled');
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/cancel`, headers: auth(user) })).statusCode).toBe(409);
  });

  it('a draft can be deleted; a client user sees only their own orders, the administrator all of them', async () => {
    const mine = (await create({ documents: [letterId], name: 'à supprimer' })).json();
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/orders/${mine.id}`, headers: auth(user) })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/orders/${mine.id}`, headers: auth(user) })).statusCode).toBe(404);
    const adminDoc = await upload(fs.readFileSync(path.join(FIXTURES, 'letters', 'lettre-1-page.pdf')), 'admin.pdf', admin);
    const adminOrder = (await create({ documents: [adminDoc], name: 'de l’administratrice' }, admin)).json();
    const userList = (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: auth(user) })).json().data.map((o: { id: string }) => o.id);
    const adminList = (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: auth(admin) })).json().data.map((o: { id: string }) => o.id);
    expect(userList).not.toContain(adminOrder.id);
    expect(adminList).toContain(adminOrder.id);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/orders/${adminOrder.id}`, headers: auth(user) })).statusCode).toBe(404);
  });

  it('splits the 20-letter mail-merge run at each address', async () => {
    const run = await upload(fs.readFileSync(path.join(FIXTURES, 'letters', 'publipostage-20-lettres.pdf')), 'publipostage.pdf');
    const order = (await create({ documents: [run], split: { mode: 'address' } })).json();
    expect(order.letters).toBe(20);
    expect(order.mailpieces.every((m: { pages: [number, number] }) => m.pages[1] - m.pages[0] === 1)).toBe(true);
    const every = (await create({ documents: [run], split: { mode: 'every', pages: 2 } })).json();
    expect(every.letters).toBe(20);
  });

  it('recipients from a list get a carrier sheet in front', async () => {
    const order = (
      await create({
        documents: [letterId],
        address_source: 'recipients',
        recipients: [
          { address: ['M. Jean DUPONT', '12 RUE DES LILAS', '75011 PARIS'], country: 'FR' },
          { address: ['Madame Claire MARTIN', '8 RUE DU CHATEAU', '44000 NANTES'], country: 'FR' },
        ],
      })
    ).json();
    expect(order.letters).toBe(2);
    expect(order.mailpieces[0].sheets).toBe(3); // carrier + 2 duplex sheets
  });
});
