import type { Selectable } from 'kysely';
import { notFound } from '../../errors.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { loadOrder } from '../orders/index.js';
import type { EletterDeps } from './eletters.js';

/** The sender's proofs (M-4, spec §9): every record of a mailpiece, or one, for whoever may see its order. */
export type EvidenceRow = Selectable<DB['eletter_evidence']> & { envoi: string };

export async function listEvidence(deps: EletterDeps, principal: UserPrincipal, mailpieceId: string): Promise<EvidenceRow[]> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const letter = await tx.selectFrom('eletters').select(['order_id', 'envoi']).where('mailpiece_id', '=', mailpieceId).executeTakeFirst();
    if (!letter) throw notFound('not_found.mailpiece');
    await loadOrder(tx, principal, letter.order_id).catch(() => {
      throw notFound('not_found.mailpiece');
    });
    const rows = await tx.selectFrom('eletter_evidence').selectAll().where('mailpiece_id', '=', mailpieceId).orderBy('seq').execute();
    return rows.map((r) => ({ ...r, envoi: letter.envoi }));
  });
}

export async function getEvidence(deps: EletterDeps, principal: UserPrincipal, id: string): Promise<EvidenceRow> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await tx.selectFrom('eletter_evidence').innerJoin('eletters', 'eletters.mailpiece_id', 'eletter_evidence.mailpiece_id').selectAll('eletter_evidence').select(['eletters.envoi', 'eletters.order_id']).where('eletter_evidence.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('not_found.evidence');
    await loadOrder(tx, principal, row.order_id).catch(() => {
      throw notFound('not_found.evidence');
    });
    const { order_id: _o, ...rest } = row;
    return rest;
  });
}

export function presentEvidence(r: EvidenceRow) {
  return {
    id: r.id,
    mailpiece: r.mailpiece_id,
    envoi: r.envoi,
    seq: r.seq,
    event: r.event,
    at: new Date(r.at).toISOString(),
    sha256: r.record_digest,
    previous: r.previous,
    record: r.record,
    seal: Buffer.from(r.seal).toString('base64'),
    timestamp_token: Buffer.from(r.timestamp_token).toString('base64'),
    journal_seq: Number(r.journal_seq),
    // A DATE column: a string from pg, a Date at UTC midnight from PGlite.
    retain_until: ((d: unknown) => (d instanceof Date ? d.toISOString() : String(d)).slice(0, 10))(r.retain_until),
  };
}
