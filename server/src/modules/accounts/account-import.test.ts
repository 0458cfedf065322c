import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, multipartFile, FIXTURES, signIn, type Browser, type TestApp } from '../../../test/helpers.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { makeCsv, makeXlsx, makeXlsxBomb } from './account-file/test-helpers.js';
import { insertUser } from './users.js';

/** The client's file of people (M-2.1): preview, apply, re-import, and every kind of bad file. */
describe.each(backends())('account import on %s', (kind) => {
  let t: TestApp;
  let provider: Browser;
  let demoOrg: string;
  const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, 'accounts', name));

  beforeAll(async () => {
    t = await createTestApp(kind);
    // TOTP is exercised elsewhere; here the provider administrator's session is made signed-in directly.
    provider = await signIn(t.app, 'admin@pli.test');
    await inScope(t.container.db, systemScope, (tx) => tx.updateTable('sessions').set({ stage: 'signed_in' }).execute());
    demoOrg = (await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('organisations').select('id').where('name', '=', 'Mairie de Démo').executeTakeFirstOrThrow())).id;
  });
  afterAll(() => t.close());

  const upload = (bytes: Uint8Array, filename: string, org = demoOrg, who = provider) => {
    const mp = multipartFile('file', filename, bytes);
    return t.app.inject({ method: 'POST', url: `/api/v1/organisations/${org}/account-imports`, payload: mp.payload, headers: { ...who.headers(), ...mp.headers } });
  };
  const counts = () =>
    inScope(t.container.db, systemScope, async (tx) => ({
      users: (await tx.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      mails: (await tx.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    }));

  it('previews the Windows-1252 file row by row and writes nothing', async () => {
    const before = await counts();
    const r = await upload(fixture('comptes-mairie-windows1252.csv'), 'comptes-mairie.csv');
    expect(r.statusCode).toBe(201);
    const preview = r.json();
    expect(preview.status).toBe('previewed');
    expect(preview.summary).toEqual({ create: 4, already_present: 0, error: 1, created: 0 });
    expect(preview.rows[0]).toMatchObject({ line: 2, name: 'Sophie RENAUD', email: 'sophie.renaud@mairie-demo.test', role: 'client_admin', outcome: 'create' });
    expect(preview.rows.map((x: { name: string }) => x.name)).toContain('François MÜLLER');
    expect(preview.rows[4]).toMatchObject({ line: 6, outcome: 'error', code: 'email_invalid' });
    expect(preview.rows[4].reason).toContain('zoe.garcon-at-mairie-demo.test');
    expect(await counts()).toEqual(before);
  });

  it('applies: accounts created, each person invited; re-importing the same file creates nothing new', async () => {
    const before = await counts();
    const preview = (await upload(fixture('comptes-mairie-windows1252.csv'), 'comptes-mairie.csv')).json();
    const applied = await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${demoOrg}/account-imports/${preview.id}/apply`, headers: provider.headers() });
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ status: 'applied', summary: { created: 4, error: 1, create: 0 } });
    const after = await counts();
    expect(after.users - before.users).toBe(4);
    expect(after.mails - before.mails).toBe(4);
    const invited = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('users').select(['status', 'role']).where('email', '=', 'sophie.renaud@mairie-demo.test').executeTakeFirstOrThrow());
    expect(invited).toEqual({ status: 'invited', role: 'client_admin' });

    // Applying again changes nothing.
    const twice = await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${demoOrg}/account-imports/${preview.id}/apply`, headers: provider.headers() });
    expect(twice.json().summary.created).toBe(4);
    expect(await counts()).toEqual(after);

    // The same people again, from the UTF-8 export: already present.
    const again = (await upload(fixture('comptes-mairie-utf8-bom.csv'), 'comptes-mairie-utf8.csv')).json();
    expect(again.summary).toEqual({ create: 0, already_present: 4, error: 1, created: 0 });
    await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${demoOrg}/account-imports/${again.id}/apply`, headers: provider.headers() });
    expect(await counts()).toEqual(after);
  });

  it('an e-mail already used in another organisation is an error row, not a move', async () => {
    const other = t.container.ids.next('org');
    await inScope(t.container.db, systemScope, async (tx) => {
      await tx.insertInto('organisations').values({ id: other, kind: 'client', name: 'Autre Commune' }).execute();
      await insertUser(tx, t.container, { organisationId: other, email: 'deja.pris@autre.test', name: 'Déjà Pris', role: 'client_user' });
    });
    const bytes = makeCsv([['Nom', 'Prénom', 'Adresse e-mail', 'Rôle'], ['PRIS', 'Déjà', 'deja.pris@autre.test', 'utilisateur'], ['NEUF', 'Tout', 'tout.neuf@mairie-demo.test', 'utilisateur']], { separator: ';' });
    const preview = (await upload(bytes, 'mixte.csv')).json();
    expect(preview.rows[0]).toMatchObject({ line: 2, outcome: 'error', code: 'email_other_organisation' });
    expect(preview.rows[1]).toMatchObject({ line: 3, outcome: 'create' });
  });

  it('reads an XLSX workbook', async () => {
    const bytes = makeXlsx([['Name', 'Email', 'Role'], ['Ada Lovelace', 'ada@mairie-demo.test', 'user'], ['Alan Turing', 'alan@mairie-demo.test', 'admin']]);
    const r = await upload(bytes, 'people.xlsx');
    expect(r.statusCode).toBe(201);
    expect(r.json().rows.map((x: { email: string; role: string }) => [x.email, x.role])).toEqual([
      ['ada@mairie-demo.test', 'client_user'],
      ['alan@mairie-demo.test', 'client_admin'],
    ]);
  });

  it.each([
    ['an empty file', () => new Uint8Array(), 'vide.csv', 422],
    ['missing columns', () => makeCsv([['Nom', 'Prénom'], ['A', 'B']]), 'colonnes.csv', 422],
    ['an old .xls file', () => Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(100).fill(0)]), 'vieux.xls', 415],
    ['an XLSX that is really a ZIP bomb', () => makeXlsxBomb(60), 'bombe.xlsx', 422],
    ['broken encoding (binary junk)', () => Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256), 'junk.csv', 422],
  ] as const)('refuses %s with a clear problem and leaves nothing behind', async (_label, make, name, status) => {
    const before = await counts();
    const r = await upload(make(), name);
    expect(r.statusCode).toBe(status);
    expect(r.headers['content-type']).toMatch(/problem\+json/);
    expect(r.json().detail.length).toBeGreaterThan(20);
    expect(await counts()).toEqual(before);
  });

  it('a 10,000-row file is refused with a sentence saying how to split it', async () => {
    const rows = [['Nom', 'Prénom', 'Adresse e-mail', 'Rôle'], ...Array.from({ length: 10_000 }, (_, i) => [`NOM${i}`, 'Prénom', `p${i}@mairie-demo.test`, 'utilisateur'])];
    const r = await upload(makeCsv(rows, { separator: ';' }), 'enorme.csv');
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toMatch(/^Le fichier compte 10\u202f000 personnes\u00a0; au plus .* Répartissez-le en plusieurs fichiers\.$/u);
  });

  it('without a file, or not multipart → clear answers', async () => {
    const notMultipart = await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${demoOrg}/account-imports`, headers: provider.headers(), payload: { file: 'x' } });
    expect(notMultipart.statusCode).toBe(415);
    const mp = multipartFile('document', 'x.csv', Buffer.from('Nom;Prénom'));
    const wrongField = await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${demoOrg}/account-imports`, payload: mp.payload, headers: { ...provider.headers(), ...mp.headers } });
    expect(wrongField.statusCode).toBe(400);
  });

  it('a client administrator cannot import', async () => {
    const clientAdmin = await signIn(t.app, 'admin@mairie-demo.test');
    const r = await upload(fixture('comptes-mairie-utf8-bom.csv'), 'x.csv', demoOrg, clientAdmin);
    expect(r.statusCode).toBe(403);
  });
});
