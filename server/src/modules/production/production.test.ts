import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lacks } from '../../../test/outside-tools.js';
import { apiKeyFor, backends, createTestApp, PAPER_OPTIONS, submitLetterOrder, until, type TestApp } from '../../../test/helpers.js';
import { inScope, systemScope } from '../../platform/db/scope.js';

/**
 * The production floor through the API: intake (accept, refuse with a reason the client reads,
 * automatic acceptance), batches and their print files, scanning step by step with the order
 * rolling up, wrong and concurrent scans, reprints, and the one-batch-ever constraint.
 */
describe.each(backends())('production floor on %s', (kind) => {
  let t: TestApp;
  let user: string;
  let operator: string;
  let providerAdmin: string;
  // In English: the refusals below are quoted from the English catalogue.
  const auth = (k: string) => ({ authorization: `Bearer ${k}`, 'accept-language': 'en' });
  const options = PAPER_OPTIONS;

  const submittedOrder = (file = 'lettre-3-pages.pdf', extra: { options?: Record<string, unknown> } = {}) => submitLetterOrder(t, user, { file, ...extra });
  const order = async (id: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers: auth(user) })).json();
  const post = (url: string, k: string, payload?: Record<string, unknown>) => t.app.inject({ method: 'POST', url, headers: auth(k), ...(payload === undefined ? {} : { payload }) });
  const scan = (code: string, step: string, k = operator) => post('/api/v1/production/scan', k, { code, step });

  /** Closes the open batches and waits for their print files (the job runs in this process). */
  async function buildAndPrint(): Promise<Array<{ id: string; number: number; status: string; mailpieces: number; print_files: Array<{ url: string; sheets: number; pages: number }>; ticket_url: string }>> {
    const built = await post('/api/v1/production/batches/build', operator, { close: true });
    expect(built.statusCode, built.body).toBe(200);
    const ids = built.json().batches.map((b: { id: string }) => b.id) as string[];
    return Promise.all(
      ids.map((id) =>
        until(`print file of ${id}`, async () => {
          const b = (await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${id}`, headers: auth(operator) })).json();
          return b.status === 'ready_to_print' ? b : null;
        }),
      ),
    );
  }

  beforeAll(async () => {
    t = await createTestApp(kind, { workers: true });
    user = await apiKeyFor(t, 'user@mairie-demo.test');
    operator = await apiKeyFor(t, 'operator@pli.test');
    providerAdmin = await apiKeyFor(t, 'admin@pli.test');
  });
  afterAll(() => t.close());

  it('the intake queue is the floor’s: clients may not see it', async () => {
    const id = await submittedOrder();
    const queue = await t.app.inject({ method: 'GET', url: '/api/v1/production/intake', headers: auth(operator) });
    expect(queue.statusCode).toBe(200);
    expect(queue.json().data.find((o: { id: string }) => o.id === id)).toMatchObject({ letters: 1, organisation: { name: 'Mairie de Démo' }, options: { envelope: 'C5/6' } });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/production/intake', headers: auth(user) })).statusCode).toBe(403);
    expect((await post(`/api/v1/production/orders/${id}/accept`, user)).statusCode).toBe(403);
  });

  it('a refused order shows the reason to the client at once, and is never batched', async () => {
    const id = await submittedOrder();
    expect((await post(`/api/v1/production/orders/${id}/refuse`, operator, { reason: 'no' })).statusCode).toBe(400);
    const refused = await post(`/api/v1/production/orders/${id}/refuse`, operator, { reason: 'Le logo de la page 2 déborde dans la zone de marquage : renvoyez une version corrigée.' });
    expect(refused.statusCode, refused.body).toBe(204);
    expect(await order(id)).toMatchObject({ status: 'refused', refusal_reason: 'Le logo de la page 2 déborde dans la zone de marquage : renvoyez une version corrigée.', accepted_at: null });
    const again = await post(`/api/v1/production/orders/${id}/accept`, operator);
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain('refused');
    const built = await post('/api/v1/production/batches/build', operator, { close: false });
    expect(built.json().assigned).toBe(0);
  });

  it('from acceptance on, the order is firm: the client can no longer withdraw it', async () => {
    const id = await submittedOrder();
    expect((await post(`/api/v1/production/orders/${id}/accept`, operator)).statusCode).toBe(204);
    expect((await order(id)).status).toBe('accepted');
    const withdraw = await post(`/api/v1/orders/${id}/cancel`, user);
    expect(withdraw.statusCode).toBe(409);
    expect(withdraw.json().detail).toContain('firm, final and irrevocable');
  });

  it.skipIf(lacks('qpdf', 'pdftotext'))('a batch is built, printed to a checked file, and scanned step by step while the order rolls up to completed', async () => {
    // The orders accepted so far (this test's and the previous one's) share one production key.
    const id = await submittedOrder();
    await post(`/api/v1/production/orders/${id}/accept`, operator);
    const [batch] = await buildAndPrint();
    expect(batch).toMatchObject({ status: 'ready_to_print', mailpieces: 2 });
    expect(batch!.print_files).toHaveLength(1);
    expect(batch!.print_files[0]).toMatchObject({ sheets: 4, pages: 8 });

    const file = await t.app.inject({ method: 'GET', url: batch!.print_files[0]!.url, headers: auth(operator) });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pli-batch-'));
    fs.writeFileSync(path.join(dir, 'batch.pdf'), file.rawPayload);
    expect(execFileSync('qpdf', ['--check', path.join(dir, 'batch.pdf')]).toString()).toContain('No syntax or stream encoding errors');
    expect((await t.app.inject({ method: 'GET', url: batch!.ticket_url, headers: auth(operator) })).statusCode).toBe(200);
    // Only the batch's own files are served from its address.
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${batch!.id}/files/${'0'.repeat(64)}`, headers: auth(operator) })).statusCode).toBe(404);

    const mine = (await order(id)).mailpieces[0];
    const early = await scan(mine.id, 'inserted');
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toContain('not printed yet');

    const printed = await scan(`B${batch!.number}`, 'printed');
    expect(printed.statusCode, printed.body).toBe(200);
    expect(printed.json()).toMatchObject({ kind: 'batch', moved: 2, step: 'printed' });
    expect((await order(id)).status).toBe('in_production');
    const repeated = await scan(batch!.id, 'printed');
    expect(repeated.statusCode).toBe(409);
    expect(repeated.json().detail).toContain('already printed');

    // One mailpiece by its sheet mark (e.g. after a jam), then the rest with the batch.
    const position = (await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${batch!.id}`, headers: auth(operator) })).json();
    expect(position.by_status).toEqual({ printed: 2 });
    const one = await scan(`B${batch!.number}M2S1/2`, 'inserted');
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toMatchObject({ kind: 'mailpiece', moved: 1 });
    const rest = await scan(`B${batch!.number}`, 'inserted');
    expect(rest.json()).toMatchObject({ moved: 1 });
    expect((await scan(`B${batch!.number}`, 'franked')).statusCode).toBe(200);
    // Franked at the quoted prices: 2 priority letters of the 20 g step.
    const franked = await until('the deposit slip', async () => {
      const b = (await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${batch!.id}`, headers: auth(operator) })).json();
      return b.deposit_slip ? b : null;
    });
    const postage = (await order(id)).quote.lines.find((l: { code: string }) => l.code === 'postage_priority_20g').unit_cents;
    expect(franked.postage_cents).toBe(2 * postage);
    expect(franked.deposit_slip.confirmed_at).toBeNull();
    const deposited = await scan(`B${batch!.number}`, 'deposited');
    expect(deposited.json().orders.find((o: { id: string }) => o.id === id)).toEqual({ id, status: 'completed' });
    const slip = (await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${batch!.id}`, headers: auth(operator) })).json().deposit_slip;
    expect(slip.confirmed_at).not.toBeNull();
    const full = await t.app.inject({ method: 'GET', url: slip.url, headers: auth(operator) });
    fs.writeFileSync(path.join(dir, 'slip.pdf'), full.rawPayload);
    const fullText = execFileSync('pdftotext', ['-layout', path.join(dir, 'slip.pdf'), '-']).toString();
    expect(fullText).toContain(`Lot B${batch!.number}`);
    expect(fullText).toMatch(/Total du lot : 2 plis/);

    // The client downloads the extract of its own letters from the order.
    const slips = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${id}/deposit-slips`, headers: auth(user) })).json().data;
    expect(slips).toEqual([expect.objectContaining({ batch_number: batch!.number, mailpieces: 1 })]);
    const extract = await t.app.inject({ method: 'GET', url: slips[0].url, headers: auth(user) });
    expect(extract.statusCode).toBe(200);
    fs.writeFileSync(path.join(dir, 'extract.pdf'), extract.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'extract.pdf'), '-']).toString();
    expect(text).toContain('extrait client');
    expect(text).toMatch(/Total du lot : 1 plis/);

    const done = await order(id);
    expect(done.status).toBe('completed');
    expect(done.mailpieces[0].status).toBe('deposited');
    // The client's timeline dates every step it reached, production and handover included.
    expect(Date.parse(done.in_production_at)).toBeGreaterThanOrEqual(Date.parse(done.accepted_at));
    expect(Date.parse(done.completed_at)).toBeGreaterThanOrEqual(Date.parse(done.in_production_at));
    const history = (await t.app.inject({ method: 'GET', url: `/api/v1/mailpieces/${mine.id}`, headers: auth(user) })).json().events.map((e: { type: string }) => e.type);
    expect(history).toEqual(expect.arrayContaining(['order.submitted', 'order.accepted', 'mailpiece.printed', 'order.in_production', 'mailpiece.inserted', 'mailpiece.franked', 'mailpiece.deposited', 'order.completed']));
  });

  it('refuses codes that are not Pli’s, with a sentence', async () => {
    const r = await scan('3760123456789', 'printed');
    expect(r.statusCode).toBe(400);
    expect(r.json().detail).toContain('is not a Pli code');
    expect((await scan('B999999', 'printed')).statusCode).toBe(404);
  });

  it('a letter is printed when all its sheets are; two operators scanning it at once: one wins, the other is told', async () => {
    const id = await submittedOrder();
    await post(`/api/v1/production/orders/${id}/accept`, operator);
    const [batch] = await buildAndPrint();
    const mp = (await order(id)).mailpieces[0].id;
    const second = await apiKeyFor(t, 'admin@pli.test');
    // Sheet by sheet: printed once both sheets of the letter are seen; a sheet twice is refused.
    const first = await scan(`B${batch!.number}M1S1/2`, 'printed');
    expect(first.json()).toMatchObject({ moved: 0, label: expect.stringContaining('1 to go') });
    expect((await scan(`B${batch!.number}M1S1/2`, 'printed')).json().detail).toContain('already scanned');
    expect((await order(id)).mailpieces[0].status).toBe('pending');
    const results = await Promise.all([scan(`B${batch!.number}M1S2/2`, 'printed'), scan(mp, 'printed', second)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.statusCode === 409)!.json().detail).toMatch(/already printed|scanned by someone else/);
    expect(batch!.status).toBe('ready_to_print');
  });

  it('a spoiled letter is reprinted: a file of its sheets, recorded as an event', async () => {
    const id = await submittedOrder();
    await post(`/api/v1/production/orders/${id}/accept`, operator);
    const [batch] = await buildAndPrint();
    const mp = (await order(id)).mailpieces[0].id;
    expect((await post('/api/v1/production/reprint', operator, { code: batch!.id, reason: 'Bourrage' })).statusCode).toBe(400); // a batch is not a letter
    const r = await post('/api/v1/production/reprint', operator, { code: `B${batch!.number}M1S2/2`, reason: 'Bourrage au module d’impression' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ mailpiece_id: mp, sheets: 2, label: `Mailpiece 1 of batch B${batch!.number}` });
    expect((await t.app.inject({ method: 'GET', url: r.json().url, headers: auth(operator) })).statusCode).toBe(200);
    const detail = (await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${batch!.id}`, headers: auth(operator) })).json();
    expect(detail.events.map((e: { type: string }) => e.type)).toContain('batch.reprint');
  });

  it('a mailpiece belongs to one batch, ever: the database refuses a second row and any change', async () => {
    const id = await submittedOrder();
    await post(`/api/v1/production/orders/${id}/accept`, operator);
    const [batch] = await buildAndPrint();
    const mp = (await order(id)).mailpieces[0].id;
    await expect(inScope(t.container.db, systemScope, (tx) => tx.insertInto('batch_mailpieces').values({ mailpiece_id: mp, batch_id: batch!.id, position: 99 }).execute())).rejects.toThrow(/duplicate key|unique/);
    await expect(inScope(t.container.db, systemScope, (tx) => tx.updateTable('batch_mailpieces').set({ position: 5 }).where('mailpiece_id', '=', mp).execute())).rejects.toThrow(/permission denied/);
    await expect(inScope(t.container.db, systemScope, (tx) => tx.deleteFrom('batch_mailpieces').where('mailpiece_id', '=', mp).execute())).rejects.toThrow(/permission denied/);
  });

  it.skipIf(lacks('pdftotext'))('registered letters get numbers from the provider’s range when their batch closes, and their labels', async () => {
    const registered = { ...options, mail_class: 'registered', registered_level: 'R1', acknowledgement: true };
    expect((await post('/api/v1/production/registered-ranges', operator, { prefix: '1E', first: 100, last: 100 })).statusCode).toBe(403);
    const range = await post('/api/v1/production/registered-ranges', providerAdmin, { prefix: '1E', first: 23206214, last: 23206214 });
    expect(range.statusCode, range.body).toBe(201);
    expect(range.json()).toMatchObject({ status: 'active', first: '1E00232062142', left: 1 });
    expect((await post('/api/v1/production/registered-ranges', providerAdmin, { prefix: '1E', first: 23206210, last: 23206220 })).statusCode).toBe(409); // overlaps: never used twice

    const id = await submittedOrder('lettre-3-pages.pdf', { options: registered });
    await post(`/api/v1/production/orders/${id}/accept`, operator);
    const [batch] = await buildAndPrint();
    expect(batch).toMatchObject({ attributes: { mail_class: 'registered', acknowledgement: true } });
    expect((await order(id)).mailpieces[0].tracking_number).toBe('1E00232062142');
    const labels = await t.app.inject({ method: 'GET', url: (batch as unknown as { labels_url: string }).labels_url, headers: auth(operator) });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pli-labels-'));
    fs.writeFileSync(path.join(dir, 'labels.pdf'), labels.rawPayload);
    const text = execFileSync('pdftotext', [path.join(dir, 'labels.pdf'), '-']).toString();
    expect(text).toContain('1E 002 320 6214 2');
    expect(text).toContain('AVIS DE RÉCEPTION');

    // The range is used up: the next registered batch stays open, says why, and closes once a range is added.
    const ranges = (await t.app.inject({ method: 'GET', url: '/api/v1/production/registered-ranges', headers: auth(operator) })).json().data;
    expect(ranges[0]).toMatchObject({ status: 'used_up', left: 0 });
    const next = await submittedOrder('lettre-3-pages.pdf', { options: registered });
    await post(`/api/v1/production/orders/${next}/accept`, operator);
    const held = await post('/api/v1/production/batches/build', operator, { close: true });
    expect(held.statusCode, held.body).toBe(200);
    expect(held.json().held).toEqual([{ batch_id: expect.any(String), reason: expect.stringContaining('need numbers and the ranges hold 0') }]);
    const waiting = (await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${held.json().held[0].batch_id}`, headers: auth(operator) })).json();
    expect(waiting).toMatchObject({ status: 'building', closed_at: null, mailpieces: 1 });
    expect((await order(next)).mailpieces[0].tracking_number).toBeNull();
    expect((await post('/api/v1/production/registered-ranges', providerAdmin, { prefix: '1E', first: 23206215, last: 23206300 })).statusCode).toBe(201);
    const closed = await post('/api/v1/production/batches/build', operator, { close: true });
    expect(closed.json().held).toEqual([]);
    expect((await order(next)).mailpieces[0].tracking_number).toBe('1E00232062159');
  });

  it('with automatic acceptance on, a submitted order is accepted by the intake checks', async () => {
    const settings = (await t.app.inject({ method: 'GET', url: '/api/v1/production/settings', headers: auth(operator) })).json();
    expect(settings.auto_accept).toBe(false);
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/production/settings', headers: auth(operator), payload: { ...settings, auto_accept: true } })).statusCode).toBe(403);
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/production/settings', headers: auth(providerAdmin), payload: { ...settings, auto_accept: true } });
    expect(put.statusCode, put.body).toBe(200);
    const id = await submittedOrder();
    await until('automatic acceptance', async () => (await order(id)).status === 'accepted');
    expect((await order(id)).accepted_at).not.toBeNull();
  });
});
