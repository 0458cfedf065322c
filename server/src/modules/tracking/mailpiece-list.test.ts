import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createClientOrganisation, createTestApp, PAPER_OPTIONS, sendSimpleEletter, submitLetterOrder, type TestApp } from '../../../test/helpers.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { createUserFromCli } from '../accounts/index.js';

/**
 * The tracking tab (M-5.1, M-2.3): a user sees their own orders' mailpieces, the administrator
 * the organisation's, another organisation nothing; filters combine; pages follow each other
 * without gaps or repeats; the CSV export holds the same rows.
 */
describe.each(backends())('the tracking list on %s', (kind) => {
  let t: TestApp;
  let user: string;
  let admin: string;
  let colleague: string;
  let stranger: string;
  let operator: string;
  const auth = (k: string) => ({ authorization: `Bearer ${k}`, 'accept-language': 'en' });
  const list = async (k: string, q = '') => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/tracking/mailpieces?limit=200${q}`, headers: auth(k) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { data: Array<Record<string, any>>; next_cursor: string | null };
  };
  let mine: string;
  let registered: string;
  let theirs: string;
  let eletter: { orderId: string; mailpieceId: string };

  beforeAll(async () => {
    t = await createTestApp(kind, { workers: true });
    user = await apiKeyFor(t, 'user@mairie-demo.test');
    admin = await apiKeyFor(t, 'admin@mairie-demo.test');
    operator = await apiKeyFor(t, 'operator@pli.test');
    const org = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('users').select('organisation_id').where('email', '=', 'user@mairie-demo.test').executeTakeFirstOrThrow());
    await createUserFromCli(t.container, { email: 'collegue@mairie-demo.test', name: 'Claude Collègue', role: 'client_user', organisation: org.organisation_id, password: 'a long password for tests' });
    colleague = await apiKeyFor(t, 'collegue@mairie-demo.test');
    await createClientOrganisation(t, 'Autre commune', 'agent@autre.test');
    stranger = await apiKeyFor(t, 'agent@autre.test');
    mine = await submitLetterOrder(t, user, { name: 'Relances cantine' });
    registered = await submitLetterOrder(t, user, { name: 'Mises en demeure', options: { ...PAPER_OPTIONS, mail_class: 'registered', registered_level: 'R1', acknowledgement: true } });
    theirs = await submitLetterOrder(t, colleague, { name: 'Convocations du collègue', file: 'lettre-3-pages.pdf' });
    eletter = await sendSimpleEletter(t, user, 'habitant@example.fr');
  });
  afterAll(() => t.close());

  it('shows a user their own orders’ mailpieces, the administrator the organisation’s, another organisation nothing', async () => {
    const orders = (rows: Array<Record<string, any>>) => new Set(rows.map((r) => r.order.id));
    expect(orders((await list(user)).data)).toEqual(new Set([mine, registered, eletter.orderId]));
    expect(orders((await list(colleague)).data)).toEqual(new Set([theirs]));
    expect(orders((await list(admin)).data)).toEqual(new Set([mine, registered, theirs, eletter.orderId]));
    expect((await list(stranger)).data).toEqual([]);
    // Provider staff see every client, one at a time when they ask.
    const organisation = (await list(admin)).data[0]!.organisation.id;
    expect(orders((await list(operator, `&organisation=${organisation}`)).data)).toEqual(new Set([mine, registered, theirs, eletter.orderId]));

    const letter = (await list(user, `&kind=electronic`)).data;
    expect(letter).toEqual([
      expect.objectContaining({ id: eletter.mailpieceId, kind: 'electronic', mail_class: 'simple', recipient: expect.objectContaining({ email: 'habitant@example.fr' }), number: expect.stringMatching(/^LE\d{4}-/), sender: { id: expect.any(String), name: 'Julien Martin' } }),
    ]);
  });

  it('combines filters: status, kind, class, dates, sender, recipient, number and a search', async () => {
    const ids = async (q: string, k = admin) => new Set((await list(k, q)).data.map((r) => r.order.id));
    expect(await ids('&kind=paper')).toEqual(new Set([mine, registered, theirs]));
    expect(await ids('&mail_class=registered')).toEqual(new Set([registered]));
    expect(await ids('&mail_class=simple')).toEqual(new Set([eletter.orderId]));
    expect(await ids('&status=pending&kind=paper')).toEqual(new Set([mine, registered, theirs]));
    expect(await ids('&status=delivered')).toEqual(new Set());
    const today = new Date().toISOString().slice(0, 10);
    expect((await ids(`&from=${today}&to=${today}`)).size).toBe(4);
    expect(await ids('&to=2020-01-01')).toEqual(new Set());
    const colleagueId = (await list(colleague)).data[0]!.sender.id;
    expect(await ids(`&sender=${colleagueId}`)).toEqual(new Set([theirs]));
    expect(await ids(`&recipient=${encodeURIComponent('habitant@')}`)).toEqual(new Set([eletter.orderId]));
    expect(await ids(`&q=${encodeURIComponent('cantine')}`)).toEqual(new Set([mine]));
    const envoi = (await list(user, '&kind=electronic')).data[0]!.number as string;
    expect(await ids(`&number=${encodeURIComponent(envoi.toLowerCase())}`)).toEqual(new Set([eletter.orderId]));
    // A filter the API does not know is refused with its name, never ignored.
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/tracking/mailpieces?colour=red', headers: auth(admin) });
    expect(bad.statusCode).toBe(400);
    const badDate = await t.app.inject({ method: 'GET', url: '/api/v1/tracking/mailpieces?from=31/12/2026', headers: auth(admin) });
    expect(badDate.statusCode).toBe(400);
  });

  it('pages follow each other without gaps or repeats, and the CSV holds the same rows', async () => {
    const all = (await list(admin)).data.map((r) => r.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/tracking/mailpieces?limit=1${cursor ? `&cursor=${cursor}` : ''}`, headers: auth(admin) });
      const page = res.json() as { data: Array<{ id: string }>; next_cursor: string | null };
      paged.push(...page.data.map((r) => r.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(paged).toEqual(all);
    expect([...all].sort().reverse()).toEqual(all); // newest first

    const csv = await t.app.inject({ method: 'GET', url: '/api/v1/tracking/mailpieces/export?kind=paper', headers: auth(admin) });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('pli;état;type;classe;destinataire;adresse;e-mail;numéro;commande;envoyée le;expéditeur;organisation;mis à jour le');
    expect(lines.slice(1).map((l) => l.split(';')[0]).sort()).toEqual((await list(admin, '&kind=paper')).data.map((r) => r.id).sort());
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tracking/mailpieces/export', headers: auth(stranger) })).body.replace(/^\ufeff/, '').trim().split('\r\n')).toHaveLength(1);
  });
});
