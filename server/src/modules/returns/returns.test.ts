import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { apiKeyFor, backends, createClientOrganisation, createTestApp, depositOrders, FIXTURES, PAPER_OPTIONS, submitLetterOrder, until, type TestApp } from '../../../test/helpers.js';

/** A valid PNG of the given size (one grey row repeated): small on disk whatever it declares. */
export function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = width * height <= 4_000_000 ? Buffer.alloc((width + 1) * height, 0x80) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** The desk's multipart: its fields first, then the scan. */
export function deskForm(fields: Record<string, string>, file: { name: string; bytes: Buffer; type: string } | null): { payload: Buffer; headers: Record<string, string> } {
  const b = 'pli-desk-boundary';
  const parts: Uint8Array[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${b}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

const SCAN_PDF = { name: 'retour.pdf', bytes: fs.readFileSync(path.join(FIXTURES, 'letters', 'lettre-1-page.pdf')), type: 'application/pdf' };

/**
 * The returns desk and the client's side of it (M-6.a): what comes back is found by its code,
 * recorded with its scan — the mailpiece `returned` or `ar_received`, its event, the scan in the
 * simple archive, the address flagged — and every bad input is refused with nothing changed.
 */
describe.each(backends())('returned letters and AR cards on %s', (kind) => {
  let t: TestApp;
  let user: string;
  let admin: string;
  let operator: string;
  let providerAdmin: string;
  const auth = (k: string) => ({ authorization: `Bearer ${k}`, 'accept-language': 'en' });
  const get = (url: string, k: string) => t.app.inject({ method: 'GET', url, headers: auth(k) });
  const record = (k: string, fields: Record<string, string>, file: Parameters<typeof deskForm>[1] = SCAN_PDF) => {
    const form = deskForm(fields, file);
    return t.app.inject({ method: 'POST', url: '/api/v1/returns', headers: { ...auth(k), ...form.headers }, payload: form.payload });
  };
  const mailpieces = async (orderId: string) => (await get(`/api/v1/orders/${orderId}`, user)).json().mailpieces as Array<{ id: string; status: string; tracking_number: string | null; recipient: { address: string[] } }>;
  const counts = async () =>
    inScope(t.container.db, systemScope, async (tx) => ({
      returns: (await tx.selectFrom('mailpiece_returns').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n,
      events: (await tx.selectFrom('order_events').select((eb) => eb.fn.countAll<string>().as('n')).where('type', 'in', ['mailpiece.returned', 'mailpiece.ar_received']).executeTakeFirstOrThrow()).n,
      flags: (await tx.selectFrom('address_flags').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n,
    }));

  let plain: string; // a priority letter, deposited
  let registered: string; // registered with AR, deposited
  let onFloor: string; // accepted, never deposited

  beforeAll(async () => {
    t = await createTestApp(kind, { workers: true });
    user = await apiKeyFor(t, 'user@mairie-demo.test');
    admin = await apiKeyFor(t, 'admin@mairie-demo.test');
    operator = await apiKeyFor(t, 'operator@pli.test');
    providerAdmin = await apiKeyFor(t, 'admin@pli.test');
    const range = await t.app.inject({ method: 'POST', url: '/api/v1/production/registered-ranges', headers: auth(providerAdmin), payload: { prefix: '1E', first: 23206214, last: 23206300 } });
    expect(range.statusCode, range.body).toBe(201);
    plain = await submitLetterOrder(t, user, { name: 'Relances' });
    registered = await submitLetterOrder(t, user, { name: 'Mises en demeure', options: { ...PAPER_OPTIONS, mail_class: 'registered', registered_level: 'R1', acknowledgement: true } });
    await depositOrders(t, operator, [plain, registered]);
    onFloor = await submitLetterOrder(t, user, { name: 'Pas encore déposé' });
  });
  afterAll(() => t.close());

  it('finds a returned envelope by its registered number (spaces and all), its mailpiece id, or a search', async () => {
    const [mp] = await mailpieces(registered);
    expect(mp!.tracking_number).toBe('1E00232062142');
    const byNumber = await get(`/api/v1/returns/desk/lookup?code=${encodeURIComponent('1E 002 320 6214 2')}`, operator);
    expect(byNumber.statusCode, byNumber.body).toBe(200);
    expect(byNumber.json()).toMatchObject({ id: mp!.id, status: 'deposited', order: { id: registered, name: 'Mises en demeure' }, organisation: { name: expect.any(String) }, acknowledgement: true, returned: null, ar_received_at: null });
    expect(byNumber.json().deposited_at).toEqual(expect.any(String));
    expect((await get(`/api/v1/returns/desk/lookup?code=${mp!.id}`, operator)).json().id).toBe(mp!.id);
    const found = (await get(`/api/v1/returns/desk/search?q=${encodeURIComponent('demeure')}`, operator)).json().data;
    expect(found.map((m: { id: string }) => m.id)).toContain(mp!.id);

    const unknownNumber = await get('/api/v1/returns/desk/lookup?code=1E99999999999', operator);
    expect(unknownNumber.statusCode).toBe(404);
    expect(unknownNumber.json().detail).toBe('No mailpiece has the registered number 1E99999999999.');
    const garbage = await get('/api/v1/returns/desk/lookup?code=hello', operator);
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().detail).toMatch(/^“hello” is not a code the returns desk knows/);
    // The desk is the floor's: a client never reaches it.
    expect((await get(`/api/v1/returns/desk/lookup?code=${mp!.id}`, user)).statusCode).toBe(403);
  });

  it('records a letter back as NPAI: the client sees it returned with its scan, archived, told by e-mail, and the address flagged', async () => {
    const [mp] = await mailpieces(plain);
    const recorded = await record(operator, { mailpiece: mp!.id, kind: 'returned', reason: 'address_error' });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const ret = recorded.json();
    expect(ret).toMatchObject({ kind: 'returned', reason: 'address_error', mailpiece: { id: mp!.id, status: 'returned' }, order: { id: plain }, scan: { content_type: 'application/pdf', size_bytes: SCAN_PDF.bytes.length } });

    // The client's views: the mailpiece, its timeline, the list, the scan byte for byte.
    expect((await mailpieces(plain))[0]!.status).toBe('returned');
    const events = (await get(`/api/v1/mailpieces/${mp!.id}`, user)).json().events as Array<{ type: string; detail: Record<string, unknown> }>;
    expect(events.at(-1)).toMatchObject({ type: 'mailpiece.returned', detail: { reason: 'address_error', return: ret.id } });
    const listed = (await get('/api/v1/returns', user)).json().data;
    expect(listed.map((r: { id: string }) => r.id)).toContain(ret.id);
    const scan = await get(ret.scan.url, user);
    expect(scan.statusCode).toBe(200);
    expect(scan.headers['content-type']).toBe('application/pdf');
    expect(Buffer.compare(scan.rawPayload, SCAN_PDF.bytes)).toBe(0);

    // The scan in the simple archive, as a returned letter of its order.
    const item = await until('the scan archived', async () => ((await get('/api/v1/archive?kind=returned_letter', user)).json().data as Array<Record<string, unknown>>).find((i) => i.order_id === plain));
    expect(item).toMatchObject({ tier: 'simple', kind: 'returned_letter', content_type: 'application/pdf', fields: { order: 'Relances', reason: 'address_error' } });
    expect((await get(`/api/v1/returns/${ret.id}`, user)).json().archive_item_id).toBe(item.id);

    // The author is told (returned letters are on by default).
    const told = await until('the notification', async () => (await get('/api/v1/outbox?limit=50', providerAdmin)).json().data.find((m: { template: string }) => m.template === 'notification.mailpiece.returned'));
    expect(told.subject).toBe('Un pli de la commande « Relances » est revenu');

    // The address book: the next order to this address warns (a warning, never a refusal).
    const flags = (await get('/api/v1/address-book/flags', user)).json().data;
    expect(flags).toEqual([expect.objectContaining({ reason: 'address_error', mailpiece_id: mp!.id, address: { lines: mp!.recipient.address, country: 'FR' } })]);
    const doc = (await get(`/api/v1/orders/${plain}`, user)).json().documents[0];
    const draft = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: auth(user), payload: { kind: 'paper', name: 'Encore', address_source: 'document', documents: [doc], options: PAPER_OPTIONS } });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json().problems).toEqual([expect.objectContaining({ code: 'address_flagged_address_error', severity: 'warning', letter: 1 })]);
    // Cleared by the client: the warning goes.
    const cleared = await t.app.inject({ method: 'DELETE', url: `/api/v1/address-book/flags/${flags[0].id}`, headers: auth(user) });
    expect(cleared.statusCode).toBe(204);
    expect((await get(`/api/v1/orders/${draft.json().id}`, user)).json().problems).toEqual([]);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/address-book/flags/${flags[0].id}`, headers: auth(user) })).statusCode).toBe(404);
  });

  it('refuses a second scan of the same envelope, a letter never deposited, a card for a letter without AR, and bad scans — nothing changed', async () => {
    const [returned] = await mailpieces(plain);
    const [floor] = await mailpieces(onFloor);
    const [withAr] = await mailpieces(registered);
    const before = await counts();
    const cases: Array<[string, Record<string, string>, Parameters<typeof deskForm>[1], number, RegExp]> = [
      ['already returned', { mailpiece: returned!.id, kind: 'returned', reason: 'not_claimed' }, SCAN_PDF, 409, /is already recorded as returned: this envelope was scanned before\.$/],
      ['never deposited', { mailpiece: floor!.id, kind: 'returned', reason: 'address_error' }, SCAN_PDF, 409, /was never handed to La Poste \(it is pending\): nothing can come back from it\.$/],
      ['AR for a letter without AR', { mailpiece: returned!.id, kind: 'ar' }, SCAN_PDF, 409, /was not sent with an acknowledgement of receipt/],
      ['no reason', { mailpiece: withAr!.id, kind: 'returned' }, SCAN_PDF, 400, /^Say why the letter came back/],
      ['a reason on a card', { mailpiece: withAr!.id, kind: 'ar', reason: 'refused' }, SCAN_PDF, 400, /^Send the mailpiece/],
      ['not a scan', { mailpiece: withAr!.id, kind: 'returned', reason: 'refused' }, { name: 'notes.txt', bytes: Buffer.from('pas un scan'), type: 'text/plain' }, 415, /^The scan must be a PDF or an image/],
      ['a PDF by name only', { mailpiece: withAr!.id, kind: 'returned', reason: 'refused' }, { name: 'scan.pdf', bytes: Buffer.from('GIF89a....'), type: 'application/pdf' }, 415, /^The scan must be a PDF or an image/],
      ['a huge image', { mailpiece: withAr!.id, kind: 'returned', reason: 'refused' }, { name: 'scan.png', bytes: png(60_000, 60_000), type: 'image/png' }, 422, /^The image is 60[,\u202f]?000 × 60[,\u202f]?000 pixels: at most 60 million pixels/],
      ['a broken PDF', { mailpiece: withAr!.id, kind: 'returned', reason: 'refused' }, { name: 'scan.pdf', bytes: Buffer.from('%PDF-1.7\ngarbage'), type: 'application/pdf' }, 422, /^The scan cannot be read/],
      ['no file', { mailpiece: withAr!.id, kind: 'returned', reason: 'refused' }, null, 400, /file/i],
      ['an unknown code', { code: '1E99999999999', kind: 'returned', reason: 'refused' }, SCAN_PDF, 404, /^No mailpiece has the registered number/],
    ];
    for (const [what, fields, file, status, detail] of cases) {
      const res = await record(operator, fields, file);
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().detail, what).toMatch(detail);
    }
    expect(await counts()).toEqual(before);
    expect((await mailpieces(registered))[0]!.status).toBe('deposited');
  });

  it('of two operators scanning the same card at the same moment, one records it', async () => {
    const [mp] = await mailpieces(registered);
    const image = { name: 'avis.png', bytes: png(800, 600), type: 'image/png' };
    const [a, b] = await Promise.all([record(operator, { code: '1E00232062142', kind: 'ar' }, image), record(providerAdmin, { code: '1E 00232062142', kind: 'ar' }, image)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const lost = a.statusCode === 409 ? a : b;
    expect(lost.json().detail).toMatch(/already recorded|by someone else/);
    expect((await mailpieces(registered))[0]!.status).toBe('ar_received');
    const rows = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('mailpiece_returns').selectAll().where('mailpiece_id', '=', mp!.id).execute());
    expect(rows).toHaveLength(1);
    // The card is the proof of receipt, in the simple archive.
    await until('the card archived', async () => ((await get('/api/v1/archive?kind=proof_of_receipt', user)).json().data as Array<{ order_id: string }>).find((i) => i.order_id === registered));
    // A card back means delivered: it cannot come back as returned now.
    const late = await record(operator, { mailpiece: mp!.id, kind: 'returned', reason: 'refused' });
    expect(late.statusCode).toBe(409);
    expect(late.json().detail).toMatch(/came back signed: the letter was delivered/);
  });

  it('counts what became of the deposited letters, per order and for the organisation, and exports the returns as CSV', async () => {
    const org = (await get('/api/v1/returns/summary', admin)).json();
    expect(org).toEqual({ deposited: 2, delivered: 1, returned: { total: 1, address_error: 1, not_claimed: 0, refused: 0 }, ar_received: 1 });
    expect((await get(`/api/v1/returns/summary?order=${plain}`, user)).json()).toMatchObject({ deposited: 1, returned: { total: 1 } });
    // Provider staff look at one client at a time.
    const organisation = (await get(`/api/v1/orders/${plain}`, user)).json().organisation_id ?? (await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('orders').select('organisation_id').where('id', '=', plain).executeTakeFirstOrThrow())).organisation_id;
    expect((await get(`/api/v1/returns/summary?organisation=${organisation}`, operator)).json()).toEqual(org);
    expect((await get(`/api/v1/returns?organisation=${organisation}`, operator)).json().data).toHaveLength(2);
    const csv = await get('/api/v1/returns/export', admin);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="retours-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(csv.body.startsWith('\ufeff')).toBe(true);
    expect(lines[0]).toBe('reçu le;type;motif;commande;numéro de recommandé;destinataire;adresse;pays;statut du pli;scan;renvoyé par');
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes(';pli non distribué;NPAI (adresse inconnue);Relances;'))).toBe(true);
    expect(lines.some((l) => l.includes(';avis de réception;;Mises en demeure;1E00232062142;'))).toBe(true);
  });

  it('sends a returned letter again to a corrected address: a new order, linked, with a carrier sheet, once', async () => {
    const [mp] = await mailpieces(plain);
    const to = { address: ['MME JEANNE MARTIN', '14 RUE DES LILAS', '35000 RENNES'], country: 'FR' };
    // Another organisation's person never reaches it.
    const other = await createClientOrganisation(t, 'Autre commune', 'agent@autre.test');
    const stranger = await apiKeyFor(t, 'agent@autre.test');
    expect(other.organisationId).toBeTruthy();
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/mailpieces/${mp!.id}/resend`, headers: auth(stranger), payload: to })).statusCode).toBe(404);

    const resent = await t.app.inject({ method: 'POST', url: `/api/v1/mailpieces/${mp!.id}/resend`, headers: auth(user), payload: to });
    expect(resent.statusCode, resent.body).toBe(201);
    const order = (await get(`/api/v1/orders/${resent.json().order_id}`, user)).json();
    expect(order).toMatchObject({ status: 'submitted', name: 'Relances — renvoi du pli 1', address_source: 'recipients', options: { mail_class: 'priority', archive: { type: 'none' } } });
    expect(order.mailpieces).toEqual([expect.objectContaining({ status: 'pending', recipient: expect.objectContaining({ address: to.address }) })]);
    const link = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('orders').select('resend_of').where('id', '=', order.id).executeTakeFirstOrThrow());
    expect(link.resend_of).toBe(mp!.id);
    expect((await get('/api/v1/returns?kind=returned', user)).json().data[0]).toMatchObject({ resent_by: order.id });

    const again = await t.app.inject({ method: 'POST', url: `/api/v1/mailpieces/${mp!.id}/resend`, headers: auth(user), payload: to });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toBe(`This letter was already sent again (order ${order.id}).`);
    const [delivered] = await mailpieces(registered);
    const notReturned = await t.app.inject({ method: 'POST', url: `/api/v1/mailpieces/${delivered!.id}/resend`, headers: auth(user), payload: to });
    expect(notReturned.statusCode).toBe(409);
  });

  it('records a scan from the scanner’s folder, which then leaves it; no name outside the folder is ever opened', async () => {
    const inbox = t.container.config.returnsInboxDir;
    fs.mkdirSync(inbox, { recursive: true });
    fs.writeFileSync(path.join(inbox, 'scan 0001.pdf'), SCAN_PDF.bytes);
    fs.writeFileSync(path.join(inbox, 'notes.txt'), 'pas un scan');
    fs.symlinkSync('/etc/passwd', path.join(inbox, 'lien.pdf'));
    const listed = (await get('/api/v1/returns/inbox', operator)).json().data;
    expect(listed).toEqual([{ name: 'scan 0001.pdf', size_bytes: SCAN_PDF.bytes.length, modified_at: expect.any(String) }]);
    const shown = await get(`/api/v1/returns/inbox/${encodeURIComponent('scan 0001.pdf')}`, operator);
    expect(shown.headers['content-type']).toBe('application/pdf');
    for (const [name, status] of [['../../etc/passwd', 400], ['lien.pdf', 404], ['absent.pdf', 404]] as const) {
      expect((await get(`/api/v1/returns/inbox/${encodeURIComponent(name)}`, operator)).statusCode, name).toBe(status);
      expect((await record(operator, { mailpiece: 'mp_00000000000000000000000000', kind: 'ar', inbox_file: name }, null)).statusCode, name).toBe(status);
    }

    const id = await submitLetterOrder(t, user, { name: 'Courrier du dossier' });
    await depositOrders(t, operator, [id]);
    const [mp] = await mailpieces(id);
    const recorded = await record(operator, { mailpiece: mp!.id, kind: 'returned', reason: 'refused', inbox_file: 'scan 0001.pdf' }, null);
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.json()).toMatchObject({ reason: 'refused', scan: { filename: 'scan 0001.pdf', size_bytes: SCAN_PDF.bytes.length } });
    expect(fs.existsSync(path.join(inbox, 'scan 0001.pdf'))).toBe(false);
    expect((await get('/api/v1/returns/inbox', operator)).json().data).toEqual([]);
  });
});
