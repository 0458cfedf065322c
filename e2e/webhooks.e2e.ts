// The client administrator's webhooks: one created for "order accepted", its signing secret
// shown once, listed with an empty delivery log, then deleted.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { journey, see } from './harness';

const PASSWORD = 'demo-password-123'; // PLI_DEMO_PASSWORD, set by e2e/run.ts
const EMAIL = 'admin@mairie-demo.test';
const HOOK_URL = 'https://example.org/pli-hook';

/** A form field by its whole label (Mantine appends " *" to required fields' labels). */
function field(page: Page, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^${escaped}(\\s*\\*)?$`));
}

test('a client administrator creates a webhook, sees its secret once, and deletes it', { timeout: 120_000 }, (t) =>
  journey(t, async ({ page, url, step }) => {
    await step('they sign in and open Webhooks from the menu', async () => {
      await page.goto(url('/login'));
      await field(page, 'Adresse e-mail').fill(EMAIL);
      await field(page, 'Mot de passe').fill(PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Webhooks' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Webhooks' }));
      await see(page.getByText('Aucun webhook pour l’instant : créez-en un ci-dessous.'));
    });

    await step('they create one for "Commande acceptée"; its secret is shown once', async () => {
      await field(page, 'Adresse de réception').fill(HOOK_URL);
      await page.getByRole('checkbox', { name: 'Commande acceptée', exact: true }).check();
      await page.getByRole('button', { name: 'Créer le webhook' }).click();
      const secret = await field(page, 'Secret de signature').inputValue();
      assert.match(secret, /^whsec_/);
      await see(page.getByText('Pli-Signature', { exact: false }));
      const row = page.getByRole('row').filter({ hasText: HOOK_URL });
      await see(row.getByText('Commande acceptée'));
      await page.getByRole('button', { name: 'J’ai copié le secret' }).click();
      assert.equal(await field(page, 'Secret de signature').count(), 0, 'never shown again');
    });

    await step('its delivery log opens, empty', async () => {
      await page.getByRole('button', { name: `Journal des envois de ${HOOK_URL}` }).click();
      const drawer = page.getByRole('dialog');
      await see(drawer.getByText('Aucun envoi pour l’instant.'));
      await drawer.getByRole('button', { name: 'Fermer' }).click();
    });

    await step('they delete it', async () => {
      await page.getByRole('button', { name: `Supprimer le webhook ${HOOK_URL}` }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Supprimer' }).click();
      await see(page.getByText(`Le webhook ${HOOK_URL} est supprimé.`));
      await see(page.getByText('Aucun webhook pour l’instant : créez-en un ci-dessous.'));
    });
  }),
);
