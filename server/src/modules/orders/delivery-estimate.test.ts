import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createTestApp, PAPER_OPTIONS, uploadLetter, type TestApp } from '../../../test/helpers.js';
import { fixedClock } from '../../platform/clock/clock.js';

/**
 * The deposit day a quote promises is the floor's: its last cut-off of the day (11:00 and 15:30
 * by default, edited by the provider) decides whether a letter leaves today. One source of truth,
 * so a letter sent at 15:45 is not promised a day early.
 */
describe.each(backends())('the delivery estimate follows the floor’s cut-offs on %s', (kind) => {
  // Wednesday 9 December 2026, 15:45 in Paris (UTC+1).
  const clock = fixedClock(new Date('2026-12-09T14:45:00Z'));
  let t: TestApp;
  let user: string;
  let providerAdmin: string;
  let documentId: string;
  const auth = (k: string) => ({ authorization: `Bearer ${k}` });

  beforeAll(async () => {
    t = await createTestApp(kind, { overrides: { clock } });
    user = await apiKeyFor(t, 'user@mairie-demo.test');
    providerAdmin = await apiKeyFor(t, 'admin@pli.test');
    documentId = await uploadLetter(t, user);
  });
  afterAll(() => t.close());

  const draft = async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: auth(user), payload: { kind: 'paper', name: 'Envoyée à 15 h 45', address_source: 'document', documents: [documentId], options: PAPER_OPTIONS } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };

  it('at 15:45, after the floor’s last cut-off (15:30), the letter is deposited Thursday and delivered Saturday', async () => {
    expect((await draft()).delivery_estimate).toBe('2026-12-12');
  });

  it('once the provider moves the last cut-off to 17:00, the same letter leaves today and arrives Friday, and that is what submission freezes', async () => {
    const settings = (await t.app.inject({ method: 'GET', url: '/api/v1/production/settings', headers: auth(providerAdmin) })).json();
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/production/settings', headers: auth(providerAdmin), payload: { ...settings, cutoffs: ['11:00', '17:00'] } });
    expect(put.statusCode, put.body).toBe(200);
    const order = await draft();
    expect(order.delivery_estimate).toBe('2026-12-11');
    const submitted = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/submit`, headers: auth(user) });
    expect(submitted.statusCode, submitted.body).toBe(202);
    expect(submitted.json().delivery_estimate).toBe('2026-12-11');
  });
});
