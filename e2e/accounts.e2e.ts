// Acceptance journey of the accounts issue: the provider administrator's first sign-in (TOTP
// enrolment), a client organisation with its contract, the client's account file imported
// (preview, then apply), the invitation read in the outbox, a client user activating their
// account and signing in, then deactivated while their page is open.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { generate } from 'otplib';
import type { Locator, Page } from 'playwright-core';
import { eventually, journey, mailTo, rememberTotpSecret, see } from './harness';

const PASSWORD = 'demo-password-123'; // PLI_DEMO_PASSWORD, set by e2e/run.ts
const ORGANISATION = 'Mairie de Test-sur-Mer';
const ADMIN_EMAIL = 'claire.martin@test-sur-mer.test';
const USER_EMAIL = 'paul.dupont@test-sur-mer.test';
const USER_PASSWORD = 'marée haute sur la digue 2026';

// The client's file as French offices send it (see fixtures/accounts): French headers
// and roles. Line 3 has an e-mail address without "@".
const ACCOUNT_FILE = [
  'Nom,Prénom,Adresse e-mail,Rôle',
  `MARTIN,Claire,${ADMIN_EMAIL},administrateur`,
  'BERNARD,Luc,luc.bernard.test-sur-mer.test,utilisateur',
  `DUPONT,Paul,${USER_EMAIL},utilisateur`,
].join('\r\n');

/** A calendar day in local time (what a date input holds), `offsetDays` from today. */
function isoDay(offsetDays: number): string {
  const day = new Date();
  day.setDate(day.getDate() + offsetDays);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** A form field by its whole label (Mantine appends " *" to required fields' labels). */
function field(page: Page, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^${escaped}(\\s*\\*)?$`));
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  const emailField = field(page, 'Adresse e-mail');
  if ((await emailField.inputValue()) !== email) await emailField.fill(email);
  await field(page, 'Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

test(
  'the provider administrator sets up a client from its account file; an invited user activates and signs in; the client administrator deactivates them',
  { timeout: 240_000 },
  (t) =>
    journey(
      t,
      async ({ page, url, step, newPage }) => {
        const main = page.getByRole('main');

        await step('the provider administrator signs in with their password', async () => {
          await page.goto(url('/login'));
          await see(page.getByRole('heading', { level: 1, name: 'Connexion' }));
          await see(page.getByRole('link', { name: 'Mot de passe oublié ?' }));
          await signIn(page, 'admin@pli.test', PASSWORD);
        });

        await step('first sign-in: they are asked to set up two-step verification, with a QR code', async () => {
          await see(page.getByRole('heading', { level: 1, name: 'Activer la vérification en deux étapes' }));
          await see(page.getByRole('img', { name: 'Code QR à scanner avec votre application d’authentification' }));
        });

        await step('they type a code made from the secret shown as text', async () => {
          const secret = await field(page, 'Clé secrète').inputValue();
          assert.match(secret, /^[A-Z2-7]{16,}=*$/, 'the secret is shown in base32');
          await field(page, 'Code affiché par l’application').fill(await generate({ secret }));
          await page.getByRole('button', { name: 'Activer' }).click();
          await rememberTotpSecret('admin@pli.test', secret); // for the journeys after this one (tariffs)
        });

        await step('their recovery codes are shown once, and they confirm they saved them', async () => {
          await see(page.getByRole('heading', { level: 1, name: 'Vos codes de secours' }));
          const codes = page.getByRole('list', { name: 'Codes de secours' }).getByRole('listitem');
          assert.ok((await codes.count()) >= 5, 'several recovery codes');
          const next = page.getByRole('button', { name: 'Continuer vers le portail' });
          assert.ok(await next.isDisabled(), 'not before confirming');
          await field(page, 'J’ai enregistré ces codes en lieu sûr').check();
          await next.click();
        });

        await step('they land on Clients with the provider administrator’s menu', async () => {
          await see(page.getByRole('heading', { level: 1, name: 'Clients' }));
          assert.equal(new URL(page.url()).pathname, '/clients');
          const nav = page.getByRole('navigation', { name: 'Navigation principale' });
          for (const name of ['Clients', 'Production', 'Retours', 'Guichet d’assistance', 'Courriels envoyés']) {
            await see(nav.getByRole('link', { name, exact: true }));
          }
          assert.equal(await nav.getByRole('link', { name: 'Commandes' }).count(), 0);
        });

        await step(`they create the organisation "${ORGANISATION}" with its contract`, async () => {
          await page.getByRole('link', { name: 'Nouveau client' }).click();
          await see(page.getByRole('heading', { level: 1, name: 'Nouveau client' }));
          await field(page, 'Nom de l’organisation').fill(ORGANISATION);
          assert.equal(await field(page, 'Début du contrat').inputValue(), isoDay(0), 'starts today by default');
          await field(page, 'Fin du contrat').fill(isoDay(365));
          await field(page, 'Fin de la phase de démarrage').fill(isoDay(90));
          await field(page, 'Traitement des plis non distribués').check();
          await field(page, 'Archivage simple').check();
          await page.getByRole('button', { name: 'Créer le client' }).click();
          await see(page.getByRole('heading', { level: 1, name: ORGANISATION }));
          assert.match(new URL(page.url()).pathname, /^\/clients\/org_[0-9a-z]{26}$/);
          await see(main.getByText('Archivage simple'));
          await see(main.getByText('Archivage électronique'));
        });

        await step('they upload the account file: the preview shows line 3 refused, with its reason', async () => {
          const dir = await mkdtemp(path.join(os.tmpdir(), 'pli-e2e-accounts-'));
          try {
            const file = path.join(dir, 'comptes-test-sur-mer.csv');
            await writeFile(file, `\uFEFF${ACCOUNT_FILE}\r\n`, 'utf8');
            await page.locator('input[type="file"]').setInputFiles(file);
            await page.getByRole('button', { name: 'Analyser le fichier' }).click();
            await see(page.getByText('Aperçu : rien n’est encore enregistré'));
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
          const rows = page.getByRole('table', { name: 'Lignes du fichier et leur résultat' }).locator('tbody tr');
          assert.equal(await rows.count(), 3);
          const refused = rows.filter({ hasText: 'luc.bernard' });
          assert.equal(await refused.getAttribute('data-outcome'), 'error');
          assert.equal((await refused.locator('td').first().innerText()).trim(), '3', 'the line number of the file');
          await see(refused.getByText('Erreur', { exact: true }));
          const reason = (await refused.locator('td').last().innerText()).trim();
          assert.ok(reason.length > 5, `a reason is given (got "${reason}")`);
          assert.equal(await rows.filter({ hasText: USER_EMAIL }).getAttribute('data-outcome'), 'create');
          await see(rows.filter({ hasText: ADMIN_EMAIL }).getByText('Sera créé'));
        });

        await step('they apply the import: 2 accounts are created', async () => {
          await page.getByRole('button', { name: 'Créer 2 comptes' }).click();
          await see(page.getByText('2 comptes créés'));
          const rows = page.getByRole('table', { name: 'Lignes du fichier et leur résultat' }).locator('tbody tr');
          assert.equal(await rows.filter({ hasText: 'Créé' }).count(), 2);
          assert.equal(await rows.filter({ hasText: 'luc.bernard' }).getAttribute('data-outcome'), 'error');
          const people = main.getByRole('row').filter({ hasText: USER_EMAIL });
          await see(people.getByText('Invitée'));
        });

        /**
         * The invitation to someone, seen in the provider's Outbox with its link masked, and the
         * working link the person finds in their own mailbox.
         */
        async function activationPathFor(email: string): Promise<string> {
          await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Courriels envoyés' }).click();
          await see(page.getByRole('heading', { level: 1, name: 'Courriels envoyés' }));
          const invitation = main.locator(`tr[data-to="${email}"]`);
          await eventually(
            `the invitation to ${email} in the outbox`,
            async () => {
              const found = await invitation.count();
              if (found === 0) await page.getByRole('button', { name: 'Actualiser' }).click();
              return found;
            },
            (found) => found > 0,
            30_000,
          );
          await invitation.first().getByRole('button').click();
          const body = page.getByRole('dialog').locator('pre');
          await see(body);
          const text = await body.innerText();
          assert.match(text, /\/activate\/••••••/, `a masked activation link in:\n${text}`);
          assert.doesNotMatch(text, /\/activate\/[A-Za-z0-9_-]{20,}/, 'staff never read a working activation link');
          await page.keyboard.press('Escape');
          const mail = await eventually(`the invitation in ${email}'s mailbox`, () => mailTo(email), (m) => m !== null, 30_000);
          const link = /https?:\/\/\S+\/activate\/[A-Za-z0-9_-]{20,}/.exec(mail!);
          assert.ok(link, `an activation link in:\n${mail}`);
          return new URL(link[0]).pathname;
        }

        /** In a browser of their own, a person activates their account and signs in. */
        async function activateAndSignIn(who: Page, activationPath: string, email: string, password: string): Promise<void> {
          await who.goto(url(activationPath));
          await see(who.getByRole('heading', { level: 1, name: 'Activer votre compte' }));
          assert.equal(await field(who, 'Adresse e-mail').inputValue(), email);
          await field(who, 'Nouveau mot de passe').fill(password);
          await see(who.getByText(/^Robustesse : /));
          await field(who, 'Confirmez le nouveau mot de passe').fill(password);
          await who.getByRole('button', { name: 'Activer mon compte' }).click();
          await see(who.getByText('Votre compte est actif'));
          await who.getByRole('link', { name: 'Se connecter' }).click();
          await see(who.getByRole('heading', { level: 1, name: 'Connexion' }));
          assert.equal(await field(who, 'Adresse e-mail').inputValue(), email, 'the e-mail is prefilled');
          await signIn(who, email, password);
          await see(who.getByRole('heading', { level: 1, name: 'Commandes' }));
        }

        let userActivation = '';
        let adminActivation = '';
        await step('they see in the Outbox the invitations sent to the two new people; each person finds the link in their mailbox', async () => {
          userActivation = await activationPathFor(USER_EMAIL);
          adminActivation = await activationPathFor(ADMIN_EMAIL);
        });

        const user = await newPage();
        await step('in another browser, the invited user activates through the link, signs in and sees only the client menus', async () => {
          await activateAndSignIn(user, userActivation, USER_EMAIL, USER_PASSWORD);
          await see(user.getByRole('banner').getByText(ORGANISATION));
          const nav = user.getByRole('navigation', { name: 'Navigation principale' });
          const links = (await nav.getByRole('link').allInnerTexts()).map((s) => s.trim());
          assert.deepEqual(links, ['Commandes', 'Suivi', 'Plis revenus', 'Archives', 'Assistance']);
        });

        const clientAdmin = await newPage();
        await step('in a third browser, the client administrator activates their account and opens Utilisateurs', async () => {
          await activateAndSignIn(clientAdmin, adminActivation, ADMIN_EMAIL, USER_PASSWORD);
          const nav = clientAdmin.getByRole('navigation', { name: 'Navigation principale' });
          const links = (await nav.getByRole('link').allInnerTexts()).map((s) => s.trim());
          assert.deepEqual(links, ['Commandes', 'Suivi', 'Plis revenus', 'Archives', 'Assistance', 'Utilisateurs', 'Abonnement et statistiques', 'Webhooks']);
          await nav.getByRole('link', { name: 'Utilisateurs' }).click();
          await see(clientAdmin.getByRole('heading', { level: 1, name: 'Utilisateurs' }));
        });

        await step('the client administrator deactivates the user', async () => {
          const row = clientAdmin.getByRole('main').getByRole('row').filter({ hasText: USER_EMAIL });
          await see(row.getByText('Active', { exact: true }));
          await row.getByRole('button', { name: /^Désactiver/ }).click();
          const dialog = clientAdmin.getByRole('dialog');
          await see(dialog.getByText('Ses sessions ouvertes prennent fin immédiatement'));
          await dialog.getByRole('button', { name: 'Désactiver' }).click();
          await see(row.getByText('Désactivée'));
        });

        await step('the user’s open page, on its next navigation, lands on the sign-in page', async () => {
          await user.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Suivi' }).click();
          await see(user.getByRole('heading', { level: 1, name: 'Connexion' }));
          const where = new URL(user.url());
          assert.equal(where.pathname, '/login');
          assert.equal(where.searchParams.get('next'), '/tracking');
        });
      },
      // The deactivated user's page meets a 401 on purpose (that is how it learns the session ended).
      { allowConsoleErrors: [/status of 401/] },
    ),
);
