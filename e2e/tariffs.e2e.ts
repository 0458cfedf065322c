// The tariff journey: the provider administrator opens Tarifs, reads the standard tariff in
// force, creates a new one from tomorrow with a dearer black-and-white page (the change summary
// says so before saving), and finds it listed as scheduled, selected, with its new price. Then
// Production → Règles de production: the defaults in force, prefilled in grams, and a new version
// from tomorrow with a heavier C5/6 envelope typed with a decimal comma, listed as scheduled.
// (One journey, one sign-in: the sign-in route allows ten a minute from one address, and the
// whole run signs in from one.)
//
// The administrator's two-step verification: enrolled here when this journey runs alone on a
// fresh server, else by the accounts journey earlier in the run, which leaves the secret behind.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, field, journey, see, signInStaff } from './harness';

const EMAIL = 'admin@pli.test';


/** A calendar day in Paris (the day the server prices orders on), `offsetDays` from today. */
function parisDay(offsetDays: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return new Date(Date.UTC(part('year'), part('month') - 1, part('day') + offsetDays)).toISOString().slice(0, 10);
}

/** « 0,09 € » → 9 (cents). */
function cents(text: string): number {
  const digits = text.replace(/[^\d,]/g, '').replace(',', '.');
  return Math.round(Number(digits) * 100);
}

/** 10 → « 0,10 »: an amount as typed in French. */
function typed(amount: number): string {
  return `${Math.trunc(amount / 100)},${String(amount % 100).padStart(2, '0')}`;
}

test('the provider administrator schedules a new standard tariff, and new production rules, from tomorrow', { timeout: 180_000 }, (t) =>
  journey(t, async ({ page, url, step }) => {
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    const main = page.getByRole('main');
    const tomorrow = parisDay(1);

    await step('the provider administrator signs in with their password and second factor', async () => {
      await signInStaff(page, url, EMAIL);
      await see(page.getByRole('heading', { level: 1, name: 'Clients' }));
    });

    let before = 0;
    await step('they open Tarifs: the standard tariff in force is shown, line by line', async () => {
      await nav.getByRole('link', { name: 'Tarifs', exact: true }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Tarifs' }));
      assert.equal(new URL(page.url()).pathname, '/tariffs');
      await see(page.getByRole('heading', { level: 2, name: 'Versions du tarif standard' }));
      const versions = page.getByRole('table', { name: 'Versions du tarif, de la plus récente à la plus ancienne' });
      const inForce = versions.locator('tbody tr').filter({ hasText: 'En vigueur' });
      await see(inForce); // the section's heading shows before its list is read
      assert.equal(await inForce.count(), 1, 'one version in force');
      assert.equal(await inForce.getByRole('button').getAttribute('aria-current'), 'true', 'the version in force is the one shown');
      await see(main.getByRole('heading', { level: 2, name: /^Tarif applicable à partir du / }));
      const price = (await main.locator('tr[data-line="printPageBw"] td').first().innerText()).trim();
      assert.match(price, /^\d+,\d{2}\s€$/, `a price in euros (${price})`);
      before = cents(price);
      assert.ok(before > 0, `a black-and-white page costs something (${price})`);
    });

    const after = before + 1;
    await step('a new tariff from a date: prefilled, from tomorrow; the change is summed up before saving', async () => {
      await page.getByRole('button', { name: 'Nouveau tarif à partir d’une date…' }).click();
      await see(page.getByRole('heading', { level: 2, name: 'Nouveau tarif standard' }));
      assert.equal(await field(page, 'Applicable à partir du').inputValue(), tomorrow, 'from tomorrow by default');
      const bw = field(page, 'Impression noir et blanc, par page');
      assert.equal(await bw.inputValue(), typed(before), 'prefilled from the tariff in force');
      await see(page.getByTestId('tariff-changes').getByText('Aucun prix ne change'));
      await bw.fill(typed(after));
      const changes = page.getByTestId('tariff-changes').getByRole('listitem');
      await see(changes);
      assert.equal(await changes.count(), 1, 'one price changes');
      assert.match(await changes.first().innerText(), /^Impression noir et blanc, par page : .+ → .+$/);
    });

    await step('they create it: it is listed as scheduled, shown, with the new price', async () => {
      await page.getByRole('button', { name: /^Créer le tarif à partir du / }).click();
      await see(page.getByRole('status').getByText(/^Nouveau tarif enregistré : il s’applique à partir du /));
      const row = main.locator(`tr[data-version="${tomorrow}"]`);
      await see(row.getByText('Programmé', { exact: true }));
      // The page selects the new version once the list has been read again.
      await eventually('the new version to be the one shown', () => row.getByRole('button').getAttribute('aria-current'), (v) => v === 'true');
      const price = (await main.locator('tr[data-line="printPageBw"] td').first().innerText()).trim();
      assert.equal(cents(price), after, `the new black-and-white price (${price})`);
      const versions = page.getByRole('table', { name: 'Versions du tarif, de la plus récente à la plus ancienne' });
      assert.equal(await versions.locator('tbody tr').filter({ hasText: 'En vigueur' }).count(), 1, 'the old version is still in force today');
    });

    const rules = page.getByRole('table', { name: 'Versions des règles de production, de la plus récente à la plus ancienne' });
    await step('they open Production → Règles de production: the defaults in force, the form prefilled in grams', async () => {
      await nav.getByRole('link', { name: 'Production', exact: true }).click();
      await see(page.getByRole('heading', { level: 1, name: 'Production' }));
      await page.getByRole('tab', { name: 'Règles de production' }).click();
      assert.equal(new URL(page.url()).searchParams.get('tab'), 'rules');
      const inForce = rules.locator('tbody tr').filter({ hasText: 'En vigueur' });
      await see(inForce);
      assert.equal(await rules.locator('tbody tr').count(), 1, 'one version: the defaults');
      await see(inForce.getByText('4,99\u00a0g'));
      assert.equal(await field(page, 'Poids d’une feuille A4').inputValue(), '4,99 g');
      assert.equal(await field(page, 'Poids de l’enveloppe C5/6').inputValue(), '5 g');
      assert.equal(await field(page, 'À partir du').inputValue(), tomorrow, 'from tomorrow by default');
    });

    await step('they publish a version from tomorrow with a 5,5 g C5/6 envelope: scheduled, the defaults still in force', async () => {
      await field(page, 'Poids de l’enveloppe C5/6').fill('5,5');
      await page.getByRole('button', { name: 'Publier cette version' }).click();
      await see(page.getByRole('status').getByText(/^Version publiée\u00a0: elle s’appliquera à partir du /));
      const scheduled = rules.locator('tbody tr').filter({ hasText: 'Programmée' });
      await see(scheduled);
      await see(scheduled.getByText(/C5\/6 5,5\u00a0g, 5 feuilles/));
      assert.equal(await rules.locator('tbody tr').filter({ hasText: 'En vigueur' }).count(), 1, 'the defaults are still in force today');
    });
  }),
);
