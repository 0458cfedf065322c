import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createClientOrganisation, createTestApp, PAPER_OPTIONS, submitLetterOrder, until, type TestApp } from '../../../test/helpers.js';

interface Received {
  id: string;
  event: string;
  data: { type: string; order_id: string; mailpiece_id: string | null; order_name: string };
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
