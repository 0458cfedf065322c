// A registered letter comes back « NPAI »: a town-hall user's letter is taken through the floor to
// La Poste; the user keeps its page open. An operator opens the returns desk, types the letter's
// registered number into the scan field as a hand scanner does, picks « NPAI » with a key, joins
// the scan of the envelope (an image, seen before it is sent) and records it. The user's page,
// never reloaded, shows the letter « retourné »; the scan is in the simple archive; and the user
// sends the letter again to a corrected address in two clicks, landing on the new order.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { apiOf, DEMO_PASSWORD, eventually, field, journey, see, signInStaff } from './harness';

const CLIENT_EMAIL = 'user@mairie-demo.test';
const OPERATOR_EMAIL = 'operator@pli.test';
const LETTER = path.resolve(import.meta.dirname, '../fixtures/letters/lettre-1-page.pdf');
const ORDER_NAME = 'Mise en demeure — loyers impayés';
/** How soon a change on the floor must show on the client's page (the 30 s re-read is not "live"). */
const LIVE_MS = 8_000;
const NBSP = '\u00a0';

/** A valid greyscale PNG: the envelope's scan as the desk's scanner gives it. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc((width + 1) * height, 0xd0);
  for (let y = 0; y < height; y += 1) rows[y * (width + 1)] = 0; // filter byte of each row
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** As printed on the coupon: « DM 000 000 0012 3 ». */
function spaced(number: string): string {
  return `${number.slice(0, 2)} ${number.slice(2, 5)} ${number.slice(5, 8)} ${number.slice(8, 12)} ${number.slice(12)}`;
}

test('an operator records a letter back « NPAI » at the returns desk; the client sees it live, finds the scan in the archive and sends the letter again to a corrected address', { timeout: 300_000 }, (t) =>
  journey(
    t,
    async ({ page: client, url, step, newPage }) => {
      let orderId = '';
      let orderPath = '';
      const letters = client.getByRole('table', { name: 'Les plis de cette commande et leur état' });

      await step('the client signs in; a registered letter with AR of theirs is sent through the API', async () => {
        await client.goto(url('/login'));
        await field(client, 'Adresse e-mail').fill(CLIENT_EMAIL);
        await field(client, 'Mot de passe').fill(DEMO_PASSWORD);
        await client.getByRole('button', { name: 'Se connecter' }).click();
        await see(client.getByRole('heading', { level: 1, name: 'Commandes' }));
        const api = await apiOf(client, url);
        const document = await api.post('/api/v1/documents', undefined, 201, { file: { name: 'mise-en-demeure.pdf', mimeType: 'application/pdf', buffer: await readFile(LETTER) } });
        const options = { color: 'bw', sides: 'duplex', envelope: 'C5/6', background: null, mail_class: 'registered', registered_level: 'R1', acknowledgement: true, archive: { type: 'none' } };
        const order = await api.post('/api/v1/orders', { kind: 'paper', name: ORDER_NAME, address_source: 'document', documents: [document.id], options }, 201);
        orderId = String(order.id);
        await api.post(`/api/v1/orders/${orderId}/submit`, undefined, 202);
        orderPath = `/orders/${orderId}`;
      });

      const floor = await newPage();
      await step('an operator signs in and takes the letter through the floor to La Poste', async () => {
        await signInStaff(floor, url, OPERATOR_EMAIL);
        await see(floor.getByRole('heading', { level: 1, name: 'Production' }));
        const api = await apiOf(floor, url);
        await api.post(`/api/v1/production/orders/${orderId}/accept`, undefined, 204);
        await api.post('/api/v1/production/batches/build', { close: true }, 200);
        // The floor's clock may have batched it a moment before: the batch is the one that holds the order.
        const batches = (await api.get('/api/v1/production/batches')).data as Array<{ id: string; number: number; status: string }>;
        let batch: { id: string; number: number } | undefined;
        for (const b of batches.filter((x) => x.status !== 'deposited')) {
          const detail = await api.get(`/api/v1/production/batches/${b.id}`);
          if ((detail.orders as Array<{ id: string }>).some((o) => o.id === orderId)) batch = b;
        }
        assert.ok(batch, 'the order is in a batch');
        const { id, number } = batch;
        await eventually('the print file', async () => (await api.get(`/api/v1/production/batches/${id}`)).status, (s) => s === 'ready_to_print', 90_000);
        for (const s of ['printed', 'inserted', 'franked']) await api.post('/api/v1/production/scan', { code: `B${number}`, step: s }, 200);
        await eventually('the deposit slip', async () => (await api.get(`/api/v1/production/batches/${id}`)).deposit_slip !== null, (ready) => ready, 60_000);
        await api.post('/api/v1/production/scan', { code: `B${number}`, step: 'deposited' }, 200);
      });

      let trackingNumber = '';
      let address: string[] = [];
      await step('the client leaves the order’s page open: deposited, followed live', async () => {
        await client.goto(url(orderPath));
        await see(client.getByRole('heading', { level: 1, name: ORDER_NAME }));
        await see(client.getByTestId('order-status').getByText('Terminée', { exact: true }));
        await see(client.getByText('En direct', { exact: true }));
        await see(letters.getByRole('cell', { name: 'Déposé', exact: true }));
        const order = await (await apiOf(client, url)).get(`/api/v1/orders/${orderId}`);
        const [mailpiece] = order.mailpieces as Array<{ tracking_number: string | null; recipient: { address: string[] } }>;
        trackingNumber = mailpiece?.tracking_number ?? '';
        address = mailpiece?.recipient.address ?? [];
        assert.match(trackingNumber, /^[0-9A-Z]{2}\d{11}$/, 'a registered number');
        // The counts after the handover: one letter at La Poste, nothing back yet.
        await see(client.getByRole('heading', { level: 2, name: 'Après le dépôt à La Poste' }));
        await client.evaluate(() => ((window as unknown as { notReloaded?: boolean }).notReloaded = true));
      });

      await step('the operator opens Retours: the scan field is ready for the hand scanner', async () => {
        await floor.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Retours', exact: true }).click();
        await see(floor.getByRole('heading', { level: 1, name: 'Retours' }));
        await see(floor.getByRole('tab', { name: 'Au guichet', selected: true }));
        const code = field(floor, 'Code scanné');
        await see(code);
        await eventually('the focus on the scan field', () => code.evaluate((el) => el === document.activeElement), (focused) => focused);
      });

      await step('a code no letter has is refused with the server’s sentence', async () => {
        await floor.keyboard.type('1E99999999999');
        await floor.keyboard.press('Enter');
        await see(floor.getByRole('status').getByText('Aucun pli ne porte le numéro de recommandé 1E99999999999.'));
        assert.equal(await field(floor, 'Code scanné').inputValue(), '', 'the field is emptied for the next scan');
      });

      await step('the scanner types the registered number, spaces and all, then Enter: the letter’s card', async () => {
        await floor.keyboard.type(spaced(trackingNumber));
        await floor.keyboard.press('Enter');
        const card = floor.getByTestId('desk-mailpiece');
        await see(card.getByRole('heading', { name: `Pli ${spaced(trackingNumber)}` }));
        await see(card.getByText(ORDER_NAME));
        await see(card.getByText('Mairie de Démo'));
        await see(card.getByText('Avec AR'));
        await see(card.getByText('Déposé', { exact: true }));
        await see(card.getByText(address[0]!, { exact: false }));
      });

      const scanDir = await mkdtemp(path.join(os.tmpdir(), 'pli-returns-'));
      const scanFile = path.join(scanDir, 'retour-npai.png');
      await writeFile(scanFile, png(640, 420));
      await step('key 1 picks « NPAI »; the envelope’s scan is chosen and seen before it is sent', async () => {
        await eventually('the focus on what came back', () => floor.evaluate(() => document.activeElement?.getAttribute('aria-labelledby') ?? ''), (label) => label === 'desk-kind-label');
        await floor.keyboard.press('1');
        await eventually('« NPAI » chosen', () => floor.getByRole('radio', { name: 'NPAI — destinataire inconnu' }).isChecked(), (checked) => checked);
        assert.ok(await floor.getByRole('radio', { name: 'Pli non distribué' }).isChecked());
        const chooser = floor.waitForEvent('filechooser');
        await floor.getByRole('button', { name: 'Choisir le scan' }).click();
        await (await chooser).setFiles(scanFile);
        await see(floor.getByText(/^retour-npai\.png \(\d+ Ko\)$/));
        const preview = floor.getByRole('img', { name: `Aperçu du scan «${NBSP}retour-npai.png${NBSP}»` });
        await see(preview);
        await eventually('the preview drawn', () => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 640), (drawn) => drawn);
      });

      await step('« Enregistrer le retour »: recorded, and the field is ready for the next envelope', async () => {
        await floor.getByRole('button', { name: 'Enregistrer le retour' }).click();
        await see(floor.getByRole('status').getByText(`Retour enregistré${NBSP}: ${spaced(trackingNumber)} (NPAI). Scannez le pli suivant.`));
        const code = field(floor, 'Code scanné');
        await eventually('the focus back on the scan field', () => code.evaluate((el) => el === document.activeElement), (focused) => focused);
        assert.equal(await floor.getByTestId('desk-mailpiece').count(), 0, 'the card is put aside');
        await see(floor.locator('ol[aria-label="Derniers retours"] > li[data-outcome="ok"]'));
      });

      await step('scanning the same envelope again is refused: it is already recorded', async () => {
        await floor.keyboard.type(trackingNumber);
        await floor.keyboard.press('Enter');
        const card = floor.getByTestId('desk-mailpiece');
        await see(card.getByText(/^Déjà enregistré comme revenu le .* \(NPAI — destinataire inconnu\)\.$/));
        await floor.keyboard.press('Escape');
        await card.waitFor({ state: 'hidden' });
      });

      await step('the client’s page, not reloaded, shows the letter returned, its scan and the counts', async () => {
        await see(letters.getByRole('cell', { name: 'Retourné non distribué', exact: true }), LIVE_MS);
        await see(letters.getByRole('link', { name: `Voir le scan du pli de ${address[0]}` }), LIVE_MS);
        const returned = client.getByTestId('handover-counts').locator('[data-count="returned"]');
        await see(returned.getByText('1', { exact: true }), LIVE_MS);
        await see(returned.getByText('NPAI 1 · Non réclamé 0 · Refusé 0'));
        assert.equal(await client.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'the page was never reloaded');
        assert.equal(new URL(client.url()).pathname, orderPath);
        const href = await letters.getByRole('link', { name: `Voir le scan du pli de ${address[0]}` }).getAttribute('href');
        const scan = await client.request.get(url(href!));
        assert.equal(scan.status(), 200);
        assert.equal(scan.headers()['content-type'], 'image/png');
        assert.deepEqual(await scan.body(), await readFile(scanFile), 'the scan as recorded, byte for byte');
        // The letter's timeline says it too, with the reason.
        await letters.getByRole('button', { name: `Historique du pli de ${address[0]}` }).click();
        const history = client.getByRole('dialog', { name: `Historique du pli — ${address[0]}` });
        await see(history.getByText('Pli déposé à La Poste', { exact: true }));
        await see(history.getByText('Pli revenu non distribué (NPAI — destinataire inconnu)', { exact: true }));
        await client.keyboard.press('Escape');
        await history.waitFor({ state: 'hidden' });
      });

      await step('the scan is in the simple archive, as a returned letter', async () => {
        await client.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Archives' }).click();
        await see(client.getByRole('heading', { level: 1, name: 'Archives' }));
        const title = `Pli non distribué — ${address[0]} — ${ORDER_NAME}`;
        // The archive job runs within a second or two of the recording; the list is read again once it has.
        const api = await apiOf(client, url);
        await eventually('the returned letter archived', async () => ((await api.get('/api/v1/archive?limit=50')).data as Array<{ title: string }>).some((i) => i.title === title), (found) => found, 20_000);
        await client.reload();
        const row = client.getByRole('row').filter({ has: client.getByRole('link', { name: title }) });
        await see(row.getByRole('cell', { name: 'Pli non distribué', exact: true }));
        await client.getByRole('link', { name: title }).click();
        await see(client.getByRole('heading', { level: 1, name: title }));
        await see(client.getByText('Pli non distribué', { exact: true }));
      });

      await step('from the order’s page, « Renvoyer » then « Renvoyer à cette adresse »: the new order’s page', async () => {
        await client.goto(url(orderPath));
        await letters.getByRole('button', { name: `Renvoyer le pli de ${address[0]}` }).click();
        const dialog = client.getByRole('dialog', { name: 'Renvoyer ce pli' });
        const lines = dialog.getByLabel(/^Adresse corrigée/);
        assert.equal(await lines.inputValue(), address.join('\n'), 'the old address, to correct');
        await lines.fill([address[0]!, '14 RUE DES LILAS', '35000 RENNES'].join('\n'));
        await dialog.getByRole('button', { name: 'Renvoyer à cette adresse' }).click();
        await see(client.getByRole('heading', { level: 1, name: `${ORDER_NAME} — renvoi du pli 1` }));
        const landed = new URL(client.url()).pathname;
        assert.match(landed, /^\/orders\/ord_[0-9a-z]{26}$/);
        assert.notEqual(landed, orderPath);
        await see(client.getByTestId('order-status').getByText('Soumise', { exact: true }));
      });

      await step('the returned mail page lists the return, re-sent; the address’s alert is lifted after a confirmation', async () => {
        await client.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Plis revenus' }).click();
        await see(client.getByRole('heading', { level: 1, name: 'Plis revenus' }));
        const row = client.getByRole('row').filter({ hasText: ORDER_NAME }).filter({ hasText: 'NPAI' });
        await see(row.getByRole('link', { name: `Voir le scan du pli de ${address[0]}` }));
        await see(row.getByRole('link', { name: 'Dans les archives' }));
        await see(row.getByRole('link', { name: 'Renvoyé' }));
        const flags = client.getByRole('region', { name: 'Adresses signalées' });
        await flags.getByRole('button', { name: `Lever l’alerte sur l’adresse de ${address[0]}` }).click();
        const dialog = client.getByRole('dialog', { name: `Lever l’alerte sur cette adresse${NBSP}?` });
        await see(dialog.getByText(address.at(-1)!, { exact: false }));
        await dialog.getByRole('button', { name: 'Lever l’alerte' }).click();
        await see(flags.getByText('Aucune adresse signalée.'));
      });
      await rm(scanDir, { recursive: true, force: true });
    },
    // The unknown code is refused on purpose (404).
    { allowConsoleErrors: [/status of 404 .*\/api\/v1\/returns\/desk\/lookup/] },
  ),
);
