import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '#verifier/verify.js';
import { apiKeyFor, backends, createTestApp, FIXTURES, PAPER_OPTIONS, submitLetterOrder, until, type TestApp } from '../../../test/helpers.js';

/**
 * What the archives keep by themselves (M-6.b, api.md `options.archive`): an accepted order's
 * files, in the simple archive or the electronic one as the order chose, and each deposited
 * batch's deposit-slip extract for organisations with the simple archive; and an archived file
 * reused to start a new letter.
 */
describe.each(backends())('the archives kept from orders on %s', (kind) => {
  let t: TestApp;
  let user: string;
  let admin: string;
  let operator: string;
  const auth = (k: string) => ({ authorization: `Bearer ${k}`, 'accept-language': 'en' });
  const post = (url: string, k: string, payload?: Record<string, unknown>) => t.app.inject({ method: 'POST', url, headers: auth(k), ...(payload === undefined ? {} : { payload }) });
  const archived = async (k: string, q = '') => (await t.app.inject({ method: 'GET', url: `/api/v1/archive?limit=200${q}`, headers: auth(k) })).json().data as Array<Record<string, any>>;

  beforeAll(async () => {
    t = await createTestApp(kind, { workers: true });
    user = await apiKeyFor(t, 'user@mairie-demo.test');
    admin = await apiKeyFor(t, 'admin@mairie-demo.test');
    operator = await apiKeyFor(t, 'operator@pli.test');
  });
  afterAll(() => t.close());

  it('keeps an accepted order’s letter in the archive its options chose, never a refused one’s', async () => {
    const simple = await submitLetterOrder(t, user, { name: 'Relances simples', options: { ...PAPER_OPTIONS, archive: { type: 'simple' } } });
    const electronic = await submitLetterOrder(t, user, { name: 'Arrêtés probants', options: { ...PAPER_OPTIONS, archive: { type: 'electronic', retention_years: 10 } } });
    const refused = await submitLetterOrder(t, user, { name: 'Refusée', options: { ...PAPER_OPTIONS, archive: { type: 'simple' } } });
    for (const id of [simple, electronic]) expect((await post(`/api/v1/production/orders/${id}/accept`, operator)).statusCode).toBe(204);
    expect((await post(`/api/v1/production/orders/${refused}/refuse`, operator, { reason: 'Adresse illisible' })).statusCode).toBe(204);

    const items = await until('both orders’ letters archived', async () => {
      const all = (await archived(user)).filter((i) => i.kind === 'sent_file');
      return all.length >= 2 ? all : null;
    });
    const letter = fs.readFileSync(path.join(FIXTURES, 'letters', 'lettre-1-page.pdf'));
    const bySimple = items.find((i) => i.order_id === simple)!;
    expect(bySimple).toMatchObject({ tier: 'simple', kind: 'sent_file', retention_years: null, timestamp_token: null, title: 'Relances simples — lettre-1-page.pdf', content_type: 'application/pdf' });
    const byElectronic = items.find((i) => i.order_id === electronic)!;
    expect(byElectronic).toMatchObject({ tier: 'electronic', retention_years: 10 });
    expect(byElectronic.timestamp_token).toBeTruthy();
    expect(items.some((i) => i.order_id === refused)).toBe(false);

    // The order's file is the archived one, and its proof holds offline.
    const proof = (await t.app.inject({ method: 'GET', url: `/api/v1/archive/${byElectronic.id}/proof`, headers: auth(user) })).json();
    expect((await verifyBundle(letter, proof)).ok).toBe(true);
    // A simple-archive file has no retention of its own to manage.
    const noRetention = await post(`/api/v1/archive/${bySimple.id}/retention`, user, { retention_years: 30 });
    expect(noRetention.statusCode).toBe(409);
    expect(noRetention.json().detail).toMatch(/^This file is in the simple archive, kept for the duration of your contract/);
  });

  it('keeps each deposited batch’s deposit-slip extract, once, in the simple archive', async () => {
    const id = await submitLetterOrder(t, user, { name: 'Courrier déposé' });
    expect((await post(`/api/v1/production/orders/${id}/accept`, operator)).statusCode).toBe(204);
    const built = await post('/api/v1/production/batches/build', operator, { close: true });
    const batches = built.json().batches as Array<{ id: string; number: number }>;
    for (const b of batches) {
      await until(`print file of ${b.id}`, async () => ((await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${b.id}`, headers: auth(operator) })).json().status === 'ready_to_print' ? true : null));
      for (const step of ['printed', 'inserted', 'franked']) expect((await post('/api/v1/production/scan', operator, { code: `B${b.number}`, step })).statusCode).toBe(200);
      await until('the deposit slip', async () => (await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${b.id}`, headers: auth(operator) })).json().deposit_slip);
      expect((await post('/api/v1/production/scan', operator, { code: `B${b.number}`, step: 'deposited' })).statusCode).toBe(200);
    }
    const slip = await until('the deposit slip archived', async () => (await archived(user, '&kind=deposit_slip')).find((i) => i.order_id === id));
    expect(slip).toMatchObject({ tier: 'simple', kind: 'deposit_slip', content_type: 'application/pdf', fields: { order: 'Courrier déposé' } });
    expect(slip.title).toMatch(/^Bordereau de dépôt B\d+ — Courrier déposé$/);
    const content = await t.app.inject({ method: 'GET', url: `/api/v1/archive/${slip.id}/content`, headers: auth(user) });
    expect(content.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // The administrator sees it too; exactly one per order and batch.
    expect((await archived(admin, '&kind=deposit_slip')).filter((i) => i.order_id === id)).toHaveLength(1);
  });

  it('reuses an archived letter to start a new one: it becomes a document, inspected like any upload', async () => {
    const item = (await archived(user, '&kind=sent_file'))[0]!;
    const reused = await post(`/api/v1/archive/${item.id}/reuse`, user);
    expect(reused.statusCode, reused.body).toBe(201);
    const doc = (await t.app.inject({ method: 'GET', url: `/api/v1/documents/${reused.json().document_id}`, headers: auth(user) })).json();
    expect(doc).toMatchObject({ status: 'ready', sha256: item.sha256, page_size: 'A4' });
    const events = (await t.app.inject({ method: 'GET', url: `/api/v1/archive/${item.id}/events`, headers: auth(user) })).json().data;
    expect(events.at(-1)).toMatchObject({ kind: 'archive.reused', detail: { document: doc.id } });

    // A file Pli cannot print is refused with the reason, and nothing is created.
    const text = await t.app.inject({
      method: 'POST',
      url: '/api/v1/archive',
      headers: { ...auth(user), 'content-type': 'multipart/form-data; boundary=b' },
      payload: '--b\r\nContent-Disposition: form-data; name="retention_years"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="image.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n0000\r\n--b--\r\n',
    });
    expect(text.statusCode, text.body).toBe(201);
    const refused = await post(`/api/v1/archive/${text.json().id}/reuse`, user);
    expect(refused.statusCode).toBe(415);
  });
});
