// The electronic archive as a client administrator meets it: a letter deposited for 10 years
// (progress, time-stamp, audit trail), its proof checked in the portal, a deletion refused with
// the date, the search; then the document and its proof bundle downloaded and checked on the
// offline verifier page with the network cut.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { DEMO_PASSWORD, eventually, field, journey, see } from './harness';

const EMAIL = 'admin@mairie-demo.test';
const LETTER = path.resolve(import.meta.dirname, '../fixtures/letters/lettre-1-page.pdf');

test('a client administrator archives a letter for 10 years and verifies its proof, in the portal and offline', { timeout: 180_000 }, (t) =>
  journey(t, async ({ page, url, step, newPage }) => {
    await step('they sign in and open Archives from the menu', async () => {
      await page.goto(url('/login'));
      await field(page, 'Adresse e-mail').fill(EMAIL);
      await field(page, 'Mot de passe').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Archives' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Archives' }));
      await see(page.getByRole('heading', { level: 2, name: 'Déposer un document' }));
    });

    await step('archiving without a retention says what is missing', async () => {
      await page.getByRole('button', { name: 'Archiver' }).click();
      await see(page.getByText('Choisissez une durée de conservation.'));
      await see(page.getByText('Choisissez le fichier à archiver.'));
    });

    await step('they deposit the letter for 10 years, with a title and tags', async () => {
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Choisir un fichier' }).click();
      await (await chooser).setFiles(LETTER);
      await see(page.getByText(/^lettre-1-page\.pdf \(\d+ Ko\)$/));
      await page.getByRole('combobox', { name: 'Durée de conservation' }).click();
      await page.getByRole('option', { name: '10 ans' }).click();
      await field(page, 'Titre').fill('Arrêté de voirie 2026-114');
      await field(page, 'Étiquettes').fill('voirie, arrêtés');
      await page.getByRole('button', { name: 'Archiver' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Arrêté de voirie 2026-114' }));
      await see(page.getByText(/^Document archivé et horodaté le /));
      await see(page.getByRole('cell', { name: 'Dépôt' }));
      // The preview is the letter's first page, drawn by the server.
      const preview = page.getByRole('img', { name: 'Première page de «\u00a0Arrêté de voirie 2026-114\u00a0»' });
      await see(preview);
      await eventually('the preview drawn', () => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100), (drawn) => drawn);
    });

    await step('the proof is verified in the portal', async () => {
      await page.getByRole('button', { name: 'Vérifier la preuve' }).click();
      await see(page.getByText(/^Vérifié ✓ à /));
      await see(page.getByText(/✓ Une autorité d’horodatage a certifié ces octets le/));
      // The check read the file: a consultation and a proof export, both journaled.
      await page.reload();
      await see(page.getByRole('cell', { name: 'Consultation' }));
      await see(page.getByRole('cell', { name: 'Preuve exportée' }));
    });

    await step('deleting it before the end of its retention is refused, with the date', async () => {
      await page.getByRole('button', { name: 'Supprimer' }).click();
      const dialog = page.getByRole('dialog', { name: 'Supprimer ce document ?' });
      await dialog.getByRole('button', { name: 'Supprimer' }).click();
      await see(dialog.getByText(/^Ce document est conservé jusqu’au \d{4}-\d\d-\d\d\u00a0: il ne peut pas être supprimé avant\./));
      await dialog.getByRole('button', { name: 'Annuler' }).click();
    });

    await step('the archived letter starts a new one in the order wizard', async () => {
      const here = page.url();
      await page.getByRole('button', { name: 'Réutiliser pour une nouvelle lettre' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Nouveau courrier' }));
      assert.equal(await field(page, 'Nom de la commande').inputValue(), 'Arrêté de voirie 2026-114');
      await see(page.getByText('lettre-1-page.pdf'));
      await page.goto(here);
      await see(page.getByRole('cell', { name: 'Réutilisé pour une lettre' }));
    });

    const downloads: { file: string; bundle: string } = { file: '', bundle: '' };
    await step('they download the document and its proof bundle', async () => {
      for (const [name, key] of [['Télécharger', 'file'], ['Preuve (.json)', 'bundle']] as const) {
        const download = page.waitForEvent('download');
        await page.getByRole('link', { name }).click();
        downloads[key] = (await (await download).path())!;
      }
      assert.deepEqual(await readFile(downloads.file), await readFile(LETTER), 'the download is the deposited file, byte for byte');
    });

    await step('the list finds it by a tag', async () => {
      await page.getByRole('link', { name: '← Toutes les archives' }).click();
      await field(page, 'Rechercher').fill('voirie');
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await see(page.getByRole('link', { name: 'Arrêté de voirie 2026-114' }));
      await field(page, 'Rechercher').fill('introuvable');
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await see(page.getByText('Aucun document ne contient «\u00a0introuvable\u00a0».'));
    });

    await step('the offline verifier page checks them with the network cut', async () => {
      const verifier = await newPage();
      await verifier.goto(url('/verify/'));
      await see(verifier.getByRole('heading', { level: 1, name: 'Vérifier une preuve d’archivage' }));
      await verifier.context().setOffline(true);
      await verifier.getByLabel('Document archivé').setInputFiles(downloads.file);
      await verifier.getByLabel(/^Dossier de preuve/).setInputFiles(downloads.bundle);
      await verifier.getByRole('button', { name: 'Vérifier' }).click();
      await see(verifier.getByText(/^Vérifié ✓ à .*: ce document est celui que Pli a archivé, et sa preuve tient\.$/));
      // Another file against the same proof: refused, and why.
      await verifier.getByLabel('Document archivé').setInputFiles({ name: 'autre.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 autre chose') });
      await verifier.getByRole('button', { name: 'Vérifier' }).click();
      await see(verifier.getByText('Non vérifié ✗ : voir ci-dessous ce qui ne tient pas.'.replace(' :', '\u00a0:')));
      await see(verifier.getByText(/^L’empreinte SHA-256 du fichier est [0-9a-f]{64}, celle du fichier archivé/));
      await verifier.getByRole('button', { name: 'English' }).click();
      await see(verifier.getByText('Not verified ✗: see below what does not hold.'));
      await verifier.context().setOffline(false);
    });
  }, { allowConsoleErrors: [/status of 409 \(Conflict\) \(http:\/\/[^)]*\/api\/v1\/archive\/arc_\w+\)/] }),
);
