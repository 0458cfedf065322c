// The tracking tab: a town-hall user has two orders sent through the API. They open « Suivi »
// from the menu and see both letters; searching one order's name leaves only its letter; its
// « Historique » panel shows the order's submission; and the CSV export, following the search,
// answers with its header line and that letter only.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { apiOf, DEMO_PASSWORD, eventually, field, journey, see } from './harness';

const CLIENT_EMAIL = 'user@mairie-demo.test';
const LETTER = path.resolve(import.meta.dirname, '../fixtures/letters/lettre-1-page.pdf');
// Other journeys may have sent this user's orders on the same server: these names are this run's own.
const RUN = Date.now().toString(36);
const FIRST = `Relances cantine ${RUN}`;
const SECOND = `Convocations conseil ${RUN}`;
const CSV_HEADER = 'pli;état;type;classe;destinataire;adresse;e-mail;numéro;commande;envoyée le;expéditeur;organisation;mis à jour le';

test('a client follows their letters in « Suivi »: both listed, one found by its order’s name, its history, and the CSV export', { timeout: 180_000 }, (t) =>
  journey(t, async ({ page, url, step }) => {
    const orders = new Map<string, string>(); // name → id
    const mailpieces = new Map<string, string>(); // order id → mailpiece id

    await step('the client signs in; two orders of theirs are sent through the API', async () => {
      await page.goto(url('/login'));
      await field(page, 'Adresse e-mail').fill(CLIENT_EMAIL);
      await field(page, 'Mot de passe').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Commandes' }));
      const api = await apiOf(page, url);
      const options = { color: 'bw', sides: 'simplex', envelope: 'C5/6', background: null, mail_class: 'priority', acknowledgement: false, archive: { type: 'none' } };
      for (const name of [FIRST, SECOND]) {
        const document = await api.post('/api/v1/documents', undefined, 201, { file: { name: 'lettre.pdf', mimeType: 'application/pdf', buffer: await readFile(LETTER) } });
        const order = await api.post('/api/v1/orders', { kind: 'paper', name, address_source: 'document', documents: [document.id], options }, 201);
        await api.post(`/api/v1/orders/${String(order.id)}/submit`, undefined, 202);
        orders.set(name, String(order.id));
      }
      // The letters exist once the order is split: wait for both before opening the page.
      const listed = await eventually(
        'both letters in the tracking list',
        async () => (await api.get('/api/v1/tracking/mailpieces?limit=200')).data as Array<{ id: string; order: { id: string } }>,
        (rows) => [...orders.values()].every((id) => rows.some((r) => r.order.id === id)),
        30_000,
      );
      for (const row of listed) if ([...orders.values()].includes(row.order.id)) mailpieces.set(row.order.id, row.id);
    });

    const list = page.getByRole('region', { name: 'Plis suivis' });
    const rowOf = (name: string) => list.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });

    await step('« Suivi » from the menu lists both letters, each with its order and status', async () => {
      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Suivi', exact: true }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Suivi' }));
      assert.equal(new URL(page.url()).pathname, '/tracking');
      for (const name of [FIRST, SECOND]) {
        const row = rowOf(name);
        await see(row);
        await see(row.getByText('Courrier papier'));
        await see(row.getByText('Prioritaire'));
        assert.equal(await row.getByRole('link', { name, exact: true }).getAttribute('href'), `/orders/${orders.get(name)}`);
      }
    });

    await step('searching the first order’s name leaves only its letter, and the search is in the URL', async () => {
      await field(page, 'Rechercher').fill(FIRST);
      await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
      await eventually('the search in the URL', async () => new URL(page.url()).searchParams.get('q'), (q) => q === FIRST);
      await rowOf(SECOND).waitFor({ state: 'detached' });
      await see(rowOf(FIRST));
      assert.equal(await list.locator('tbody tr').count(), 1, 'one letter left');
    });

    await step('« Historique » opens the letter’s timeline: the order’s submission', async () => {
      await rowOf(FIRST).getByRole('button', { name: /^Historique du pli de / }).click();
      const history = page.getByRole('dialog', { name: /^Historique du pli — / });
      await see(history.getByText('Commande envoyée', { exact: true }));
      await page.keyboard.press('Escape');
      await history.waitFor({ state: 'hidden' });
    });

    await step('« Exporter en CSV » follows the search: 200, the header line, that letter only', async () => {
      const href = await list.getByRole('link', { name: 'Exporter en CSV' }).getAttribute('href');
      assert.ok(href, 'the export link has an address');
      assert.equal(new URL(href, url('/')).searchParams.get('q'), FIRST);
      const csv = await page.request.get(url(href));
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
      const lines = (await csv.text()).replace(/^\ufeff/, '').trim().split('\r\n');
      assert.equal(lines[0], CSV_HEADER);
      assert.deepEqual(
        lines.slice(1).map((l) => l.split(';')[0]),
        [mailpieces.get(orders.get(FIRST)!)],
      );
    });
  }),
);
