// A registered e-letter from end to end: a client user sends it from the portal; its recipient
// opens the notification (which names neither sender nor subject), confirms their identity with
// the identity provider (the built-in demo one), enters the code received by text message,
// accepts and downloads the letter; the sender sees "accepted" arrive live and downloads the
// proof of receipt.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { DEMO_PASSWORD, eventually, field, journey, mailTo, see } from './harness';

const SENDER = 'user@mairie-demo.test';
const RECIPIENT = 'jean.dupont@example.fr';
const LETTER = path.resolve(import.meta.dirname, '../fixtures/letters/lettre-1-page.pdf');
const SUBJECT = 'Mise en demeure de payer';

/** The newest text message's 6-digit code (Pli delivers texts to PLI_DATA_DIR/texts without a gateway). */
async function textCode(): Promise<string | null> {
  const dir = path.join(path.dirname(process.env.E2E_MAILBOX_DIR!), 'texts');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.txt')).sort();
  if (!files.length) return null;
  return /code is (\d{6})/.exec(await readFile(path.join(dir, files.at(-1)!), 'utf8'))?.[1] ?? null;
}

test('a registered e-letter: sent from the portal, identity checked, code by text, accepted, downloaded; the sender sees it live and gets the proof of receipt', { timeout: 240_000 }, (t) =>
  journey(t, async ({ page, url, step, newPage }) => {
    await step('the sender signs in and starts a new e-letter from Orders', async () => {
      await page.goto(url('/login'));
      await field(page, 'Adresse e-mail').fill(SENDER);
      await field(page, 'Mot de passe').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Commandes' }));
      await page.getByRole('link', { name: 'Nouveau courrier électronique' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Nouveau courrier électronique' }));
    });

    await step('preparing without a letter says what is missing', async () => {
      await page.getByRole('button', { name: 'Préparer l’envoi' }).click();
      await see(page.getByText('Choisissez la lettre.'));
    });

    await step('they choose the letter, registered, one recipient, and see the price', async () => {
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Choisir la lettre' }).click();
      await (await chooser).setFiles(LETTER);
      await see(page.getByText('lettre-1-page.pdf', { exact: true }));
      await field(page, 'Objet').fill(SUBJECT);
      await page.getByText('Recommandé électronique (LRE)').click();
      await field(page, 'Nom ou raison sociale').fill('Jean Dupont');
      await field(page, 'Adresse e-mail').fill(RECIPIENT);
      await field(page, 'Mobile (pour le code par SMS)').fill('+33612345678');
      await field(page, 'Adresse postale (une ligne par ligne)').fill('M. Jean DUPONT\n12 RUE DES LILAS\n75011 PARIS');
      await page.getByRole('button', { name: 'Préparer l’envoi' }).click();
      await see(page.getByRole('heading', { level: 2, name: 'Prix' }));
      await see(page.getByText('Lettre recommandée électronique (avec preuves)'));
    });

    await step('they send it: the order page shows the letter notified, its proofs listed', async () => {
      await page.getByRole('button', { name: 'Envoyer' }).click();
      await see(page.getByRole('heading', { level: 1, name: SUBJECT }));
      await see(page.getByText('Notifié'), 30_000);
      await see(page.getByRole('link', { name: /^Preuve de dépôt/ }));
      await see(page.getByRole('link', { name: /^Preuve de notification/ }));
    });

    const recipient = await newPage();
    let notification = '';
    await step('the notification names neither the sender nor the subject', async () => {
      notification = await eventually('the notification', () => mailTo(RECIPIENT), (text) => text !== null) as string;
      assert.doesNotMatch(notification, /Mairie|Mise en demeure/);
      assert.match(notification, /Une lettre recommandée électronique vous a été adressée/);
      assert.match(notification, /Vous pouvez l’accepter ou la refuser jusqu’au \d+ \S+ \d{4} inclus/);
    });

    await step('the recipient opens the link and confirms their identity with the identity provider', async () => {
      const link = /https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/.exec(notification)![0];
      await recipient.goto(link);
      await see(recipient.getByRole('heading', { level: 1, name: 'Votre courrier' }));
      await see(recipient.getByText(/Une lettre recommandée électronique vous attend/));
      await recipient.getByRole('link', { name: 'Confirmer mon identité' }).click();
      await field(recipient, 'Prénom(s) / Given name(s)').fill('Jean');
      await field(recipient, 'Nom de famille / Family name').fill('Dupont');
      await field(recipient, 'Date de naissance / Date of birth').fill('1970-01-31');
      await recipient.getByRole('button', { name: 'Continuer / Continue' }).click();
      await see(recipient.getByText('Code reçu par SMS'));
    });

    await step('they enter the code of the text message, and see nothing of the sender yet', async () => {
      const code = (await eventually('the text message', () => textCode(), (c) => c !== null)) as string;
      await recipient.locator('input[inputmode="numeric"]').first().click();
      await recipient.keyboard.type(code);
      await recipient.getByRole('button', { name: 'Valider' }).click();
      await see(recipient.getByText('Expéditeur et objet : révélés après acceptation.'.replace(' :', '\u00a0:')));
      assert.equal(await recipient.getByText(SUBJECT).count(), 0);
    });

    await step('they accept: the sender and the letter appear, and they download it', async () => {
      await recipient.getByRole('button', { name: 'Accepter la lettre' }).click();
      await recipient.getByRole('dialog').getByRole('button', { name: 'Accepter la lettre' }).click();
      await see(recipient.getByText(SUBJECT));
      const download = recipient.waitForEvent('download');
      await recipient.getByRole('link', { name: 'Télécharger lettre-1-page.pdf' }).click();
      const file = await (await download).path();
      assert.deepEqual(await readFile(file), await readFile(LETTER));
    });

    await step('the sender sees "accepted" arrive live and downloads the proof of receipt', async () => {
      await see(page.getByText('Accepté'), 30_000);
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: /^Preuve de réception/ }).click();
      const pdf = await readFile(await (await download).path());
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      assert.match(pdf.toString('latin1'), /record\.json/);
    });
  }),
);
