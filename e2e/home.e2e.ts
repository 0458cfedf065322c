import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, journey, see } from './harness';

const UNKNOWN_PATH = '/no-such-page/at-all';

test('a visitor reads what Pli is, sees the service up, switches language and meets the 404 page', { timeout: 90_000 }, (t) =>
  journey(
    t,
    async ({ page, url, step }) => {
      await step('open the home page in French', async () => {
        await page.goto(url('/'));
        await see(page.getByRole('heading', { level: 1, name: 'Pli' }));
        await see(page.getByText('Le courrier hybride des mairies et des entreprises.'));
        assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
        assert.equal(await page.title(), 'Pli');
      });

      await step('the status badge says the service is up', async () => {
        await see(page.getByRole('status').filter({ hasText: 'Service opérationnel' }));
      });

      await step('the API documentation link points at /api/docs', async () => {
        const docs = page.getByRole('link', { name: 'Documentation de l’API' });
        assert.equal(await docs.getAttribute('href'), '/api/docs');
      });

      await step('switch to English', async () => {
        await page.getByRole('radiogroup', { name: 'Langue de l’interface' }).getByText('EN', { exact: true }).click();
        await see(page.getByText('Hybrid mail for town halls and companies.'));
        await see(page.getByRole('status').filter({ hasText: 'Service is up' }));
        await see(page.getByRole('navigation', { name: 'Main navigation' }));
        await eventually('html lang', () => page.locator('html').getAttribute('lang'), (lang) => lang === 'en');
      });

      await step('English is remembered after a reload', async () => {
        await page.reload();
        await see(page.getByText('Hybrid mail for town halls and companies.'));
      });

      await step('the sign-in page offers the sign-in form', async () => {
        await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Sign in' }).click();
        await see(page.getByRole('heading', { level: 1, name: 'Sign in' }));
        await see(page.getByLabel('E-mail address'));
        await see(page.getByLabel(/^Password( \*)?$/));
        await see(page.getByRole('link', { name: 'Forgot password?' }));
        assert.equal(new URL(page.url()).pathname, '/login');
      });

      await step('an unknown address shows the 404 page', async () => {
        await page.goto(url(UNKNOWN_PATH));
        await see(page.getByRole('heading', { level: 1, name: 'Page not found' }));
        assert.equal(await page.title(), 'Page not found — Pli');
      });

      await step('the 404 page leads back home', async () => {
        await page.getByRole('link', { name: 'Back to home' }).click();
        await see(page.getByRole('heading', { level: 1, name: 'Pli' }));
        assert.equal(new URL(page.url()).pathname, '/');
      });

      await step('switch back to French', async () => {
        await page.getByRole('radiogroup', { name: 'Interface language' }).getByText('FR', { exact: true }).click();
        await see(page.getByRole('status').filter({ hasText: 'Service opérationnel' }));
      });
    },
    {
      // The server may answer an unknown address with the app and status 200 or 404; with 404
      // Chromium logs the document's status as a console error. That one is expected.
      allowConsoleErrors: [new RegExp(`status of 404 .*${UNKNOWN_PATH}\\)$`)],
    },
  ),
);

test('the home page fits a small phone screen', { timeout: 60_000 }, (t) =>
  journey(
    t,
    async ({ page, url, step }) => {
      await step('open the home page at 320 px wide', async () => {
        await page.goto(url('/'));
        await see(page.getByRole('status').filter({ hasText: 'Service opérationnel' }));
      });
      await step('nothing overflows sideways', async () => {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
        await see(page.getByRole('radiogroup', { name: 'Langue de l’interface' }));
        await see(page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Connexion' }));
      });
      await step('the skip link is the first stop for the keyboard', async () => {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
        assert.equal(focused, 'Aller au contenu');
      });
    },
    { viewport: { width: 320, height: 640 } },
  ),
);
