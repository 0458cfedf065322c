// What a new user hit in the portal (issue 9, point 15), at 1280 × 800 in French: the home page
// says what each role finds; a visit to "Nouveau courrier" that gives nothing leaves no draft;
// the wizard's four steps fit the screen; sending asks first, with what is sent and its price;
// a registered batch the ranges cannot number tells the operator and the provider administrator
// each what they can do, and its history speaks French (plurals included, "partie(s)" no more);
// drafts are deleted together. The journey withdraws the demo's range of registered numbers and
// records another, so the floor numbers registered letters again for the journeys after it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, eventually, field, journey, nextWizardStep, see, signInStaff } from './harness';

const CLIENT_EMAIL = 'user@mairie-demo.test';
const ADMIN_EMAIL = 'admin@pli.test';
const OPERATOR_EMAIL = 'operator@pli.test';
const LETTER = fileURLToPath(new URL('../fixtures/letters/lettre-1-page.pdf', import.meta.url));
const ACCOUNT_FILE = fileURLToPath(new URL('../fixtures/accounts/comptes-mairie-utf8-bom.csv', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };
const REGISTERED_ORDER = 'Premiers pas — mise en demeure';
const DRAFTS = ['Premiers pas — brouillon A', 'Premiers pas — brouillon B'];
const NEW_RANGE = { prefix: 'PP', first: '1', last: '9999' };

/** The drafts the list shows under "Brouillons", by name. */
async function draftNames(page: Page, url: (path: string) => string): Promise<string[]> {
  await page.goto(url('/orders?status=draft'));
  await see(page.getByRole('heading', { level: 1, name: 'Commandes' }));
  const table = page.getByRole('table', { name: 'Commandes de courrier papier' });
  await see(table.or(page.getByText('Aucun brouillon.')));
  return table.getByRole('rowheader').allInnerTexts();
}

/** Uploads the fixture letter in the wizard's first step and names the order. */
async function giveLetter(page: Page, name: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choisir le courrier' }).click();
  await (await chooser).setFiles(LETTER);
  await see(page.getByText('L’adresse est complète et valide.'), 30_000);
  await field(page, 'Nom de la commande').fill(name);
}

/** Presses "Constituer les lots maintenant" and waits for the floor's answer. */
async function buildBatches(floor: Page): Promise<void> {
  await floor.getByRole('tab', { name: 'Lots' }).click();
  await floor.getByRole('button', { name: 'Constituer les lots maintenant' }).click();
  await see(floor.getByRole('status').filter({ hasText: /mis en lots? :|Aucun/ }).or(floor.getByRole('alert').filter({ hasText: 'Lots restés ouverts' })));
}

test('a new user finds the portal in French, sends a letter knowingly, and tidies drafts; the floor knows what to do with a held batch', { timeout: 300_000 }, (t) =>
  journey(
    t,
    async ({ page, url, step, newPage }) => {
      await step('the home page says what each role finds, not that orders are still to come', async () => {
        await page.goto(url('/'));
        const offer = page.getByRole('region', { name: 'Ce que propose le portail, selon votre rôle' });
        await see(offer);
        for (const role of ['Utilisateur d’une organisation cliente', 'Administrateur d’une organisation cliente', 'Opérateur du prestataire', 'Administrateur du prestataire']) {
          await see(offer.getByText(new RegExp(`^${role} : `)));
        }
        await see(offer.getByText(/préparer un courrier .* le suivre en direct jusqu’au dépôt à La Poste/));
        assert.equal(await page.getByText(/étape suivante/).count(), 0, 'no "arrive with the next step"');
      });

      let draftsBefore: string[] = [];
      await step('the client signs in; opening "Nouveau courrier" and leaving without a letter leaves no draft', async () => {
        await page.goto(url('/orders'));
        await field(page, 'Adresse e-mail').fill(CLIENT_EMAIL);
        await field(page, 'Mot de passe').fill(DEMO_PASSWORD);
        await page.keyboard.press('Enter');
        await see(page.getByRole('heading', { level: 1, name: 'Commandes' }));
        draftsBefore = await draftNames(page, url);
        await page.getByRole('link', { name: 'Nouveau courrier', exact: true }).click();
        await see(page.getByRole('heading', { level: 1, name: 'Nouveau courrier' }));
        await field(page, 'Nom de la commande').fill('Essai sans courrier');
        await page.getByRole('link', { name: 'Retour aux commandes' }).click();
        assert.deepEqual(await draftNames(page, url), draftsBefore);
        await page.goto(url('/orders/new'));
        await see(page.getByRole('heading', { level: 1, name: 'Nouveau courrier' }));
        assert.deepEqual(await draftNames(page, url), draftsBefore);
      });

      await step('at 1280 px the wizard’s four steps are whole on the screen', async () => {
        await page.getByRole('link', { name: 'Nouveau courrier', exact: true }).click();
        const stepper = page.locator('[aria-label="Étapes de la commande"]');
        await see(stepper);
        const labels = ['Document', 'Options', 'Destinataires', 'Vérification'];
        const steps = stepper.locator('.mantine-Stepper-step');
        assert.equal(await steps.count(), labels.length);
        const line = await stepper.locator('.mantine-Stepper-steps').boundingBox();
        assert.ok(line, 'the steps are laid out');
        const tops = new Set<number>();
        for (const [index, label] of labels.entries()) {
          const button = steps.nth(index);
          await see(button.getByText(label, { exact: true }));
          for (const part of [button, button.getByText(label, { exact: true })]) {
            const box = await part.boundingBox();
            assert.ok(box, `step « ${label} » is laid out`);
            const right = box.x + box.width;
            assert.ok(box.x >= 0 && right <= VIEWPORT.width, `step « ${label} » ends at ${right} px, beyond ${VIEWPORT.width}`);
            assert.ok(right <= line.x + line.width + 0.5, `step « ${label} » ends at ${right} px, past the page’s column`);
          }
          tops.add(Math.round((await button.boundingBox())?.y ?? -1));
          const clipped = await button.evaluate((el) => [...el.querySelectorAll('*')].some((child) => child.scrollWidth > child.clientWidth + 1));
          assert.equal(clipped, false, `step « ${label} » shows its whole text`);
        }
        assert.equal(tops.size, 1, 'the four steps stand on one line');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
      });

      await step('a registered letter is prepared; the review says "Aucune" pièce jointe', async () => {
        await giveLetter(page, REGISTERED_ORDER);
        await nextWizardStep(page, 'Options');
        await page.getByRole('radio', { name: 'Recommandé', exact: true }).check();
        await page.getByRole('radio', { name: 'R1', exact: true }).check();
        await nextWizardStep(page, 'Destinataires');
        await nextWizardStep(page, 'Vérification');
        const summary = page.locator('dl').filter({ hasText: 'Pièces jointes' }).first();
        await see(summary.getByText('Aucune', { exact: true }));
      });

      const send = page.getByRole('button', { name: 'Envoyer le courrier' });
      const dialog = page.getByRole('dialog', { name: 'Envoyer ce courrier ?' });
      await step('"Envoyer le courrier" asks first: one letter, the price including VAT, the delivery date', async () => {
        const total = (await page.getByRole('table', { name: 'Devis de la commande, en euros' }).getByRole('row', { name: /Total TTC/ }).innerText()).match(/[\d\s\u202f]+,\d\d\s?€/)?.[0];
        assert.ok(total, 'the quote has a total including VAT');
        const delivery = (await page.getByText(/^Distribution prévue :/).innerText()).match(/^Distribution prévue : (.+) \(si vous l’envoyez maintenant\)\.$/)?.[1];
        assert.ok(delivery, 'the review gives a delivery date');
        await eventually('the send button to be enabled', () => send.isEnabled(), (enabled) => enabled, 20_000);
        await send.click();
        await see(dialog);
        const lines = await dialog.getByTestId('send-summary').getByRole('listitem').allInnerTexts();
        assert.deepEqual(lines, ['1 courrier, pour 1 destinataire', `Prix TTC : ${total.trim()}`, `Distribution prévue : ${delivery}`]);
        await see(dialog.getByRole('button', { name: 'Confirmer l’envoi' }));
      });

      await step('"Annuler" sends nothing: the order is still a draft', async () => {
        await dialog.getByRole('button', { name: 'Annuler' }).click();
        await dialog.waitFor({ state: 'hidden' });
        await page.reload();
        await see(page.getByRole('heading', { level: 1, name: `Courrier : ${REGISTERED_ORDER}` }));
        await see(page.getByText('Brouillon', { exact: true }).first());
        await see(send);
      });

      await step('"Confirmer l’envoi" sends it', async () => {
        await eventually('the send button to be enabled', () => send.isEnabled(), (enabled) => enabled, 20_000);
        await send.click();
        await dialog.getByRole('button', { name: 'Confirmer l’envoi' }).click();
        await see(page.getByTestId('order-status').getByText('Soumise', { exact: true }));
        await see(page.getByRole('heading', { level: 1, name: REGISTERED_ORDER }));
      });

      const admin = await newPage();
      await step('the provider administrator withdraws the range in use and accepts the registered order', async () => {
        await signInStaff(admin, url, ADMIN_EMAIL);
        await see(admin.getByRole('navigation', { name: 'Navigation principale' }));
        await admin.goto(url('/production?tab=settings'));
        const ranges = admin.getByRole('table', { name: 'Plages de numéros de recommandé, dans l’ordre d’utilisation' });
        const inUse = ranges.getByRole('row').filter({ hasText: 'En cours' });
        await see(inUse);
        await inUse.getByRole('button', { name: 'Retirer' }).click();
        const confirm = admin.getByRole('dialog', { name: /^Retirer la plage/ });
        await confirm.getByRole('button', { name: 'Retirer' }).click();
        await confirm.waitFor({ state: 'hidden' });
        assert.equal(await ranges.getByRole('row').filter({ hasText: /En cours|Prête/ }).count(), 0, 'no range left to number registered letters');
        await admin.getByRole('tab', { name: 'Commandes à accepter' }).click();
        const row = admin.getByRole('row').filter({ hasText: REGISTERED_ORDER });
        await row.getByRole('button', { name: /^Accepter/ }).click();
        await eventually('the order to leave the queue', () => admin.getByRole('row').filter({ hasText: REGISTERED_ORDER }).count(), (n) => n === 0);
      });

      let batch = '';
      await step('building leaves the registered batch open: the administrator is sent to the ranges', async () => {
        await buildBatches(admin);
        const held = admin.getByRole('alert').filter({ hasText: 'Lots restés ouverts' });
        await see(held);
        const text = await held.innerText();
        batch = text.match(/Le lot (B\d+) reste ouvert/)?.[1] ?? '';
        assert.match(text, /Le lot B\d+ reste ouvert : sa lettre recommandée attend un numéro que les plages enregistrées ne peuvent plus donner\. Enregistrez une plage de numéros attribuée par La Poste, puis constituez les lots de nouveau\./);
        assert.doesNotMatch(text, /stays open|Settings/);
        await see(held.getByRole('link', { name: 'Enregistrer une plage de numéros de recommandé' }));
      });

      await step('the held batch’s history says so in French', async () => {
        await admin.getByRole('button', { name: `Ouvrir le lot ${batch}` }).click();
        const drawer = admin.getByRole('dialog', { name: `Lot ${batch}` });
        await see(drawer.getByText('Resté ouvert : les plages de numéros de recommandé n’ont plus assez de numéros pour ce lot').first());
        assert.equal(await drawer.getByText(/batch\./).count(), 0, 'no raw event type');
        await admin.keyboard.press('Escape');
        await drawer.waitFor({ state: 'hidden' });
      });

      await step('the operator, who has no settings, is told to ask the provider administrator', async () => {
        const operator = await newPage();
        await signInStaff(operator, url, OPERATOR_EMAIL);
        await see(operator.getByRole('heading', { level: 1, name: 'Production' }));
        await buildBatches(operator);
        const held = operator.getByRole('alert').filter({ hasText: 'Lots restés ouverts' });
        await see(held);
        assert.match(await held.innerText(), new RegExp(`Le lot ${batch} reste ouvert : .* Demandez à l’administrateur du prestataire d’enregistrer une plage de numéros attribuée par La Poste, puis constituez les lots de nouveau\\.`));
        assert.equal(await held.getByRole('link').count(), 0, 'no link to a tab the operator cannot open');
        await operator.context().close();
      });

      await step('the administrator follows the link, records a range, and the batch closes and gets its print file', async () => {
        await admin.getByRole('link', { name: 'Enregistrer une plage de numéros de recommandé' }).click();
        await see(admin.getByRole('tab', { name: 'Réglages', selected: true }));
        await see(admin.getByRole('region', { name: 'Plages de numéros de recommandé' }));
        await field(admin, 'Préfixe').fill(NEW_RANGE.prefix);
        await field(admin, 'Premier numéro').fill(NEW_RANGE.first);
        await field(admin, 'Dernier numéro').fill(NEW_RANGE.last);
        await admin.getByRole('button', { name: 'Ajouter la plage' }).click();
        await see(admin.getByRole('status').filter({ hasText: /ajoutée : 9999 numéros\./ }));
        await buildBatches(admin);
        assert.equal(await admin.getByRole('alert').filter({ hasText: 'Lots restés ouverts' }).count(), 0, 'nothing held any more');
        const row = admin.locator(`tr[data-batch="${batch}"]`);
        await eventually('the print file', () => row.getAttribute('data-status'), (status) => status === 'ready_to_print', 90_000);
        await admin.getByRole('button', { name: `Ouvrir le lot ${batch}` }).click();
        const drawer = admin.getByRole('dialog', { name: `Lot ${batch}` });
        await see(drawer.getByText(/^Fichier d’impression prêt : \d+ feuilles?, 1 partie$/));
        assert.equal(await drawer.getByText(/\(s\)/).count(), 0, 'real plurals');
      });

      await step('the preview of an account file counts in real plurals, not "compte(s)"', async () => {
        await admin.goto(url('/clients'));
        await admin.getByRole('link', { name: 'Mairie de Démo' }).click();
        await see(admin.getByRole('heading', { level: 1, name: 'Mairie de Démo' }));
        await admin.locator('input[type="file"]').setInputFiles(ACCOUNT_FILE);
        await admin.getByRole('button', { name: 'Analyser le fichier' }).click();
        const summary = admin.getByText(/^5 lignes lues : /);
        await see(summary);
        // Whether an earlier journey already created these people or not, each count agrees with its word.
        const counts = (await summary.innerText()).match(/^5 lignes lues : (\d+) (comptes?) à créer, (\d+) déjà (présents?), 1 en erreur\./);
        assert.ok(counts, `the summary reads as French: ${await summary.innerText()}`);
        assert.equal(counts[2], Number(counts[1]) > 1 ? 'comptes' : 'compte');
        assert.equal(counts[4], Number(counts[3]) > 1 ? 'présents' : 'présent');
        await admin.getByRole('button', { name: 'Choisir un autre fichier' }).click();
      });

      await step('two drafts are made, selected together and deleted after a confirmation', async () => {
        for (const name of DRAFTS) {
          await page.goto(url('/orders/new'));
          await see(page.getByRole('heading', { level: 1, name: 'Nouveau courrier' }));
          await giveLetter(page, name);
          await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
          await see(page.getByRole('heading', { level: 1, name: `Courrier : ${name}` }));
        }
        const names = await draftNames(page, url);
        for (const name of DRAFTS) assert.ok(names.includes(name), `« ${name} » is listed`);
        await page.goto(url('/orders'));
        const sent = page.getByRole('row').filter({ hasText: REGISTERED_ORDER });
        await see(sent);
        assert.equal(await sent.getByRole('checkbox').count(), 0, 'a sent order cannot be selected');
        for (const name of DRAFTS) await page.getByRole('checkbox', { name: `Sélectionner le brouillon « ${name} »` }).check();
        await see(page.getByText('2 brouillons sélectionnés'));
        await page.getByRole('button', { name: 'Supprimer les brouillons sélectionnés' }).click();
        const confirm = page.getByRole('dialog', { name: 'Supprimer ces 2 brouillons ?' });
        for (const name of DRAFTS) await see(confirm.getByText(name, { exact: true }));
        await confirm.getByRole('button', { name: 'Supprimer les brouillons' }).click();
        await see(page.getByRole('status').filter({ hasText: '2 brouillons supprimés.' }));
        await eventually('the drafts to leave the list', async () => page.getByRole('row').filter({ hasText: 'Premiers pas — brouillon' }).count(), (n) => n === 0);
        assert.deepEqual(await draftNames(page, url), draftsBefore);
      });
    },
    { viewport: VIEWPORT },
  ),
);
