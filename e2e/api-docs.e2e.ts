import assert from 'node:assert/strict';
import { test } from 'node:test';
import { journey, see } from './harness';

test('a developer reads the API reference and calls the API without a key', { timeout: 60_000 }, (t) =>
  journey(t, async ({ page, url, step }) => {
    await step('the OpenAPI document lists the API', async () => {
      const r = await page.request.get(url('/api/openapi.json'));
      assert.equal(r.status(), 200);
      const doc = (await r.json()) as { openapi: string; paths: Record<string, unknown> };
      assert.equal(doc.openapi, '3.1.0');
      assert.ok(doc.paths['/api/v1/me'], '/api/v1/me is documented');
    });

    await step('the interactive docs render under the strict CSP', async () => {
      await page.goto(url('/api/docs'));
      await see(page.getByText('Pli API').first());
      await see(page.getByText('/api/v1/me').first());
    });

    await step('a call without a key gets a 401 problem+json', async () => {
      const r = await page.request.get(url('/api/v1/me'));
      assert.equal(r.status(), 401);
      assert.match(r.headers()['content-type'] ?? '', /application\/problem\+json/);
      // In the language the caller asks for: this browser is French; a program may ask for English.
      assert.equal(((await r.json()) as { title: string }).title, 'Connexion nécessaire');
      const english = await page.request.get(url('/api/v1/me'), { headers: { 'accept-language': 'en' } });
      assert.equal(((await english.json()) as { title: string }).title, 'Authentication required');
    });
  }),
);
