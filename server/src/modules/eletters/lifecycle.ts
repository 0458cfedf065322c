import { EVIDENCE_EVENTS, nextEletterStatus, type EletterAction, type EletterStatus, type EvidenceEvent } from '#domain/eletters/eletter.js';
import type { JsonValue } from '#domain/trust/canonical-json.js';
import { addDays, parisDay } from '#domain/time/paris.js';
import { AppError } from '../../errors.js';
import type { Tx } from '../../platform/db/scope.js';
import { sealEvidence, type SealedEvidence } from '../../platform/trust/evidence.js';
import { appendToJournal } from '../../platform/trust/journal.js';
import { textPages } from '../../platform/pdf/text-pages.js';
import { changeOrderStatus, createFollowUpOrder } from '../orders/index.js';
import { isFinal, type EletterDeps, type EletterRow } from './eletters.js';

/**
 * An e-letter's life: its status moves through the domain's transition table by compare-and-set
 * on its mailpiece, with the order's event, and each step leaves its evidence record — sealed,
 * time-stamped, chained to the envoi's previous one, journaled — in the same transaction.
 */

/** Evidence is kept a year at least, and as long as the letter's archive when it has one. */
function retainUntil(at: Date, archiveYears: number | null): string {
  const day = parisDay(at);
  const years = Math.max(1, archiveYears ?? 1);
  return `${Number(day.slice(0, 4)) + years}${day.slice(4)}`;
}

interface LetterContext {
  organisationName: string;
  content: Array<{ name: string; sha256: string }>;
  archiveYears: number | null;
  documents: string[];
  orderName: string;
  createdBy: string;
  fallback: { paper_options: { color: 'bw' | 'color'; sides: 'simplex' | 'duplex'; envelope: 'C4' | 'C5' | 'C5/6'; mail_class: 'priority' | 'non_priority' | 'registered' } } | null;
}

/** What every record of an order's letters shares: the sender, the content's hashes. */
export type { LetterContext };

export async function letterContext(tx: Tx, orderId: string): Promise<LetterContext> {
  const order = await tx.selectFrom('orders').select(['organisation_id', 'documents', 'options', 'name', 'created_by', 'fallback']).where('id', '=', orderId).executeTakeFirstOrThrow();
  const org = await tx.selectFrom('organisations').select('name').where('id', '=', order.organisation_id).executeTakeFirstOrThrow();
  const docs = await tx.selectFrom('documents').select(['id', 'filename', 'sha256']).where('id', 'in', order.documents).execute();
  const archive = (order.options as { archive?: { type: string; retention_years?: number } }).archive;
  return {
    organisationName: org.name,
    content: order.documents.map((id) => {
      const d = docs.find((x) => x.id === id)!;
      return { name: d.filename, sha256: d.sha256! };
    }),
    archiveYears: archive?.type === 'electronic' ? (archive.retention_years ?? null) : null,
    documents: order.documents,
    orderName: order.name,
    createdBy: order.created_by,
    fallback: order.fallback as LetterContext['fallback'],
  };
}

type EvidenceLetter = Pick<EletterRow, 'mailpiece_id' | 'organisation_id' | 'envoi' | 'recipient_name' | 'recipient_email' | 'evidence_head' | 'evidence_count'>;

/** The envoi's next record, sealed and time-stamped: the CPU's part, before any lock is taken. */
export function sealNext(deps: Pick<EletterDeps, 'seal'>, letter: EvidenceLetter, ctx: LetterContext, event: EvidenceEvent, at: Date, details: { [key: string]: JsonValue }): Promise<SealedEvidence> {
  return sealEvidence(deps.seal, {
    event: EVIDENCE_EVENTS[event],
    envoi: letter.envoi,
    at,
    sender: { organisation_id: letter.organisation_id, name: ctx.organisationName },
    recipient: { name: letter.recipient_name, email: letter.recipient_email },
    content: ctx.content,
    previous: letter.evidence_head,
    details,
  });
}

/**
 * Records a sealed record as the envoi's next: journaled (the journal's head is locked from here
 * to the commit — seal first, record last), stored, the letter's chain head moved by
 * compare-and-set; a concurrent append for the same envoi loses (unique seq).
 */
export async function recordEvidence(tx: Tx, deps: Pick<EletterDeps, 'ids' | 'clock'>, letter: EvidenceLetter, ctx: LetterContext, event: EvidenceEvent, at: Date, sealed: SealedEvidence): Promise<{ sha256: string }> {
  const seq = letter.evidence_count + 1;
  const journaled = await appendToJournal(tx, deps.clock, {
    kind: 'eletter.evidence',
    organisationId: letter.organisation_id,
    subject: letter.mailpiece_id,
    data: { envoi: letter.envoi, seq, event: EVIDENCE_EVENTS[event], sha256: sealed.sha256 },
  });
  await tx
    .insertInto('eletter_evidence')
    .values({
      id: deps.ids.next('evd'),
      organisation_id: letter.organisation_id,
      mailpiece_id: letter.mailpiece_id,
      seq,
      event: EVIDENCE_EVENTS[event],
      at,
      record: sealed.record,
      record_digest: sealed.sha256,
      previous: letter.evidence_head,
      seal: sealed.seal,
      timestamp_token: sealed.timestampToken,
      journal_seq: journaled.seq,
      retain_until: retainUntil(at, ctx.archiveYears),
    })
    .execute();
  const moved = await tx
    .updateTable('eletters')
    .set({ evidence_head: sealed.sha256, evidence_count: seq })
    .where('mailpiece_id', '=', letter.mailpiece_id)
    .where('evidence_count', '=', letter.evidence_count)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new AppError('conflict', 'eletter.changed_meanwhile');
  // The caller's copy follows the chain (several records in one transaction).
  Object.assign(letter, { evidence_head: sealed.sha256, evidence_count: seq });
  return { sha256: sealed.sha256 };
}

/** Seals, then records, the envoi's next evidence record. */
export async function appendEvidence(
  tx: Tx,
  deps: Pick<EletterDeps, 'seal' | 'ids' | 'clock'>,
  letter: EvidenceLetter,
  ctx: LetterContext,
  event: EvidenceEvent,
  at: Date,
  details: { [key: string]: JsonValue },
): Promise<{ sha256: string }> {
  return recordEvidence(tx, deps, letter, ctx, event, at, await sealNext(deps, letter, ctx, event, at, details));
}

/**
 * Compare-and-set of an e-letter's status (its mailpiece's), with the order's event. Throws a
 * conflict when the letter is no longer where the caller read it (another decision won).
 */
export async function changeEletterStatus(
  tx: Tx,
  deps: Pick<EletterDeps, 'ids' | 'clock'>,
  letter: EletterRow,
  current: EletterStatus,
  action: EletterAction,
  set: Partial<{ notified_at: Date; deadline_at: Date | null; next_reminder_at: Date | null; decided_at: Date; identity: string; code_hash: string | null }>,
  detail: Record<string, unknown> = {},
): Promise<EletterStatus> {
  const to = nextEletterStatus(letter.kind, current, action);
  if (to === null) throw new AppError('conflict', 'eletter.changed_meanwhile');
  const now = deps.clock.now();
  const moved = await tx.updateTable('mailpieces').set({ status: to, updated_at: now }).where('id', '=', letter.mailpiece_id).where('status', '=', current).executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new AppError('conflict', 'eletter.changed_meanwhile');
  await tx.updateTable('eletters').set({ ...set, updated_at: now }).where('mailpiece_id', '=', letter.mailpiece_id).execute();
  await tx
    .insertInto('order_events')
    .values({ id: deps.ids.next('evt'), organisation_id: letter.organisation_id, order_id: letter.order_id, mailpiece_id: letter.mailpiece_id, type: `mailpiece.${to}`, detail: JSON.stringify({ envoi: letter.envoi, ...detail }), actor_user_id: null, at: now })
    .execute();
  if (isFinal(to, hasFallback(letter))) await completeWhenAllFinal(tx, deps, letter.order_id);
  return to;
}

/** A letter that goes on paper when it expires: every registered one, a simple one with the sender's delay. */
const hasFallback = (letter: Pick<EletterRow, 'kind' | 'fallback_after_days'>) => letter.kind === 'registered' || letter.fallback_after_days !== null;

/**
 * The order is completed once each of its letters has reached its end: read, decided, expired
 * without a fallback, or handed to paper (the paper letter then follows its own order).
 */
async function completeWhenAllFinal(tx: Tx, deps: Pick<EletterDeps, 'ids' | 'clock'>, orderId: string): Promise<void> {
  const open = await tx
    .selectFrom('mailpieces')
    .innerJoin('eletters', 'eletters.mailpiece_id', 'mailpieces.id')
    .select('mailpieces.id')
    .where('mailpieces.order_id', '=', orderId)
    .where((eb) => eb.or([eb('mailpieces.status', 'in', ['pending', 'notified']), eb.and([eb('mailpieces.status', '=', 'expired'), eb.or([eb('eletters.kind', '=', 'registered'), eb('eletters.fallback_after_days', 'is not', null)])])]))
    .limit(1)
    .executeTakeFirst();
  if (open) return;
  const order = await tx.selectFrom('orders').select(['id', 'organisation_id', 'status']).where('id', '=', orderId).forUpdate().executeTakeFirstOrThrow();
  if (order.status === 'in_production') await changeOrderStatus(tx, deps, null, order, 'complete', { detail: { automatic: true } });
}

/** The letter's status, read with its mailpiece locked. */
export async function lockedStatus(tx: Tx, mailpieceId: string): Promise<EletterStatus> {
  const mp = await tx.selectFrom('mailpieces').select('status').where('id', '=', mailpieceId).forUpdate().executeTakeFirstOrThrow();
  return mp.status as EletterStatus;
}

const DEFAULT_REGISTERED_PAPER = { color: 'bw', sides: 'simplex', envelope: 'C5/6', mail_class: 'registered' } as const;

/** Words to lines of at most `width` characters (Helvetica 10 pt across 170 mm holds about 95). */
function wrap(text: string, width = 95): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The cover page of a paper fallback (M-4.4): what the reader holds and how to check it. */
async function coverPage(letter: EletterRow, ctx: LetterContext, at: Date): Promise<Buffer> {
  const page = await textPages({ marginMm: 20 });
  const para = (text: string, opts: { bold?: boolean; size?: number } = {}) => {
    for (const l of wrap(text)) {
      page.text(l, 20, opts);
      page.next(5);
    }
    page.next(3);
  };
  para('Impression d’un courrier électronique scellé', { bold: true, size: 14 });
  para('Printed rendering of a sealed electronic letter', { bold: true, size: 12 });
  para(`Numéro d’envoi / Envoi number: ${letter.envoi}`);
  para(`Destinataire / Recipient: ${letter.recipient_name}`);
  para(`Expéditeur / Sender: ${ctx.organisationName}`);
  para(`Imprimé le / Printed on: ${parisDay(at)}`);
  para(
    letter.kind === 'registered'
      ? 'Ce courrier recommandé électronique n’a pas été réclamé dans le délai légal : il vous parvient par lettre recommandée. This registered electronic letter was not claimed within the legal window: it reaches you as registered mail.'
      : 'Ce courrier électronique n’a pas été ouvert dans le délai fixé par l’expéditeur : il vous parvient par la poste. This electronic letter was not opened within the sender’s delay: it reaches you by post.',
  );
  para('Les pages suivantes impriment l’original électronique scellé, dont voici les empreintes SHA-256. The following pages print the sealed electronic original, whose SHA-256 fingerprints are:');
  for (const c of ctx.content) para(`${c.name}: ${c.sha256}`);
  return Buffer.from(await page.doc.save());
}

/**
 * The paper fallback (M-4.4), in the caller's transaction: the cover page, a paper order for the
 * recipient's postal address (registered paper mail for a registered letter), submitted at once
 * to production; the letter moves to fallback_paper with its RelayToNonERDS evidence.
 */
export async function fallBackToPaper(tx: Tx, deps: EletterDeps, letter: EletterRow, ctx: LetterContext): Promise<{ orderId: string; mailpieceId: string }> {
  const now = deps.clock.now();
  const cover = await coverPage(letter, ctx, now);
  const stored = await deps.storage.put(cover);
  const coverId = deps.ids.next('doc');
  await tx
    .insertInto('documents')
    .values({ id: coverId, organisation_id: letter.organisation_id, created_by: ctx.createdBy, filename: `couverture-${letter.envoi}.pdf`, status: 'ready', sha256: stored.sha256, size_bytes: cover.length, source_kind: 'pdf', pages: 1, created_at: now, ready_at: now })
    .execute();
  const mp = await tx.selectFrom('mailpieces').select(['recipient']).where('id', '=', letter.mailpiece_id).executeTakeFirstOrThrow();
  const paper = ctx.fallback?.paper_options ?? DEFAULT_REGISTERED_PAPER;
  const registered = letter.kind === 'registered' || paper.mail_class === 'registered';
  const created = await createFollowUpOrder(tx, deps.orders, {
    organisationId: letter.organisation_id,
    createdBy: ctx.createdBy,
    actorUserId: null,
    name: `${ctx.orderName} — ${letter.envoi}`,
    documents: [coverId, ...ctx.documents],
    options: {
      color: paper.color,
      sides: paper.sides,
      envelope: paper.envelope,
      background: null,
      mail_class: registered ? 'registered' : paper.mail_class,
      ...(registered ? { registered_level: 'R1' as const } : {}),
      archive: { type: 'none' },
    },
    recipient: { address: mp.recipient.address, country: mp.recipient.country },
    link: { fallbackOf: letter.mailpiece_id },
  });
  await changeEletterStatus(tx, deps, letter, 'expired', 'fall_back', {}, { paper_order: created.orderId, paper_mailpiece: created.mailpieceId });
  await appendEvidence(tx, deps, letter, ctx, 'paper_fallback', now, { paper_order: created.orderId, paper_mailpiece: created.mailpieceId, cover_sha256: stored.sha256 });
  return created;
}

/** The day `n` days after a Paris day (for texts: "until 22 December"). */
export const dayAfter = (at: Date, n: number) => addDays(parisDay(at), n);
