import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock/clock.js';
import { randomSecret } from '../crypto/secrets.js';
import type { DB } from '../db/schema.js';
import { inScope, type Tx, type Within } from '../db/scope.js';
import { AppError } from '../../errors.js';
import { scopeOf, type Principal } from './principal.js';

/**
 * `Idempotency-Key` for any write that creates or submits (api.md): the same key and body within
 * 24 h return the first response and create nothing new. A route opts in with
 * `config: { idempotent: true }`. Keys belong to the caller: another user's key never collides.
 *
 * Exactly once, Stripe's way: a request first claims the key in a transaction of its own
 * (INSERT … ON CONFLICT DO NOTHING: one claimant, the others are told it is in progress or get
 * the recorded answer), then records its answer inside the work's own transaction
 * (`respond(…).within`), so a process that dies after the work committed leaves the answer
 * behind for the retry to replay. Only the claim's holder records (compare-and-set on its token):
 * a claim taken over after it was abandoned makes the slow original roll its work back.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * true: the key is claimed before the handler, over the JSON body. 'upload': a multipart
     * route streams its file first, then claims over what it received (`claimIdempotency`).
     */
    idempotent?: boolean | 'upload';
  }
  interface FastifyRequest {
    idempotencyClaim: Claim | null;
    /**
     * For `idempotent: 'upload'` routes, once the upload is stored: claims the request's key over
     * `hash` (the file's SHA-256 and the fields). True when the first answer was replayed — the
     * handler then returns the reply as it is.
     */
    claimIdempotency(reply: FastifyReply, hash: string): Promise<boolean>;
  }
}

interface Claim {
  key: string;
  token: string;
  /** The answer was recorded with the work: nothing left to do when it is sent. */
  settled: boolean;
}

const KEEP_MS = 24 * 3600_000;
/** A claim whose request never finished (process died) stops blocking retries after this. */
const ABANDONED_MS = 5 * 60_000;

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url ?? request.url}\n`)
    .update(JSON.stringify(request.params ?? {}))
    .update('\n')
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

const inProgress = (): AppError =>
  new AppError('idempotency_in_progress', 'http.idempotency_in_progress');

/** The caller's row for this key (its primary key), for every statement about it. */
const ownKey = (principal: Principal, key: string) => ({ organisation_id: principal.organisationId, principal_id: principal.userId, key });

function keyRow(tx: Tx, principal: Principal, key: string) {
  return tx.updateTable('idempotency_keys').where((eb) => eb.and(ownKey(principal, key)));
}

/** The text a route's serializer makes of `body` for the reply's status, as it will be sent. */
function serialized(reply: FastifyReply, body: unknown): string {
  const text = reply.serialize(body);
  return typeof text === 'string' ? text : JSON.stringify(body);
}

/** What the key's row keeps of an answer (jsonb: a non-JSON body is kept as a JSON string). */
function storable(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

export function registerIdempotency(app: FastifyInstance, deps: { db: Kysely<DB>; clock: Clock }): void {
  app.decorateRequest('idempotencyClaim', null);

  /** The key of the request, checked; undefined when it carries none (or nobody is signed in). */
  const keyOf = (request: FastifyRequest): string | undefined => {
    const raw = request.headers['idempotency-key'];
    if (raw === undefined || request.principal === null) return undefined;
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key || key.length > 255) {
      throw new AppError('validation_failed', 'http.idempotency_key_length', {
        errors: [{ field: 'Idempotency-Key', message: 'field.idempotency_key_length' }],
      });
    }
    return key;
  };

  /** Claims `key` over `hash`, or replays the answer recorded for it: true when replayed. */
  const claim = async (request: FastifyRequest, reply: FastifyReply, key: string, hash: string): Promise<boolean> => {
    const principal = request.principal!;
    const now = deps.clock.now();
    const token = randomSecret(16);
    const replay = await inScope(deps.db, scopeOf(principal), async (tx) => {
      const claimed = await tx
        .insertInto('idempotency_keys')
        .values({ ...ownKey(principal, key), request_hash: hash, claim_token: token, created_at: now })
        .onConflict((oc) => oc.columns(['organisation_id', 'principal_id', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (claimed) return null;
      const existing = await tx
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'status_code', 'response_body', 'claim_token', 'created_at'])
        .where((eb) => eb.and(ownKey(principal, key)))
        .executeTakeFirstOrThrow();
      const age = now.getTime() - new Date(existing.created_at).getTime();
      if (age < KEEP_MS) {
        if (existing.request_hash !== hash) {
          throw new AppError('idempotency_key_reused', 'http.idempotency_key_reused');
        }
        if (existing.status_code !== null) return { status: existing.status_code, body: existing.response_body };
        if (age < ABANDONED_MS) throw inProgress();
      }
      // Expired, or abandoned by a request that never answered: take it over, if nobody else did.
      const taken = await keyRow(tx, principal, key)
        .where('claim_token', '=', existing.claim_token)
        .set({ request_hash: hash, claim_token: token, status_code: null, response_body: null, created_at: now })
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) throw inProgress();
      return null;
    });
    if (replay) {
      reply.header('idempotent-replayed', 'true');
      reply.code(replay.status).send(replay.body);
      return true;
    }
    request.idempotencyClaim = { key, token, settled: false };
    return false;
  };

  app.decorateRequest('claimIdempotency', function (this: FastifyRequest, reply: FastifyReply, hash: string) {
    const key = this.routeOptions.config?.idempotent === 'upload' ? keyOf(this) : undefined;
    return key === undefined ? Promise.resolve(false) : claim(this, reply, key, hash);
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config?.idempotent !== true) return;
    const key = keyOf(request);
    if (key === undefined) return;
    if (await claim(request, reply, key, requestHash(request))) return reply;
    return undefined;
  });

  // Answers not recorded with the work (refusals: the work rolled back) are recorded here.
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim || claim.settled || !request.principal) return payload;
    request.idempotencyClaim = null;
    const principal = request.principal;
    await inScope(deps.db, scopeOf(principal), async (tx) => {
      const mine = keyRow(tx, principal, claim.key).where('claim_token', '=', claim.token);
      if (reply.statusCode >= 500) {
        // Nothing was created: free the key so the client's retry runs for real.
        await tx.deleteFrom('idempotency_keys').where((eb) => eb.and({ ...ownKey(principal, claim.key), claim_token: claim.token })).execute();
        return;
      }
      const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
      await mine.set({ status_code: reply.statusCode, response_body: text === null ? null : storable(text) }).execute();
    });
    return payload;
  });
}

/**
 * A route's answer to a write: `within` goes to the use case, which runs it in its transaction
 * to record the answer for the request's Idempotency-Key (if any) with the work; `send` then sends
 * the same bytes.
 */
export function respond<T>(request: FastifyRequest, reply: FastifyReply, status: number, present: (result: T) => unknown): { within: Within<T> | undefined; send: (result: T) => FastifyReply } {
  reply.code(status);
  const claim = request.idempotencyClaim;
  const principal = request.principal;
  let text: string | null = null;
  const within: Within<T> | undefined =
    claim && principal
      ? async (tx, result) => {
          text = serialized(reply, present(result));
          const recorded = await keyRow(tx, principal, claim.key)
            .where('claim_token', '=', claim.token)
            .where('status_code', 'is', null)
            .set({ status_code: status, response_body: storable(text) })
            .executeTakeFirst();
          // Another request took the key over while this one ran: its work must not commit too.
          if (Number(recorded.numUpdatedRows) !== 1) throw inProgress();
        }
      : undefined;
  return {
    within,
    send: (result) => {
      if (text === null) return reply.send(present(result));
      // Reached only once the work (and its answer) committed.
      claim!.settled = true;
      return reply.type('application/json; charset=utf-8').send(text);
    },
  };
}
