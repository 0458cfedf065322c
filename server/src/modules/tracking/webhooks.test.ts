import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createClientOrganisation, createTestApp, PAPER_OPTIONS, submitLetterOrder, until, type TestApp } from '../../../test/helpers.js';
import { deliverDue, isPrivateAddress, matches } from './webhooks.js';

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A client's endpoint: records what it receives, answers 204. */
function receiver() {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  return { hits, server };
}

describe('webhook rules', () => {
  it.each([
    [['*'], 'order.accepted', true],
    [['order.*'], 'order.accepted', true],
    [['order.*'], 'mailpiece.printed', false],
    [['mailpiece.printed'], 'mailpiece.printed', true],
    [['mailpiece.printed'], 'mailpiece.inserted', false],
  ] as const)('%j matches %s: %s', (patterns, type, yes) => expect(matches(patterns, type)).toBe(yes));

  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    // The rest of IANA's special-purpose registries.
    ['198.18.0.1', true],
    ['198.19.255.254', true],
    ['192.0.0.8', true],
    ['192.0.2.10', true],
    ['203.0.113.7', true],
    ['255.255.255.255', true],
    ['::', true],
    ['64:ff9b::7f00:1', true],
    ['2002:7f00:1::1', true],
    ['2001::1', true],
    ['2001:db8::1', true],
    ['100::1', true],
    ['fe80::1', true],
    ['ff02::1', true],
    ['93.184.216.34', false],
    ['198.20.0.1', false],
    ['2606:4700:4700::1111', false],
    ['2a01:cb00::1', false],
  ])('%s is private: %s', (ip, yes) => expect(isPrivateAddress(ip)).toBe(yes));
});

describe.each(backends())('webhooks on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let user: string;
  let operator: string;
  let strangerAdmin: string;
  const r = receiver();
  let url: string;
  const auth = (k: string) => ({ authorization: `Bearer ${k}` });

  beforeAll(async () => {
    await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/pli`;
    t = await createTestApp(kind, { workers: true, env: { PLI_WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    admin = await apiKeyFor(t, 'admin@mairie-demo.test');
    user = await apiKeyFor(t, 'user@mairie-demo.test');
    operator = await apiKeyFor(t, 'operator@pli.test');
    await createClientOrganisation(t, 'Commune F', 'f@commune-f.test', 'client_admin');
    strangerAdmin = await apiKeyFor(t, 'f@commune-f.test');
  });
  afterAll(async () => {
    await t.close();
    r.server.close();
  });

  const submitted = () => submitLetterOrder(t, user, { name: 'Webhook', options: { ...PAPER_OPTIONS, sides: 'simplex' } });

  it('refuses addresses that are not https or that carry credentials', async () => {
    for (const bad of ['ftp://example.org/x', 'https://user:pw@example.org/x', 'pas une adresse']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(admin), payload: { url: bad, events: ['*'] } });
      expect(res.statusCode, bad).toBe(400);
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(admin), payload: { url: 'https://example.org/x', events: ['order.unknown'] } })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(user), payload: { url: 'https://example.org/x', events: ['*'] } })).statusCode).toBe(403);
  });

  it('delivers the subscribed events, signed; retries a failed delivery; keeps a log only its organisation reads', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(admin), payload: { url, events: ['order.accepted', 'mailpiece.*'] } });
    expect(created.statusCode, created.body).toBe(201);
    const { id, secret } = created.json();
    expect(secret).toMatch(/^whsec_/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: auth(admin) })).json().data[0]).not.toHaveProperty('secret');

    const orderId = await submitted();
    await t.app.inject({ method: 'POST', url: `/api/v1/production/orders/${orderId}/accept`, headers: auth(operator) });
    const hit = await until('the order.accepted delivery', async () => r.hits.find((h) => h.headers['pli-event-type'] === 'order.accepted' && JSON.parse(h.body).order_id === orderId), 15_000);

    // The signature: HMAC-SHA256 of "t.body" with the secret shown at creation.
    const [, tPart, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(hit.headers['pli-signature']))!;
    expect(createHmac('sha256', secret).update(`${tPart}.${hit.body}`).digest('hex')).toBe(v1);
    expect(JSON.parse(hit.body)).toMatchObject({ type: 'order.accepted', order_id: orderId, order_name: 'Webhook' });
    // order.submitted was not subscribed to.
    expect(r.hits.some((h) => h.headers['pli-event-type'] === 'order.submitted')).toBe(false);

    // The endpoint fails once on the printed event: the log shows it, a retry delivers it.
    const built = (await t.app.inject({ method: 'POST', url: '/api/v1/production/batches/build', headers: auth(operator), payload: { close: true } })).json();
    const batch = built.batches[0];
    await until('print file', async () => (await t.app.inject({ method: 'GET', url: `/api/v1/production/batches/${batch.id}`, headers: auth(operator) })).json().status === 'ready_to_print');
    const mailpiece = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${orderId}`, headers: auth(user) })).json().mailpieces[0].id;
    const printedEvent = () => r.hits.find((h) => h.headers['pli-event-type'] === 'mailpiece.printed' && JSON.parse(h.body).mailpiece_id === mailpiece);
    // From now on the endpoint fails the first printed event it receives (503).
    const originalHits = r.hits.length;
    r.server.removeAllListeners('request');
    let failedOnce = false;
    r.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        r.hits.push({ headers: req.headers, body });
        if (!failedOnce && req.headers['pli-event-type'] === 'mailpiece.printed') {
          failedOnce = true;
          res.writeHead(503).end();
        } else res.writeHead(204).end();
      });
    });
    await t.app.inject({ method: 'POST', url: '/api/v1/production/scan', headers: auth(operator), payload: { code: batch.id, step: 'printed' } });
    const log = await until('a failed attempt in the log', async () => {
      const data = (await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: auth(admin) })).json().data as Array<{ id: string; event_type: string; status: string; attempts: number; last_status_code: number | null }>;
      return data.find((d) => d.event_type === 'mailpiece.printed' && d.attempts === 1 && d.last_status_code === 503);
    }, 15_000);
    expect(log.status).toBe('pending'); // retried later with back-off…
    expect(r.hits.length).toBeGreaterThan(originalHits);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/deliveries/${log.id}/retry`, headers: auth(admin) })).statusCode).toBe(202); // …or now, on request
    await until('the retried delivery', async () => {
      const d = (await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: auth(admin) })).json().data.find((x: { id: string }) => x.id === log.id);
      return d.status === 'delivered' && d.attempts === 2;
    }, 15_000);
    expect(printedEvent()).toBeDefined();

    expect((await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: auth(strangerAdmin) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: auth(user) })).statusCode).toBe(403);

    // Deleted: nothing more is sent.
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, headers: auth(admin) })).statusCode).toBe(204);
    const before = r.hits.length;
    await t.app.inject({ method: 'POST', url: '/api/v1/production/scan', headers: auth(operator), payload: { code: batch.id, step: 'inserted' } });
    await new Promise((ok) => setTimeout(ok, 2500));
    expect(r.hits.length).toBe(before);
  });

  it('never calls a private address when private addresses are not allowed', async () => {
    const created = (await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(admin), payload: { url, events: ['order.accepted'] } })).json();
    // Stop the workers' own sender, then deliver as production would (private addresses refused).
    // (No e-mail either: the queue that would send it is stopped.)
    await t.app.inject({ method: 'PUT', url: '/api/v1/me/notifications', headers: auth(user), payload: { events: [] } });
    await t.container.queue.stop();
    const orderId = await submittedWithoutQueue();
    expect(orderId).toBeDefined();
    const { dispatchEvents } = await import('./webhooks.js');
    const deliveries = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${created.id}/deliveries`, headers: auth(admin) })).json().data as Array<{ last_error: string | null }>;
    // The dispatcher passes an event only once every older transaction has ended (its cursor is
    // (transaction, id)): a worker the stop left finishing holds it back a while, as the periodic
    // dispatcher would wait too (seen in CI; reproduced by holding a transaction open).
    await until('the event to reach the new webhook', async () => {
      await dispatchEvents(t.container.webhooks);
      return (await deliveries()).length > 0;
    });
    const before = r.hits.length;
    // Until nothing is due: deliveries left by the tests before (ten at a time) may come first —
    // on a loaded machine the stopped workers had not sent them all (seen in CI).
    while ((await deliverDue({ ...t.container.webhooks, allowPrivate: false })) > 0);
    expect(r.hits.length).toBe(before);
    expect((await deliveries()).map((d) => d.last_error)).toEqual([expect.stringMatching(/private address/)]);
  });

  /** An accepted order's event, written without the job queue (stopped above). */
  async function submittedWithoutQueue(): Promise<string> {
    const { inScope, systemScope } = await import('../../platform/db/scope.js');
    const order = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('orders').select(['id', 'organisation_id']).where('status', '=', 'completed').executeTakeFirst());
    const any = order ?? (await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('orders').select(['id', 'organisation_id']).executeTakeFirstOrThrow()));
    await inScope(t.container.db, systemScope, (tx) => tx.insertInto('order_events').values({ id: t.container.ids.next('evt'), organisation_id: any.organisation_id, order_id: any.id, type: 'order.accepted', detail: '{}', at: new Date() }).execute());
    return any.id;
  }
});
