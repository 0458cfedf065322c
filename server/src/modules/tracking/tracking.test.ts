import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createClientOrganisation, createTestApp, PAPER_OPTIONS, submitLetterOrder, until, type TestApp } from '../../../test/helpers.js';
import { inScope, systemScope, type Scope, type Tx } from '../../platform/db/scope.js';
import { createIdGenerator } from '../../platform/ids/ids.js';
import { findUserByEmail, principalOfUser } from '../accounts/index.js';
import { createEventFeed, eventsBetween } from './event-feed.js';

interface Received {
  id: string;
  event: string;
  data: { id: string; type: string; order_id: string; mailpiece_id: string | null; order_name: string };
}

/** A live connection to the event stream, as a browser's EventSource would hold it. */
function listen(port: number, key: string, lastEventId?: string): { events: Received[]; close: () => void; status: Promise<number> } {
  const events: Received[] = [];
  let resolveStatus: (n: number) => void = () => {};
  const status = new Promise<number>((r) => (resolveStatus = r));
  const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/events/stream', headers: { authorization: `Bearer ${key}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
        const data = field('data');
        if (data) events.push({ id: field('id')!, event: field('event')!, data: JSON.parse(data) });
      }
    });
  });
  req.on('error', () => {});
  return { events, close: () => req.destroy(), status };
}

/** The live stream (M-3.4): each step reaches the people allowed to see it, and only them. */
describe.each(backends())('tracking events on %s', (kind) => {
  let t: TestApp;
  let port: number;
  let user: string;
  let admin: string;
  let operator: string;
  let stranger: string;
  const auth = (k: string) => ({ authorization: `Bearer ${k}` });

  beforeAll(async () => {
    t = await createTestApp(kind, { workers: true });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    user = await apiKeyFor(t, 'user@mairie-demo.test');
    admin = await apiKeyFor(t, 'admin@mairie-demo.test');
    operator = await apiKeyFor(t, 'operator@pli.test');
    await createClientOrganisation(t, 'Commune E', 'e@commune-e.test');
    stranger = await apiKeyFor(t, 'e@commune-e.test');
  });
  afterAll(() => t.close());

  const submitted = () => submitLetterOrder(t, user, { name: 'Suivi en direct', options: { ...PAPER_OPTIONS, sides: 'simplex' } });

  it('the client sees acceptance and each floor step as it happens; another organisation sees none of it', async () => {
    const mine = listen(port, user);
    const theirAdmin = listen(port, admin);
    const other = listen(port, stranger);
    const floor = listen(port, operator);
    // Once the stream is open, the feed has its starting point: nothing after it is missed.
    for (const c of [mine, theirAdmin, other, floor]) expect(await c.status).toBe(200);

    const id = await submitted();
    await t.app.inject({ method: 'POST', url: `/api/v1/production/orders/${id}/accept`, headers: auth(operator) });
    const built = (await t.app.inject({ method: 'POST', url: '/api/v1/production/batches/build', headers: auth(operator), payload: { close: true } })).json();
    const batch = built.batches[0];
    await until('print file', async () => (await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${batch.id}`, headers: auth(operator) })).json().status === 'ready_to_print');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/production/scan', headers: auth(operator), payload: { code: batch.id, step: 'printed' } })).statusCode).toBe(200);

    const wanted = ['order.submitted', 'order.accepted', 'mailpiece.printed', 'order.in_production'];
    await until('the client’s events', async () => wanted.every((w) => mine.events.some((e) => e.event === w && e.data.order_id === id)), 10_000);
    const types = mine.events.filter((e) => e.data.order_id === id).map((e) => e.event);
    expect(types).toEqual(wanted);
    expect(new Set(mine.events.map((e) => e.id)).size).toBe(mine.events.length); // none twice
    await until('the client administrator’s events', async () => theirAdmin.events.some((e) => e.event === 'mailpiece.printed'), 10_000);
    await until('the floor’s events', async () => floor.events.some((e) => e.event === 'mailpiece.printed' && e.data.order_id === id), 10_000);
    expect(other.events).toEqual([]);
    for (const c of [mine, theirAdmin, other, floor]) c.close();

    // Reconnecting with the last id it saw, a client gets what it missed.
    const firstId = mine.events[0]!.id;
    const again = listen(port, user, firstId);
    await until('the missed events', async () => again.events.length >= 3, 10_000);
    expect(again.events.slice(0, 3).map((e) => e.event)).toEqual(['order.accepted', 'mailpiece.printed', 'order.in_production']);
    again.close();
  });

  it('refuses a stream without credentials', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/events/stream' });
    expect(r.statusCode).toBe(401);
  });
});

/**
 * Reconnections: a client sends back the last stream id it saw (Last-Event-ID) and gets what it
 * missed, once, in the log's order. The log is written here directly, as any writer's transaction
 * writes it, so that the order and the timing of commits are the test's.
 */
describe.each(backends())('catching up after a reconnection on %s', (kind) => {
  let t: TestApp;
  let port: number;
  let user: string;
  const order = { mine: '', colleague: '', other: '' };
  const organisation = { mine: '', other: '' };
  // Strictly increasing ids: the order of events within a transaction is known beforehand.
  let ms = Date.now();
  const ids = createIdGenerator(() => ms++);

  async function draftOrder(organisationId: string, createdBy: string): Promise<string> {
    const id = ids.next('ord');
    const now = new Date();
    await inScope(t.container.db, systemScope, (tx) =>
      tx.insertInto('orders').values({ id, organisation_id: organisationId, created_by: createdBy, kind: 'paper', name: 'Rappel', status: 'draft', documents: '[]', options: '{}', address_source: 'document', split: null, created_at: now, updated_at: now }).execute(),
    );
    return id;
  }

  beforeAll(async () => {
    t = await createTestApp(kind);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    user = await apiKeyFor(t, 'user@mairie-demo.test');
    const me = (await findUserByEmail(t.container.db, 'user@mairie-demo.test'))!;
    const colleague = (await findUserByEmail(t.container.db, 'admin@mairie-demo.test'))!;
    const other = await createClientOrganisation(t, 'Commune G', 'g@commune-g.test');
    organisation.mine = me.organisation_id;
    organisation.other = other.organisationId;
    order.mine = await draftOrder(me.organisation_id, me.id);
    order.colleague = await draftOrder(me.organisation_id, colleague.id);
    order.other = await draftOrder(other.organisationId, other.userId);
  });
  afterAll(() => t.close());

  const event = (orderId: string, organisationId: string) => ({ id: ids.next('evt'), organisation_id: organisationId, order_id: orderId, type: 'mailpiece.printed', at: new Date() });
  const mine = () => event(order.mine, organisation.mine);
  const append = (tx: Tx, rows: Array<ReturnType<typeof event>>) => tx.insertInto('order_events').values(rows).execute();
  const commit = (rows: Array<ReturnType<typeof event>>) => inScope(t.container.db, systemScope, (tx) => append(tx, rows));

  /** The stream id a client holds when its connection drops: that of the last event it saw. */
  async function lastSeen(): Promise<string> {
    const before = listen(port, user);
    expect(await before.status).toBe(200);
    const seen = mine();
    await commit([seen]);
    await until('the event before the cut', async () => before.events.some((e) => e.data.id === seen.id));
    before.close();
    return before.events[before.events.length - 1]!.id;
  }

  // PGlite runs one transaction at a time: two transactions cannot overlap there.
  it.skipIf(kind === 'pglite')('two overlapping transactions commit out of order while the client reconnects: it gets both events, once each, in the log’s order', async () => {
    const from = await lastSeen();
    const [early, late, next] = [mine(), mine(), mine()];
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let wrote = () => {};
    const written = new Promise<void>((r) => (wrote = r));
    const long = inScope(t.container.db, systemScope, async (tx) => {
      await append(tx, [early]);
      wrote();
      await held;
    });
    try {
      await written;
      await commit([late]); // the later id commits first
      const again = listen(port, user, from);
      // Reconnected, and caught up, while the transaction with the earlier id still runs.
      expect(await again.status).toBe(200);
      release();
      await long;
      await commit([next]);
      await until('the event after both', async () => again.events.some((e) => e.data.id === next.id));
      expect(again.events.map((e) => e.data.id)).toEqual([early.id, late.id, next.id]);
      again.close();
    } finally {
      release();
      await long;
    }
  });

  it('a client away for 2,000 of its events, among others’, gets every one of them once, in order, and none of the others', async () => {
    const from = await lastSeen();
    const missed: string[] = [];
    // Eight writers' transactions, each interleaving the client's events with a colleague's and another organisation's.
    for (let n = 0; n < 8; n++) {
      const rows: Array<ReturnType<typeof event>> = [];
      for (let i = 0; i < 250; i++) {
        const e = mine();
        missed.push(e.id);
        rows.push(e, i % 2 === 0 ? event(order.other, organisation.other) : event(order.colleague, organisation.mine));
      }
      await commit(rows);
    }
    const again = listen(port, user, from);
    expect(await again.status).toBe(200);
    // Live again: still none of the others'.
    const next = mine();
    await commit([event(order.other, organisation.other), event(order.colleague, organisation.mine), next]);
    await until('the event after the gap', async () => again.events.some((e) => e.data.id === next.id));
    expect(again.events.map((e) => e.data.id)).toEqual([...missed, next.id]);
    again.close();
  });

  it('the database is the wall: read in organisation A’s scope, the log gives none of B’s events, with no filter of ours in the way', async () => {
    const theirs = event(order.other, organisation.other);
    const ours = mine();
    // A's administrator, live: one transaction puts both events in the one stretch of the log every reader reads.
    const live = listen(port, await apiKeyFor(t, 'admin@mairie-demo.test'));
    expect(await live.status).toBe(200);
    await commit([theirs, ours]);
    await until('A’s event, live', async () => live.events.some((e) => e.data.id === ours.id));
    expect(live.events.map((e) => e.data.id)).not.toContain(theirs.id);
    live.close();
    const whole = { from: { tx: '0', id: '' }, to: { tx: '9223372036854775807', id: '' } };
    const read = async (scope: Scope) => (await inScope(t.container.db, scope, (tx) => eventsBetween(tx, whole.from, whole.to))).map((e) => e.id);
    // The same read in the system scope, as every subscriber's events were read before a filter in JavaScript, has them.
    expect(await read(systemScope)).toEqual(expect.arrayContaining([theirs.id, ours.id]));
    const asA = await read({ kind: 'organisation', organisationId: organisation.mine });
    expect(asA).toContain(ours.id);
    expect(asA).not.toContain(theirs.id);
    // The catch-up of A's administrator, whose query does not name the organisation either.
    const admin = await principalOfUser(t.container.db, (await findUserByEmail(t.container.db, 'admin@mairie-demo.test'))!.id);
    const caughtUp: string[] = [];
    for await (const page of createEventFeed({ db: t.container.db }).since(admin, whole.from)) caughtUp.push(...page.map((e) => e.organisation_id));
    expect(caughtUp.length).toBeGreaterThan(0);
    expect(new Set(caughtUp)).toEqual(new Set([organisation.mine]));
  });
});
