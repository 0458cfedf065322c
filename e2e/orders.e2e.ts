// The paper-order acceptance journey: a town-hall user uploads a letter (a first one is refused,
// in French, for ink in the inserter mark zone), sees the address read from the envelope window
// and the window preview, chooses options while the quote follows, saves the draft, leaves,
// comes back to it, sends it, and gets a read-only order with its purchase order (PDF).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { makePdf, VALID_ADDRESS } from '../server/test/pdf-fixtures';
import { eventually, journey, see } from './harness';

const PASSWORD = 'demo-password-123'; // PLI_DEMO_PASSWORD, set by e2e/run.ts
const EMAIL = 'user@mairie-demo.test';
const LETTER = fileURLToPath(new URL('../fixtures/letters/lettre-1-page.pdf', import.meta.url));
const ORDER_NAME = 'Relance cantine — Mme Martin';

/** A form field by its whole label (Mantine appends " *" to required fields' labels). */
function field(page: Page, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^${escaped}(\\s*\\*)?$`));
}

/** « 7,60 € » → 760 (cents). */
function cents(text: string): number {
  const digits = text.replace(/[^\d,]/g, '').replace(',', '.');
  return Math.round(Number(digits) * 100);
}

/** The running estimate once the page has saved the draft and read the quote again. */
async function settledTotal(page: Page): Promise<string> {
  const estimate = page.getByRole('region', { name: 'Estimation' });
  await eventually(
    'the estimate to be up to date',
    async () => (await estimate.getByTestId('estimate-updating').count()) + (await page.getByText('Enregistrement…').count()),
    (busy) => busy === 0,
  );
  return (await page.getByTestId('estimate-total').innerText()).trim();
}

test('a user prepares a paper letter, saves the draft, comes back to it and sends it', { timeout: 240_000 }, (t) =>
  journey(t, async ({ page, url, step }) => {
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });

    await step('the user signs in and lands on the orders page', async () => {
      await page.goto(url('/orders'));
      await see(page.getByRole('heading', { level: 1, name: 'Connexion' }));
      await field(page, 'Adresse e-mail').fill(EMAIL);
      await field(page, 'Mot de passe').fill(PASSWORD);
      await page.keyboard.press('Enter');
      await see(page.getByRole('heading', { level: 1, name: 'Commandes' }));
    });

    await step('a letter with ink where the floor prints its mark is refused, and the portal says why in French', async () => {
      await page.getByRole('link', { name: 'Nouveau courrier', exact: true }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Nouveau courrier' }));
      const marked = await makePdf([{ address: VALID_ADDRESS }, { inkInMarkZone: true }]);
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Choisir le courrier' }).click();
      await (await chooser).setFiles({ name: 'lettre-marge.pdf', mimeType: 'application/pdf', buffer: marked });
      const refusal = page.getByRole('alert').filter({ hasText: 'lettre-marge.pdf' });
      await see(refusal, 30_000);
      assert.match(await refusal.innerText(), /La page 2 a du contenu dans la zone de marquage de la mise sous pli \(la marge de gauche, de [\d,]+ à [\d,]+ mm du bord/);
      assert.match(await refusal.innerText(), /Élargissez la marge de gauche et exportez de nouveau le PDF\./);
    });

    // The window preview is rendered by the server and may arrive late: held back here until the
    // page around it has been measured.
    let releasePreview = () => {};
    const previewHeld = new Promise<void>((resolve) => (releasePreview = resolve));
    await page.route('**/preview?page=1&window=1', async (route) => {
      await previewHeld;
      await route.continue();
    });
    await step('a new letter: the PDF is uploaded and the address in the window is read', async () => {
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Choisir le courrier' }).click();
      await (await chooser).setFiles(LETTER);
      const address = page.getByLabel('Adresse lue dans la fenêtre');
      await see(address, 30_000);
      const lines = await address.innerText();
      assert.match(lines, /44000 NANTES/);
      assert.match(lines, /Madame Claire MARTIN/);
      await see(page.getByText('L’adresse est complète et valide.'));
      await see(page.getByText('1 page', { exact: false }));
    });

    await step('the window preview shows page 1 through the envelope window, and the page does not move when it arrives', async () => {
      const preview = page.getByRole('img', { name: /ce qui apparaît dans la fenêtre/ });
      await preview.waitFor({ state: 'attached' });
      // A page that jumps when the image lands moves "Suivant" from under a pointer on its way to it.
      const next = page.getByRole('button', { name: 'Suivant' });
      const before = await next.boundingBox();
      releasePreview();
      await eventually(
        'the preview image to load',
        () => preview.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth),
        (width) => typeof width === 'number' && width > 0,
        20_000,
      );
      const src = await preview.getAttribute('src');
      assert.match(src ?? '', /\/preview\?page=1&window=1$/);
      assert.deepEqual(await next.boundingBox(), before, 'the button stays where it was');
      await page.unroute('**/preview?page=1&window=1');
    });

    let orderPath = '';
    await step('leaving step 1 creates the draft; options are chosen and the quote shows', async () => {
      assert.equal(await field(page, 'Nom de la commande').inputValue(), 'lettre-1-page', 'named after the file');
      await field(page, 'Nom de la commande').fill(ORDER_NAME);
      await page.getByRole('button', { name: 'Suivant' }).click();
      await see(page.getByRole('heading', { level: 2, name: 'Options' }));
      orderPath = new URL(page.url()).pathname;
      assert.match(orderPath, /^\/orders\/ord_[0-9a-z]{26}$/, 'the draft has its own address');
      await page.getByRole('radio', { name: 'Recto verso' }).check();
      await page.getByRole('radio', { name: 'C5/6', exact: true }).check();
      await page.getByRole('radio', { name: 'Prioritaire', exact: true }).check();
      await see(page.getByTestId('estimate-total'));
    });

    let total = '';
    await step('switching to registered R1 with acknowledgement changes the total', async () => {
      const before = await settledTotal(page);
      assert.ok(cents(before) > 0, `a total is shown (${before})`);
      await page.getByRole('radio', { name: 'Recommandé', exact: true }).check();
      await page.getByRole('radio', { name: 'R1', exact: true }).check();
      await page.getByRole('checkbox', { name: 'Avec accusé de réception (AR)' }).check();
      total = await eventually('the total after registered R1 with AR', () => settledTotal(page), (text) => text !== before, 15_000);
      assert.ok(cents(total) > cents(before), `registered with AR costs more (${before} → ${total})`);
    });

    await step('the draft is saved and listed as a draft', async () => {
      await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
      await see(page.getByText(/^Brouillon enregistré/));
      await nav.getByRole('link', { name: 'Commandes' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Commandes' }));
      const row = page.getByRole('row').filter({ hasText: ORDER_NAME });
      await see(row.getByText('Brouillon', { exact: true }));
    });

    await step('the draft opens again in the wizard with its options', async () => {
      await page.getByRole('link', { name: ORDER_NAME }).click();
      await see(page.getByRole('heading', { level: 1, name: `Courrier : ${ORDER_NAME}` }));
      assert.equal(new URL(page.url()).pathname, orderPath);
      await see(page.getByLabel('Adresse lue dans la fenêtre').getByText('44000 NANTES'));
      await page.getByRole('button', { name: 'Suivant' }).click();
      await see(page.getByRole('heading', { level: 2, name: 'Options' }));
      assert.ok(await page.getByRole('radio', { name: 'Recto verso' }).isChecked());
      assert.ok(await page.getByRole('radio', { name: 'Recommandé', exact: true }).isChecked());
      assert.ok(await page.getByRole('radio', { name: 'R1', exact: true }).isChecked());
      assert.ok(await page.getByRole('checkbox', { name: 'Avec accusé de réception (AR)' }).isChecked());
      await page.getByRole('button', { name: 'Suivant' }).click();
      await see(page.getByRole('heading', { level: 2, name: 'Destinataires' }));
      assert.ok(await page.getByRole('radio', { name: 'Adresse lue dans le document' }).isChecked());
      await page.getByRole('button', { name: 'Suivant' }).click();
      await see(page.getByRole('heading', { level: 2, name: 'Vérification' }));
    });

    await step('the review shows the quote, the letter and the final warning, then the order is sent', async () => {
      const quote = page.getByRole('table', { name: 'Devis de la commande, en euros' });
      await see(quote.getByRole('row', { name: /Recommandé, niveau R1/ }));
      await see(quote.getByRole('row', { name: /Total TTC/ }).getByText(total));
      await see(page.getByRole('table', { name: 'Les courriers que produira cette commande' }).getByText(/44000 NANTES/));
      await see(page.getByText('Une fois acceptée par le prestataire, cette commande ne pourra plus être annulée.'));
      await see(page.getByText(/^Distribution prévue :/));
      const send = page.getByRole('button', { name: 'Envoyer le courrier' });
      await eventually('the send button to be enabled', () => send.isEnabled(), (enabled) => enabled);
      await send.click();
      // Irrevocable once accepted: the portal asks first, with what is sent, its price and date.
      await page.getByRole('dialog', { name: 'Envoyer ce courrier ?' }).getByRole('button', { name: 'Confirmer l’envoi' }).click();
      await see(page.getByText('Soumise', { exact: true }));
    });

    await step('the order page is read-only, and its purchase order is a PDF', async () => {
      assert.equal(new URL(page.url()).pathname, orderPath);
      await see(page.getByRole('heading', { level: 1, name: ORDER_NAME }));
      assert.equal(await page.getByRole('button', { name: 'Suivant' }).count(), 0, 'no wizard');
      assert.equal(await page.getByRole('button', { name: 'Envoyer le courrier' }).count(), 0, 'no wizard');
      assert.equal(await page.getByRole('button', { name: 'Enregistrer le brouillon' }).count(), 0, 'no wizard');
      await see(page.getByRole('button', { name: 'Retirer la commande' }));
      await see(page.getByRole('table', { name: 'Les plis de cette commande et leur état' }).getByText('Madame Claire MARTIN'));
      const link = page.getByRole('link', { name: 'Bon de commande (PDF)' });
      const href = await link.getAttribute('href');
      assert.ok(href, 'the purchase order link has an address');
      const pdf = await eventually(
        'the purchase order',
        async () => page.request.get(url(href)),
        (response) => response.status() === 200,
        15_000,
      );
      assert.match(pdf.headers()['content-type'] ?? '', /application\/pdf/);
      assert.equal((await pdf.body()).subarray(0, 4).toString('latin1'), '%PDF');
    });

    await step('after a reload the order is still submitted and the list files it under "Soumises"', async () => {
      await page.reload();
      await see(page.getByText('Soumise', { exact: true }));
      await nav.getByRole('link', { name: 'Commandes' }).click();
      await page.getByText('Soumises', { exact: true }).click();
      const row = page.getByRole('row').filter({ hasText: ORDER_NAME });
      await see(row.getByText('Soumise', { exact: true }));
      await see(row.getByText(total));
      assert.equal(new URL(page.url()).searchParams.get('status'), 'submitted');
    });
  }, { allowConsoleErrors: [/status of 422.*\/api\/v1\/documents/] }),
);
