import { createHmac, randomBytes } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { sql, type Kysely } from 'kysely';
import { AppError, notFound } from '../../errors.js';
import type { PlainKey } from '../../i18n/index.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { eventsAfterIn } from './event-feed.js';
import { notify } from './notifications.js';
import { presentEvent } from './present.js';
import type { MailService } from '../../platform/mail/outbox.js';

/**
 * Webhooks (api.md): the same events as the live stream, POSTed to a client's endpoint, signed
 * with HMAC-SHA256, retried with back-off, every attempt in a delivery log the client
 * administrator reads. The dispatcher fans each event out once (its position in the event log
 * moves in the transaction that creates the deliveries); deliveries are at least once (a receiver
 * dedupes by the event id in `Pli-Event-Id`).
 */
export interface WebhookDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  secretBox: SecretBox;
  /** http:// and private addresses allowed (development and tests only). */
  allowPrivate: boolean;
  timeoutMs?: number;
  /** E-mail notifications go out through the outbox, from the same dispatcher. */
  mail: MailService;
  publicUrl: string;
}

/** Seconds before attempt n+1 (after n failed attempts); past the last, the delivery has failed. */
export const RETRY_BACKOFF_S = [10, 30, 120, 600, 1800, 7200, 21600];

export const matches = (patterns: readonly string[], type: string) => patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));

export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

// Addresses a webhook may never reach in production: every block of IANA's IPv4 and IPv6
// special-purpose address registries (loopback, private, link-local, CGNAT, benchmarking,
// documentation, translation and tunnelling prefixes that lead back inside, multicast, reserved).
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['192.175.48.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  // ::/96 holds the unspecified and loopback addresses and the deprecated IPv4-compatible ones.
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['3fff::', 20],
  ['5f00::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(ip: string): boolean {
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  return PRIVATE.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

function checkUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('validation_failed', 'webhook.not_url', { errors: [{ field: 'url', message: 'field.not_url' }] });
  }
  const bad = (detail: PlainKey, field: PlainKey) => new AppError('validation_failed', detail, { errors: [{ field: 'url', message: field }] });
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw bad('webhook.must_use_https', 'field.must_use_https');
  if (url.username || url.password) throw bad('webhook.no_credentials', 'field.no_credentials_in_url');
  if (!allowPrivate && isIP(url.hostname.replace(/^\[|\]$/g, '')) && isPrivateAddress(url.hostname.replace(/^\[|\]$/g, ''))) throw bad('webhook.public_address', 'field.public_address');
  return url;
}

export async function createWebhook(deps: WebhookDeps, principal: UserPrincipal, input: { url: string; events: string[] }) {
  const url = checkUrl(input.url, deps.allowPrivate);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const id = deps.ids.next('whk');
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const active = await tx.selectFrom('webhooks').select((eb) => eb.fn.countAll<string>().as('n')).where('organisation_id', '=', principal.organisationId).where('status', '=', 'active').executeTakeFirstOrThrow();
    if (Number(active.n) >= 10) throw new AppError('business_rule', 'webhook.at_most_ten');
    await tx
      .insertInto('webhooks')
      .values({ id, organisation_id: principal.organisationId, url: url.toString(), events: [...new Set(input.events)].sort(), secret_sealed: deps.secretBox.seal(secret), status: 'active', created_by: principal.userId, created_at: deps.clock.now() })
      .execute();
    await recordAudit(tx, deps, { organisationId: principal.organisationId, actorUserId: principal.userId, action: 'webhook.created', subjectId: id, detail: { url: url.toString(), events: input.events } });
    const row = await tx.selectFrom('webhooks').select(['id', 'url', 'events', 'status', 'created_at']).where('id', '=', id).executeTakeFirstOrThrow();
    return { ...row, secret };
  });
}

export async function listWebhooks(deps: WebhookDeps, principal: UserPrincipal) {
  return inScope(deps.db, scopeOf(principal), (tx) =>
    tx.selectFrom('webhooks').select(['id', 'url', 'events', 'status', 'created_at']).where('organisation_id', '=', principal.organisationId).where('status', '=', 'active').orderBy('created_at').execute(),
  );
}

async function ownWebhook(tx: Tx, principal: UserPrincipal, id: string) {
  const row = await tx.selectFrom('webhooks').select(['id', 'status']).where('id', '=', id).where('organisation_id', '=', principal.organisationId).executeTakeFirst();
  if (!row || row.status !== 'active') throw notFound('not_found.webhook');
  return row;
}

export async function deleteWebhook(deps: WebhookDeps, principal: UserPrincipal, id: string): Promise<void> {
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    await ownWebhook(tx, principal, id);
    await tx.updateTable('webhooks').set({ status: 'deleted' }).where('id', '=', id).execute();
    await recordAudit(tx, deps, { organisationId: principal.organisationId, actorUserId: principal.userId, action: 'webhook.deleted', subjectId: id });
  });
}

export async function listDeliveries(deps: WebhookDeps, principal: UserPrincipal, id: string) {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    await ownWebhook(tx, principal, id);
    return tx.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', id).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(100).execute();
  });
}

/** Sends a failed (or pending) delivery again now. */
export async function retryDelivery(deps: WebhookDeps, principal: UserPrincipal, webhookId: string, deliveryId: string): Promise<void> {
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    await ownWebhook(tx, principal, webhookId);
    const d = await tx.selectFrom('webhook_deliveries').select(['id', 'status']).where('id', '=', deliveryId).where('webhook_id', '=', webhookId).executeTakeFirst();
    if (!d) throw notFound('not_found.delivery');
    if (d.status === 'delivered') throw new AppError('conflict', 'webhook.delivered');
  });
  // Deliveries are written by the system only; the check above is the caller's right to ask.
  await inScope(deps.db, systemScope, (tx) => tx.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: deps.clock.now() }).where('id', '=', deliveryId).execute());
}

/**
 * Fans new events out to the matching webhooks and to the e-mail notifications people chose,
 * once each. One dispatcher at a time.
 */
export async function dispatchEvents(deps: WebhookDeps): Promise<number> {
  return inScope(deps.db, systemScope, async (tx) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext('pli.webhooks.dispatch')) AS locked`.execute(tx);
    if (!rows[0]?.locked) return 0;
    const cursor = await tx.selectFrom('webhook_dispatch').select(['tx', 'event_id']).executeTakeFirst();
    if (!cursor) throw new Error('webhook_dispatch has no row (migration 0007 writes it)');
    const events = await eventsAfterIn(tx, { tx: String(cursor.tx), id: cursor.event_id }, 500);
    if (events.length === 0) return 0;
    const hooks = new Map<string, Array<{ id: string; events: string[] }>>();
    const now = deps.clock.now();
    let created = 0;
    for (const e of events) {
      let own = hooks.get(e.organisation_id);
      if (!own) {
        own = await tx.selectFrom('webhooks').select(['id', 'events']).where('organisation_id', '=', e.organisation_id).where('status', '=', 'active').execute();
        hooks.set(e.organisation_id, own);
      }
      await notify(tx, deps, e);
      const rows = own
        .filter((h) => matches(h.events, e.type))
        .map((h) => ({ id: deps.ids.next('dlv'), organisation_id: e.organisation_id, webhook_id: h.id, event_id: e.id, event_type: e.type, payload: JSON.stringify(presentEvent(e)), status: 'pending' as const, next_attempt_at: now, created_at: now }));
      if (rows.length) {
        await tx.insertInto('webhook_deliveries').values(rows).onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing()).execute();
        created += rows.length;
      }
    }
    const last = events[events.length - 1]!;
    await tx.updateTable('webhook_dispatch').set({ tx: last.tx, event_id: last.id }).execute();
    return created;
  });
}

/** Resolves like the system does, but refuses private addresses (checked on the address connected to). */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      const bad = list.find((a) => !allowPrivate && isPrivateAddress(a.address));
      if (bad) return callback(Object.assign(new Error(`${hostname} resolves to a private address (${bad.address})`), { code: 'EPRIVATE' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

function post(url: URL, body: string, headers: Record<string, string>, opts: { allowPrivate: boolean; timeoutMs: number }): Promise<{ status: number }> {
  // An address written as an IP is connected to without a lookup: judge it here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!opts.allowPrivate && isIP(literal) && isPrivateAddress(literal)) return Promise.reject(new Error(`${literal} is a private address`));
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, lookup: guardedLookup(opts.allowPrivate), timeout: opts.timeoutMs }, (res) => {
      res.resume(); // the answer's body is not ours to keep
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends the deliveries that are due. Claimed by a lease, so that a process that dies mid-send hands them on. */
export async function deliverDue(deps: WebhookDeps, limit = 10): Promise<number> {
  const now = deps.clock.now();
  const claimed = await inScope(deps.db, systemScope, async (tx) => {
    const due = await tx.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(limit).forUpdate().skipLocked().execute();
    if (due.length === 0) return [];
    return tx
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: new Date(now.getTime() + 60_000) })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .returning(['id', 'webhook_id', 'event_id', 'event_type', 'payload', 'attempts'])
      .execute();
  });
  await Promise.all(
    claimed.map(async (d) => {
      const hook = await inScope(deps.db, systemScope, (tx) => tx.selectFrom('webhooks').select(['url', 'secret_sealed', 'status']).where('id', '=', d.webhook_id).executeTakeFirstOrThrow());
      const attempts = d.attempts + 1;
      let outcome: { status: 'delivered' | 'pending' | 'failed'; code: number | null; error: string | null };
      if (hook.status !== 'active') {
        outcome = { status: 'failed', code: null, error: 'the webhook was deleted' };
      } else {
        const body = JSON.stringify(d.payload);
        const t = Math.floor(deps.clock.now().getTime() / 1000);
        try {
          const r = await post(
            new URL(hook.url),
            body,
            {
              'content-type': 'application/json',
              'user-agent': 'Pli-Webhooks/1',
              'pli-event-id': d.event_id,
              'pli-event-type': d.event_type,
              'pli-delivery-id': d.id,
              'pli-signature': signature(deps.secretBox.open(hook.secret_sealed), t, body),
            },
            { allowPrivate: deps.allowPrivate, timeoutMs: deps.timeoutMs ?? 10_000 },
          );
          outcome = r.status >= 200 && r.status < 300 ? { status: 'delivered', code: r.status, error: null } : { status: 'pending', code: r.status, error: `answered ${r.status}` };
        } catch (err) {
          outcome = { status: 'pending', code: null, error: (err as Error).message.slice(0, 300) };
        }
        if (outcome.status === 'pending' && attempts > RETRY_BACKOFF_S.length) outcome.status = 'failed';
      }
      const at = deps.clock.now();
      await inScope(deps.db, systemScope, (tx) =>
        tx
          .updateTable('webhook_deliveries')
          .set({
            status: outcome.status,
            attempts,
            last_status_code: outcome.code,
            last_error: outcome.error,
            last_attempt_at: at,
            ...(outcome.status === 'delivered' ? { delivered_at: at } : {}),
            next_attempt_at: outcome.status === 'pending' ? new Date(at.getTime() + RETRY_BACKOFF_S[attempts - 1]! * 1000) : at,
          })
          .where('id', '=', d.id)
          .execute(),
      );
    }),
  );
  return claimed.length;
}

export async function notificationSettings(deps: WebhookDeps, principal: UserPrincipal): Promise<string[]> {
  return inScope(deps.db, scopeOf(principal), async (tx) => [...(await tx.selectFrom('users').select('notify_events').where('id', '=', principal.userId).executeTakeFirstOrThrow()).notify_events].sort());
}

export async function setNotificationSettings(deps: WebhookDeps, principal: UserPrincipal, events: string[]): Promise<string[]> {
  const chosen = [...new Set(events)].sort();
  await inScope(deps.db, scopeOf(principal), (tx) => tx.updateTable('users').set({ notify_events: chosen }).where('id', '=', principal.userId).execute());
  return chosen;
}
