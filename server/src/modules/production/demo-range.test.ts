import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, createTestApp, type TestApp } from '../../../test/helpers.js';
import { seedDemoRange } from './registered-ranges.js';

/** The demo's first start: registered letters are numbered without a visit to the settings first. */
describe('the demo’s registered-number range', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  it('is there once, active, and never overlaps what the provider adds', async () => {
    await seedDemoRange(t.container.production);
    await seedDemoRange(t.container.production);
    const operator = await apiKeyFor(t, 'operator@pli.test');
    const ranges = (await t.app.inject({ method: 'GET', url: '/api/v1/production/registered-ranges', headers: { authorization: `Bearer ${operator}` } })).json();
    expect(ranges.data ?? ranges).toEqual([expect.objectContaining({ prefix: 'DM', status: 'active' })]);
  });
});
