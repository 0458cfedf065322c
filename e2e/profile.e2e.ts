// A client administrator's own account: language, people of their organisation, API keys,
// e-mail notifications, optional two-step verification (then signing in with a recovery code),
// contract, and "sign out everywhere".

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generate } from 'otplib';
import type { Locator, Page } from 'playwright-core';
import { eventually, journey, see } from './harness';

const PASSWORD = 'demo-password-123'; // PLI_DEMO_PASSWORD, set by e2e/run.ts
const EMAIL = 'admin@mairie-demo.test';

/** A form field by its whole label (Mantine appends " *" to required fields' labels). */
function field(page: Page, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^${escaped}(\\s*\\*)?$`));
}

test('a client administrator manages their account, their people and two-step verification', { timeout: 180_000 }, (t) =>
  journey(t, async ({ page, url, step }) => {
    const nav = page.getByRole('navigation', { name: /Navigation principale|Main navigation/ });

    await step('a protected page sends the visitor to sign in, and back there afterwards', async () => {
      await page.goto(url('/subscription'));
      await see(page.getByRole('heading', { level: 1, name: 'Connexion' }));
      assert.equal(new URL(page.url()).searchParams.get('next'), '/subscription');
      await field(page, 'Adresse e-mail').fill(EMAIL);
      await field(page, 'Mot de passe').fill(PASSWORD);
      await page.keyboard.press('Enter');
      await see(page.getByRole('heading', { level: 1, name: 'Abonnement et statistiques' }));
    });

    await step('the subscription page shows the real contract, statistics announced as coming', async () => {
      await see(page.getByText('Début du contrat'));
      await see(page.getByText('Archivage électronique'));
      await see(page.getByText('Bientôt disponible'));
      const links = (await nav.getByRole('link').allInnerTexts()).map((s) => s.trim());
      assert.deepEqual(links, ['Commandes', 'Suivi', 'Plis revenus', 'Archives', 'Assistance', 'Utilisateurs', 'Abonnement et statistiques', 'Webhooks']);
    });

    await step('switching to English changes the interface and is kept on the account', async () => {
      await page.getByRole('radiogroup', { name: 'Langue de l’interface' }).getByText('EN', { exact: true }).click();
      await see(nav.getByRole('link', { name: 'Subscription & statistics' }));
      await eventually(
        'the locale saved on the account',
        async () => ((await (await page.request.get(url('/api/v1/session'))).json()) as { user: { locale: string } }).user.locale,
        (locale) => locale === 'en',
      );
      await page.getByRole('radiogroup', { name: 'Interface language' }).getByText('FR', { exact: true }).click();
      await see(nav.getByRole('link', { name: 'Abonnement et statistiques' }));
    });

    await step('they invite someone, who is listed as invited, and resend the invitation', async () => {
      await nav.getByRole('link', { name: 'Utilisateurs' }).click();
      await page.getByRole('button', { name: 'Inviter une personne' }).click();
      const dialog = page.getByRole('dialog');
      await field(page, 'Prénom et nom').fill('Nadia Benali');
      await field(page, 'Adresse e-mail').fill('nadia.benali@mairie-demo.test');
      await dialog.getByRole('button', { name: 'Envoyer l’invitation' }).click();
      await see(page.getByText('Invitation envoyée à Nadia Benali (nadia.benali@mairie-demo.test).'));
      const row = page.getByRole('row').filter({ hasText: 'nadia.benali@mairie-demo.test' });
      await see(row.getByText('Invitée'));
      await row.getByRole('button', { name: 'Renvoyer l’invitation à Nadia Benali' }).click();
      await see(page.getByText('Invitation renvoyée à nadia.benali@mairie-demo.test.'));
    });

    await step('they create an API key, shown once, then revoke it', async () => {
      await page.getByRole('button', { name: /Compte de/ }).click();
      await page.getByRole('menuitem', { name: 'Mon profil' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Mon profil' }));
      await field(page, 'Nom de la nouvelle clé').fill('Logiciel de facturation');
      await page.getByRole('button', { name: 'Créer la clé' }).click();
      const key = await field(page, 'Votre nouvelle clé').inputValue();
      assert.ok(key.length > 20, 'the secret is shown');
      const me = await page.request.get(url('/api/v1/me'), { headers: { authorization: `Bearer ${key}` } });
      assert.equal(me.status(), 200, 'the key works');
      await page.getByRole('button', { name: 'J’ai copié la clé' }).click();
      assert.equal(await page.getByText(key).count(), 0, 'never shown again');
      await page.getByRole('button', { name: 'Révoquer la clé Logiciel de facturation' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Révoquer' }).click();
      await see(page.getByText(/^Révoquée le/));
      const after = await page.request.get(url('/api/v1/me'), { headers: { authorization: `Bearer ${key}` } });
      assert.equal(after.status(), 401, 'the revoked key is refused');
    });

    await step('they choose to be told by e-mail when production starts, and the choice is kept', async () => {
      const notifications = page.getByRole('region', { name: 'Notifications par e-mail' });
      const production = notifications.getByRole('checkbox', { name: 'Mise en production' });
      assert.equal(await production.isChecked(), false, 'not chosen by default');
      await production.check();
      await notifications.getByRole('button', { name: 'Enregistrer mes notifications' }).click();
      await see(notifications.getByText('Vos choix de notification sont enregistrés.'));
      await page.reload();
      await see(page.getByRole('heading', { level: 1, name: 'Mon profil' }));
      assert.equal(await page.getByRole('region', { name: 'Notifications par e-mail' }).getByRole('checkbox', { name: 'Mise en production' }).isChecked(), true);
    });

    let recoveryCode = '';
    await step('they turn on two-step verification and keep a recovery code', async () => {
      await page.getByRole('button', { name: 'Activer', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await see(dialog.getByRole('img', { name: /Code QR/ }));
      const secret = await field(page, 'Clé secrète').inputValue();
      await field(page, 'Code affiché par l’application').fill(await generate({ secret }));
      await dialog.getByRole('button', { name: 'Activer' }).click();
      const codes = page.getByRole('list', { name: 'Codes de secours' }).getByRole('listitem');
      await see(codes);
      recoveryCode = (await codes.first().innerText()).trim();
      await field(page, 'J’ai enregistré ces codes en lieu sûr').check();
      await page.getByRole('button', { name: 'Terminé' }).click();
      await see(page.getByText('Activée', { exact: true }));
    });

    await step('they sign out, and signing in again asks for the second factor; a recovery code works', async () => {
      await page.getByRole('button', { name: /Compte de/ }).click();
      await page.getByRole('menuitem', { name: 'Se déconnecter' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Connexion' }));
      assert.equal(new URL(page.url()).search, '', 'no ?next= after signing out on purpose');
      await field(page, 'Adresse e-mail').fill(EMAIL);
      await field(page, 'Mot de passe').fill(PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Vérification en deux étapes' }));
      await field(page, 'Code de vérification').fill(recoveryCode);
      await page.getByRole('button', { name: 'Vérifier' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Commandes' }));
      await see(page.getByRole('link', { name: 'Nouveau courrier', exact: true }));
    });

    await step('they turn two-step verification off with their password', async () => {
      await page.goto(url('/profile'));
      await page.getByRole('button', { name: 'Désactiver', exact: true }).click();
      // The dialog's own field: the page's password section has one of the same name, which a
      // search made while the dialog is still opening would find instead.
      const dialog = page.getByRole('dialog', { name: 'Désactiver la vérification en deux étapes' });
      await dialog.getByLabel(/^Mot de passe actuel(\s*\*)?$/).fill(PASSWORD);
      await dialog.getByRole('button', { name: 'Désactiver' }).click();
      await see(page.getByText('Désactivée', { exact: true }));
    });

    await step('"sign out everywhere" ends the session', async () => {
      await page.getByRole('button', { name: 'Se déconnecter partout' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Se déconnecter partout' }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Connexion' }));
      const session = await page.request.get(url('/api/v1/session'));
      assert.equal(session.status(), 401);
    });
  }),
);
