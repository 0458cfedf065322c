import type { Kysely } from 'kysely';
import { notFound } from '../../errors.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope } from '../../platform/db/scope.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';

/** Every e-mail Pli sent (or is sending), newest first: the demo's mailbox and the provider's log. */
export async function listOutbox(deps: { db: Kysely<DB> }, principal: UserPrincipal, page: { limit: number; cursor?: string | undefined; to?: string | undefined }) {
  const after = decodeCursor(page.cursor);
  return inScope(deps.db, scopeOf(principal), (tx) => {
    let q = tx
      .selectFrom('outbox_messages')
      .select(['id', 'to_address', 'subject', 'template', 'status', 'transport', 'created_at', 'sent_at'])
      .orderBy('id', 'desc')
      .limit(page.limit + 1);
    if (after) q = q.where('id', '<', after);
    if (page.to) q = q.where('to_address', '=', page.to.toLowerCase());
    return q.execute();
  });
}

export async function getOutboxMessage(deps: { db: Kysely<DB> }, principal: UserPrincipal, id: string) {
  const row = await inScope(deps.db, scopeOf(principal), (tx) =>
    tx.selectFrom('outbox_messages').select(['id', 'to_address', 'subject', 'template', 'status', 'transport', 'created_at', 'sent_at', 'text_body']).where('id', '=', id).executeTakeFirst(),
  );
  if (!row) throw notFound('not_found.message');
  return row;
}
