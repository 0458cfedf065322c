// Forgotten password, as a visitor sees it: the neutral confirmation (the same whether or not
// the address has an account) and a broken link explained. The link itself is read from the
// outbox by the provider administrator, whose second factor e2e/accounts.e2e.ts enrols; the
// page behind it is the activation page's (exercised there).

import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { journey, see } from './harness';

function field(page: Page, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^${escaped}(\\s*\\*)?$`));
}

test('a visitor who forgot their password gets the same neutral answer for any address', { timeout: 60_000 }, (t) =>
  journey(
    t,
    async ({ page, url, step }) => {
      for (const email of ['user@mairie-demo.test', 'nobody@nowhere.test']) {
        await step(`they ask for a link for ${email} and get the neutral confirmation`, async () => {
          await page.goto(url('/login'));
          await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
          await see(page.getByRole('heading', { level: 1, name: 'Mot de passe oublié' }));
          await field(page, 'Adresse e-mail').fill(email);
          await page.keyboard.press('Enter');
          await see(page.getByText(`Si un compte Pli utilise l’adresse ${email}, un e-mail vient de lui être envoyé`));
        });
      }

      await step('a link that is not valid says so, and offers a new one', async () => {
        await page.goto(url('/reset-password/not-a-real-token-at-all'));
        await see(page.getByText('Ce lien de réinitialisation n’est pas valide.'));
        await page.getByRole('link', { name: 'Demander un nouveau lien' }).click();
        await see(page.getByRole('heading', { level: 1, name: 'Mot de passe oublié' }));
      });
    },
    // The unknown link answers 404 on purpose.
    { allowConsoleErrors: [/status of 404/] },
  ),
);
