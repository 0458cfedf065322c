import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock/clock.js';
import type { DB } from '../db/schema.js';
import { inScope } from '../db/scope.js';
import { AppError } from '../../errors.js';
import { scopeOf } from './principal.js';

/**
 * `Idempotency-Key` for any write that creates or submits (api.md): the same key and body within
 * 24 h return the first response and create nothing new. A route opts in with
 * `config: { idempotent: true }`. Keys belong to the caller: another user's key never collides.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotencyClaim: { key: string } | null;
  }
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

export function registerIdempotency(app: FastifyInstance, deps: { db: Kysely<DB>; clock: Clock }): void {
  app.decorateRequest('idempotencyClaim', null);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.config?.idempotent) return;
    const raw = request.headers['idempotency-key'];
    if (raw === undefined || request.principal === null) return;
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key || key.length > 255) {
      throw new AppError('validation_failed', 'The Idempotency-Key header must be 1 to 255 characters.', {
        errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters' }],
      });
    }
    const principal = request.principal;
    const hash = requestHash(request);
    const now = deps.clock.now();
    const replay = await inScope(deps.db, scopeOf(principal), async (tx) => {
      const existing = await tx
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('organisation_id', '=', principal.organisationId)
        .where('principal_id', '=', principal.userId)
        .where('key', '=', key)
        .forUpdate()
        .executeTakeFirst();
      const age = existing ? now.getTime() - new Date(existing.created_at).getTime() : Infinity;
      if (existing && age < KEEP_MS) {
        if (existing.request_hash !== hash) {
          throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request. Use a new key for a new request.');
        }
        if (existing.status_code !== null) return { status: existing.status_code, body: existing.response_body };
        if (age < ABANDONED_MS) {
          throw new AppError('idempotency_in_progress', 'The first request with this Idempotency-Key is still being processed; retry in a moment.');
        }
      }
      await tx
        .insertInto('idempotency_keys')
        .values({ organisation_id: principal.organisationId, principal_id: principal.userId, key, request_hash: hash, created_at: now })
        .onConflict((oc) =>
          oc.columns(['organisation_id', 'principal_id', 'key']).doUpdateSet({ request_hash: hash, status_code: null, response_body: null, created_at: now }),
        )
        .execute();
      return null;
    });
    if (replay) {
      reply.header('idempotent-replayed', 'true');
      return reply.code(replay.status).send(replay.body);
    }
    request.idempotencyClaim = { key };
    return undefined;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim || !request.principal) return payload;
    request.idempotencyClaim = null;
    const principal = request.principal;
    await inScope(deps.db, scopeOf(principal), async (tx) => {
      const where = tx
        .updateTable('idempotency_keys')
        .where('organisation_id', '=', principal.organisationId)
        .where('principal_id', '=', principal.userId)
        .where('key', '=', claim.key);
      if (reply.statusCode >= 500) {
        // Nothing was created: free the key so the client's retry runs for real.
        await tx.deleteFrom('idempotency_keys').where('organisation_id', '=', principal.organisationId).where('principal_id', '=', principal.userId).where('key', '=', claim.key).execute();
        return;
      }
      const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
      let body: string | null = null;
      if (text !== null) {
        try {
          JSON.parse(text);
          body = text;
        } catch {
          body = JSON.stringify(text);
        }
      }
      await where.set({ status_code: reply.statusCode, response_body: body }).execute();
    });
    return payload;
  });
}
