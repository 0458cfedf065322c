import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRODUCTION_RULES } from '#domain/mail/index.js';
import { apiKeyFor, backends, createTestApp, multipartFile, FIXTURES, type TestApp } from '../../../test/helpers.js';
import { fixedClock } from '../../platform/clock/clock.js';

/** Production rules, effective-dated: a new version changes quotes from its first day, never
 * before, and never the orders already submitted. */
// Thursday 26 November 2026, 11:00 in Paris: before the floor's cut-off.
const START = new Date('2026-11-26T10:00:00Z');
const DAY = 24 * 3600_000;

describe.each(backends())('production rules on %s', (kind) => {
  const clock = fixedClock(START);
  let t: TestApp;
  let provider: string;
  let operator: string;
  let client: string;
  let clientAdmin: string;

  beforeAll(async () => {
    t = await createTestApp(kind, { overrides: { clock } });
    provider = await apiKeyFor(t, 'admin@pli.test');
    operator = await apiKeyFor(t, 'operator@pli.test');
    client = await apiKeyFor(t, 'user@mairie-demo.test');
    clientAdmin = await apiKeyFor(t, 'admin@mairie-demo.test');
  });
  afterAll(() => t.close());

  const auth = (k: string, language: 'en' | 'fr' = 'en') => ({ authorization: `Bearer ${k}`, 'accept-language': language });

  async function draft(): Promise<{ id: string }> {
    const mp = multipartFile('file', 'l.pdf', fs.readFileSync(path.join(FIXTURES, 'letters', 'lettre-1-page.pdf')));
    const doc = (await t.app.inject({ method: 'POST', url: '/api/v1/documents', payload: mp.payload, headers: { ...auth(client), ...mp.headers } })).json();
    const order = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: auth(client),
      payload: { kind: 'paper', name: 'x', documents: [doc.id], address_source: 'document', options: { color: 'bw', sides: 'simplex', envelope: 'C5/6', background: null, mail_class: 'priority', archive: { type: 'none' } } },
    });
    expect(order.statusCode, order.body).toBe(201);
    return order.json();
  }

  const getOrder = async (id: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers: auth(client) })).json();
  const postageLine = (order: { quote: { lines: Array<{ code: string }> } }) => order.quote.lines.find((l) => l.code.startsWith('postage_'))?.code;

  // A one-page letter in a C5/6 envelope weighs 9.99 g; with a 16 g envelope, 20.99 g: the next step.
  // And priority mail takes three days instead of two.
  const heavier = (effectiveFrom: string) => ({
    ...DEFAULT_PRODUCTION_RULES,
    effectiveFrom,
    envelopes: { ...DEFAULT_PRODUCTION_RULES.envelopes, 'C5/6': { weightMg: 16_000, maxSheets: 5 } },
    classes: { ...DEFAULT_PRODUCTION_RULES.classes, priority: { maxMg: 2_000_000, deliveryDays: 3 } },
  });

  it('a fresh install lists the defaults as the version in force', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/production/rules', headers: auth(client) });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([expect.objectContaining({ effective_from: DEFAULT_PRODUCTION_RULES.effectiveFrom, status: 'in_force', rules: DEFAULT_PRODUCTION_RULES })]);
  });

  it('a version from tomorrow changes a draft’s letters, quote and delivery only from tomorrow; an order submitted today keeps its own', async () => {
    const order = await draft();
    const submitted = await draft();
    const today = await getOrder(order.id);
    expect(today.mailpieces[0]).toMatchObject({ weight_g: 10, postage_step: '20g' });
    expect(postageLine(today)).toBe('postage_priority_20g');
    expect(today.delivery_estimate).toBe('2026-11-28');
    const sent = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${submitted.id}/submit`, headers: auth(client) });
    expect(sent.statusCode, sent.body).toBe(202);

    const created = await t.app.inject({ method: 'POST', url: '/api/v1/production/rules', headers: auth(provider), payload: heavier('2026-11-27') });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ effective_from: '2026-11-27', status: 'scheduled' });
    // Not in force yet: today's quote is unchanged.
    expect(await getOrder(order.id)).toMatchObject({ quote: today.quote, delivery_estimate: today.delivery_estimate });
    const statuses = (await t.app.inject({ method: 'GET', url: '/api/v1/production/rules', headers: auth(provider) })).json().data.map((v: { effective_from: string; status: string }) => [v.effective_from, v.status]);
    expect(statuses).toEqual([['2026-11-27', 'scheduled'], ['2026-01-01', 'in_force']]);

    clock.advance(DAY);
    const tomorrow = await getOrder(order.id);
    expect(tomorrow.mailpieces[0]).toMatchObject({ weight_g: 21, postage_step: '100g' });
    expect(postageLine(tomorrow)).toBe('postage_priority_100g');
    expect(tomorrow.quote.total_cents).toBeGreaterThan(today.quote.total_cents);
    // Deposited Friday 27, three postal working days: Saturday, Monday, Tuesday.
    expect(tomorrow.delivery_estimate).toBe('2026-12-01');
    // The order submitted yesterday keeps the letters and price it was planned with.
    expect(await getOrder(submitted.id)).toMatchObject({ quote: sent.json().quote, delivery_estimate: sent.json().delivery_estimate, mailpieces: [expect.objectContaining({ weight_g: 10, postage_step: '20g' })] });
    const statusesNow = (await t.app.inject({ method: 'GET', url: '/api/v1/production/rules', headers: auth(operator) })).json().data.map((v: { status: string }) => v.status);
    expect(statusesNow).toEqual(['in_force', 'past']);
  });

  it('only the provider administrator publishes a version', async () => {
    for (const key of [client, clientAdmin, operator]) {
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/production/rules', headers: auth(key), payload: heavier('2027-01-01') })).statusCode).toBe(403);
    }
  });

  it('refuses a version starting in the past, or on a day another one starts', async () => {
    const past = await t.app.inject({ method: 'POST', url: '/api/v1/production/rules', headers: auth(provider), payload: heavier('2026-11-01') });
    expect(past.statusCode).toBe(422);
    expect(past.json().errors).toEqual([{ field: 'effectiveFrom', message: 'must be 2026-11-27 or later' }]);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/production/rules', headers: auth(provider), payload: heavier('2026-11-27') })).statusCode).toBe(409);
  });

  it('refuses an invalid version with every field’s problem, in French and in English', async () => {
    const invalid = {
      ...heavier('2027-01-01'),
      sheetMg: 4.5,
      envelopes: { C4: DEFAULT_PRODUCTION_RULES.envelopes.C4, C5: { weightMg: 9_000, maxSheets: 0 } },
      postageStepsMg: [20_000, 250_000, 100_000, 500_000, 1_000_000, 2_000_000],
      classes: { ...DEFAULT_PRODUCTION_RULES.classes, non_priority: { maxMg: 300_000, deliveryDays: 11 } },
    };
    const fr = await t.app.inject({ method: 'POST', url: '/api/v1/production/rules', headers: auth(provider, 'fr'), payload: invalid });
    expect(fr.statusCode).toBe(400);
    expect(fr.json().errors).toEqual([
      { field: 'sheetMg', message: 'doit être un nombre entier de milligrammes, supérieur à 0' },
      { field: 'envelopes.C5/6', message: 'manque\u00a0: chaque enveloppe (C4, C5, C5/6) doit avoir son poids et sa capacité' },
      { field: 'envelopes.C5.maxSheets', message: 'doit être un nombre entier, au moins 1' },
      { field: 'postageStepsMg.2', message: 'doit être plus lourd que le palier précédent' },
      { field: 'classes.non_priority.maxMg', message: 'doit être l’un des paliers d’affranchissement' },
      { field: 'classes.non_priority.deliveryDays', message: 'doit être un nombre entier de jours, de 1 à 10' },
    ]);
    expect(fr.json().detail).toMatch(/^Ces règles de production ne peuvent pas être utilisées\u00a0: sheetMg doit être un nombre entier de milligrammes/);
    const en = await t.app.inject({ method: 'POST', url: '/api/v1/production/rules', headers: auth(provider, 'en'), payload: invalid });
    expect(en.json().errors.map((e: { message: string }) => e.message)).toEqual([
      'must be a whole number of milligrams, more than 0',
      'is missing: every envelope (C4, C5, C5/6) needs its weight and capacity',
      'must be a whole number, at least 1',
      'must be heavier than the step before it',
      'must be one of the postage steps',
      'must be a whole number of days from 1 to 10',
    ]);
    // Nothing was stored.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/production/rules', headers: auth(provider) })).json().data).toHaveLength(2);
  });

  it('a new postage step needs its prices in the tariffs that apply with it, and is then quoted', async () => {
    const steps = [20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_000_000];
    const rules = { ...heavier('2027-01-01'), postageStepsMg: steps };
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/production/rules', headers: auth(provider), payload: rules });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail).toMatch(/^The tariff from 2026-01-01 has no postage price for: priority 50g, registered 50g, non_priority 50g\./);

    const prices = (await t.app.inject({ method: 'GET', url: '/api/v1/tariffs', headers: auth(provider) })).json().data[0].tariff;
    const postage = Object.fromEntries(Object.entries(prices.lines.postage as Record<string, Record<string, number>>).map(([c, byStep]) => [c, { ...byStep, '50g': byStep['100g']! - 50 }]));
    const tariff = { ...prices, effectiveFrom: '2027-01-01', lines: { ...prices.lines, postage } };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: auth(provider), payload: { organisation_id: null, tariff } })).statusCode).toBe(201);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/production/rules', headers: auth(provider), payload: rules })).statusCode).toBe(201);
    // A later tariff without the new step is refused in turn.
    const lacking = await t.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: auth(provider), payload: { organisation_id: null, tariff: { ...prices, effectiveFrom: '2027-02-01' } } });
    expect(lacking.statusCode).toBe(422);
    expect(lacking.json().detail).toContain('priority 50g');

    clock.set(new Date('2027-01-04T10:00:00Z'));
    const order = await getOrder((await draft()).id);
    // 20.99 g: the new 50 g step.
    expect(order.mailpieces[0]).toMatchObject({ weight_g: 21, postage_step: '50g' });
    expect(postageLine(order)).toBe('postage_priority_50g');
  });
});
