import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createTestApp, PAPER_OPTIONS, submitLetterOrder, until, type TestApp } from '../../../test/helpers.js';
import { fixedClock } from '../../platform/clock/clock.js';
import { runBatching } from './batches.js';

const submit = (t: TestApp, user: string) => submitLetterOrder(t, user, { name: 'Horloge', options: { ...PAPER_OPTIONS, sides: 'simplex' } });

/** The floor's clock: letters go into batches as they are accepted, batches close at the cut-offs. */
describe.each(backends())('batching cut-offs on %s', (kind) => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-11-26T09:00:00Z')); // 10:00 in Paris
  beforeAll(async () => {
    t = await createTestApp(kind, { overrides: { clock } });
  });
  afterAll(() => t.close());

  it('fills open batches as orders are accepted, closes them at the cut-off, once', async () => {
    const user = await apiKeyFor(t, 'user@mairie-demo.test');
    const operator = await apiKeyFor(t, 'operator@pli.test');
    const batches = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/production/batches', headers: { authorization: `Bearer ${operator}` } })).json().data as Array<{ id: string; mailpieces: number; closed_at: string | null }>;
    const first = await submit(t, user);
    await t.app.inject({ method: 'POST', url: `/api/v1/production/orders/${first}/accept`, headers: { authorization: `Bearer ${operator}` } });

    await runBatching(t.container.production); // 10:00: before the 11:00 cut-off
    expect(await batches()).toEqual([expect.objectContaining({ mailpieces: 1, closed_at: null })]);

    clock.set(new Date('2026-11-26T10:01:00Z')); // 11:01 in Paris: the cut-off has passed
    await runBatching(t.container.production);
    const [closed] = await batches();
    expect(closed!.closed_at).not.toBeNull();

    const second = await submit(t, user);
    await t.app.inject({ method: 'POST', url: `/api/v1/production/orders/${second}/accept`, headers: { authorization: `Bearer ${operator}` } });
    clock.set(new Date('2026-11-26T10:20:00Z'));
    await runBatching(t.container.production); // same cut-off: the new batch stays open
    const now = await batches();
    expect(now).toHaveLength(2);
    expect(now.find((b) => b.id !== closed!.id)).toMatchObject({ mailpieces: 1, closed_at: null });
  });
});

/** PLI_FLOOR_SIMULATOR=1: an order goes from submitted to completed with nobody at the floor. */
describe.each(backends())('floor simulator on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind, { workers: true, env: { PLI_FLOOR_SIMULATOR: 'true', PLI_FLOOR_SIMULATOR_STEP_SECONDS: '0.5' } });
  });
  afterAll(() => t.close());

  it('drives an order through every floor step, with every event on the way', async () => {
    const user = await apiKeyFor(t, 'user@mairie-demo.test');
    const id = await submit(t, user);
    const order = await until(
      'the simulated floor to complete the order',
      async () => {
        const o = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers: { authorization: `Bearer ${user}` } })).json();
        return o.status === 'completed' ? o : null;
      },
      60_000,
    );
    const events = (await t.app.inject({ method: 'GET', url: `/api/v1/mailpieces/${order.mailpieces[0].id}`, headers: { authorization: `Bearer ${user}` } })).json().events.map((e: { type: string }) => e.type);
    expect(events).toEqual(['order.submitted', 'order.accepted', 'mailpiece.printed', 'order.in_production', 'mailpiece.inserted', 'mailpiece.franked', 'mailpiece.deposited', 'order.completed']);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/orders/${id}/deposit-slips`, headers: { authorization: `Bearer ${user}` } })).json().data).toHaveLength(1);
  });
});
