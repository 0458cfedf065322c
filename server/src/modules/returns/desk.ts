import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { addressKey, afterHandover, type MailpieceStatus, type ReturnReason } from '#domain/production/index.js';
import { AppError, message, notFound } from '../../errors.js';
import { inScope, type Tx } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { storeUpload } from '../archive/index.js';
import { markedMailpiece, parseMark } from '../production/index.js';
import type { ReturnsDeps } from './deps.js';
import { archiveReturnScanJob } from './jobs.js';
import { checkScan } from './scan-check.js';

/**
 * The returns desk (M-6.a): what comes back from La Poste is found by its code (the registered
 * number on the envelope or the card, the sheet's mark, a mailpiece id) or by a search, then
 * recorded with its scan — the mailpiece's status by compare-and-set, its event, the return row,
 * the address flagged and the archive job, in one transaction. A second scan of the same
 * envelope, a card for a letter sent without AR, a letter still on the floor: refused, nothing
 * changed.
 */
export interface DeskMailpiece {
  id: string;
  status: MailpieceStatus;
  orderId: string;
  orderName: string;
  organisationId: string;
  organisationName: string;
  createdBy: string;
  recipient: { address: string[]; country: string; name?: string };
  trackingNumber: string | null;
  acknowledgement: boolean;
  depositedAt: Date | null;
  returned: { reason: ReturnReason; receivedAt: Date } | null;
  arReceivedAt: Date | null;
}

const REGISTERED_NUMBER = /^[0-9A-Z]{2}\d{11}$/;

function deskQuery(tx: Tx) {
  return tx
    .selectFrom('mailpieces as m')
    .innerJoin('orders as o', 'o.id', 'm.order_id')
    .innerJoin('organisations as g', 'g.id', 'm.organisation_id')
    .select([
      'm.id',
      'm.status',
      'm.recipient',
      'm.tracking_number',
      'm.order_id',
      'm.organisation_id',
      'o.name as order_name',
      'o.options',
      'o.created_by',
      'g.name as organisation_name',
      (eb) => eb.selectFrom('order_events as e').select((e) => e.fn.min('e.at').as('at')).whereRef('e.mailpiece_id', '=', 'm.id').where('e.type', '=', 'mailpiece.deposited').as('deposited_at'),
      (eb) => eb.selectFrom('mailpiece_returns as r').select('r.reason').whereRef('r.mailpiece_id', '=', 'm.id').where('r.kind', '=', 'returned').as('returned_reason'),
      (eb) => eb.selectFrom('mailpiece_returns as r').select('r.received_at').whereRef('r.mailpiece_id', '=', 'm.id').where('r.kind', '=', 'returned').as('returned_at'),
      (eb) => eb.selectFrom('mailpiece_returns as r').select('r.received_at').whereRef('r.mailpiece_id', '=', 'm.id').where('r.kind', '=', 'ar').as('ar_at'),
    ])
    .where('o.kind', '=', 'paper');
}

type DeskRow = Awaited<ReturnType<ReturnType<typeof deskQuery>['executeTakeFirstOrThrow']>>;

function toDesk(r: DeskRow): DeskMailpiece {
  return {
    id: r.id,
    status: r.status as MailpieceStatus,
    orderId: r.order_id,
    orderName: r.order_name,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    createdBy: r.created_by,
    recipient: r.recipient,
    trackingNumber: r.tracking_number,
    acknowledgement: (r.options as { acknowledgement?: boolean }).acknowledgement === true,
    depositedAt: r.deposited_at ? new Date(r.deposited_at as unknown as string) : null,
    returned: r.returned_reason && r.returned_at ? { reason: r.returned_reason as ReturnReason, receivedAt: new Date(r.returned_at as unknown as string) } : null,
    arReceivedAt: r.ar_at ? new Date(r.ar_at as unknown as string) : null,
  };
}

/** The mailpiece a scanned code names (422 when it is no Pli code, 404 when none has it). */
async function mailpieceIdOf(tx: Tx, raw: string): Promise<string> {
  const code = raw.trim();
  if (/^mp_[0-9a-z]{26}$/.test(code)) return code;
  const compact = code.replace(/\s+/g, '').toUpperCase();
  if (REGISTERED_NUMBER.test(compact)) {
    const m = await tx.selectFrom('mailpieces').select('id').where('tracking_number', '=', compact).executeTakeFirst();
    if (!m) throw notFound(message('returns.unknown_number', { number: compact }));
    return m.id;
  }
  const mark = parseMark(code);
  if (mark) return markedMailpiece(tx, mark);
  throw new AppError('validation_failed', message('returns.unknown_code', { code: code.slice(0, 60) }), { errors: [{ field: 'code', message: 'field.not_pli_code' }] });
}

/** Several mailpieces as the desk shows them (the watchdog's list). */
export async function deskMailpieces(tx: Tx, ids: readonly string[]): Promise<DeskMailpiece[]> {
  if (ids.length === 0) return [];
  return (await deskQuery(tx).where('m.id', 'in', ids).execute()).map(toDesk);
}

async function loadDesk(tx: Tx, id: string): Promise<DeskMailpiece> {
  const row = await deskQuery(tx).where('m.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('not_found.mailpiece');
  return toDesk(row);
}

export async function lookUpReturn(deps: Pick<ReturnsDeps, 'db'>, principal: UserPrincipal, code: string): Promise<DeskMailpiece> {
  return inScope(deps.db, scopeOf(principal), async (tx) => loadDesk(tx, await mailpieceIdOf(tx, code)));
}

/** When the code cannot be read: deposited letters by recipient, registered number or order name. */
export async function searchReturns(deps: Pick<ReturnsDeps, 'db'>, principal: UserPrincipal, q: string): Promise<DeskMailpiece[]> {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const rows = await deskQuery(tx)
      .where('m.status', 'in', ['deposited', 'delivered', 'returned', 'ar_received'])
      .where((eb) => eb.or([eb('m.tracking_number', 'ilike', like), eb(sql`m.recipient->>'address'`, 'ilike', like), eb('o.name', 'ilike', like), eb('g.name', 'ilike', like)]))
      .orderBy('m.updated_at', 'desc')
      .limit(20)
      .execute();
    return rows.map(toDesk);
  });
}

export interface RecordReturnInput {
  mailpieceId: string;
  kind: 'returned' | 'ar';
  reason: ReturnReason | null;
  scan: { stream: Readable; filename: string };
}

function refusal(mp: DeskMailpiece, verdict: Exclude<ReturnType<typeof afterHandover>, { ok: true }>, kind: 'returned' | 'ar'): AppError {
  const what = mp.trackingNumber ?? mp.id;
  if (verdict.reason === 'not_deposited') return new AppError('conflict', message('returns.not_deposited', { what, status: message(`step.${mp.status as 'pending'}`) }));
  if (verdict.reason === 'repeated') return new AppError('conflict', message(kind === 'returned' ? 'returns.already_returned' : 'returns.already_ar', { what }));
  return new AppError('conflict', message(verdict.status === 'returned' ? 'returns.closed_returned' : 'returns.closed_ar', { what }));
}

/** Records a returned letter or an AR card with its scan. The scan is stored first (streamed). */
export async function recordReturn(deps: ReturnsDeps, principal: UserPrincipal, input: RecordReturnInput): Promise<string> {
  if (input.kind === 'returned' && !input.reason) throw new AppError('validation_failed', 'returns.reason_required', { errors: [{ field: 'reason', message: 'field.required' }] });
  // Refused before the upload is read, when the answer does not depend on it.
  await inScope(deps.db, scopeOf(principal), async (tx) => check(await loadDesk(tx, input.mailpieceId), input.kind));
  // A refusal below leaves the stored object to the storage sweeper (no row references it).
  const upload = await storeUpload({ storage: deps.storage, maxBytes: deps.maxScanBytes }, input.scan.stream);
  await checkScan(await deps.storage.getBuffer(upload.sha256), upload.contentType);
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const mp = await loadDesk(tx, input.mailpieceId);
    check(mp, input.kind);
    const now = deps.clock.now();
    const to = input.kind === 'returned' ? 'returned' : 'ar_received';
    const moved = await tx.updateTable('mailpieces').set({ status: to, updated_at: now }).where('id', '=', mp.id).where('status', '=', mp.status).executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw new AppError('conflict', message('returns.by_someone_else', { what: mp.trackingNumber ?? mp.id }));
    const id = deps.ids.next('ret');
    const filename = (input.scan.filename || 'scan').replace(/[\u0000-\u001f\u007f/\\]+/g, '_').slice(0, 200); // eslint-disable-line no-control-regex
    await tx
      .insertInto('mailpiece_returns')
      .values({
        id,
        organisation_id: mp.organisationId,
        order_id: mp.orderId,
        mailpiece_id: mp.id,
        kind: input.kind,
        reason: input.kind === 'returned' ? input.reason : null,
        scan_sha256: upload.sha256,
        scan_content_type: upload.contentType,
        scan_size_bytes: upload.sizeBytes,
        scan_filename: filename,
        recorded_by: principal.userId,
        received_at: now,
      })
      .execute();
    const detail = { return: id, ...(input.kind === 'returned' ? { reason: input.reason } : {}), recipient: mp.recipient.address[0] ?? '', ...(mp.trackingNumber ? { tracking_number: mp.trackingNumber } : {}) };
    await tx.insertInto('order_events').values({ id: deps.ids.next('evt'), organisation_id: mp.organisationId, order_id: mp.orderId, mailpiece_id: mp.id, type: `mailpiece.${to}`, detail: JSON.stringify(detail), actor_user_id: principal.userId, at: now }).execute();
    // The news the watchdog was waiting for has come.
    await tx.updateTable('chase_flags').set({ resolved_at: now }).where('mailpiece_id', '=', mp.id).where('resolved_at', 'is', null).execute();
    if (input.kind === 'returned') {
      // Back with the sender: La Poste has nothing more to say about it.
      await tx.updateTable('postal_tracking').set({ next_poll_at: null }).where('mailpiece_id', '=', mp.id).execute();
      await flagAddress(tx, deps, mp, input.reason!, now);
    }
    await deps.queue.enqueue(tx, archiveReturnScanJob, { return_id: id });
    return id;
  });
}

function check(mp: DeskMailpiece, kind: 'returned' | 'ar'): void {
  if (kind === 'ar' && !mp.acknowledgement) throw new AppError('conflict', message('returns.no_ar', { what: mp.trackingNumber ?? mp.id }));
  const verdict = afterHandover(mp.status, kind === 'returned' ? 'returned' : 'ar_received');
  if (!verdict.ok) throw refusal(mp, verdict, kind);
}

/** The address goes into the organisation's address book: the next order to it warns. */
async function flagAddress(tx: Tx, deps: Pick<ReturnsDeps, 'ids'>, mp: DeskMailpiece, reason: ReturnReason, now: Date): Promise<void> {
  const lines = mp.recipient.address;
  await tx
    .insertInto('address_flags')
    .values({ id: deps.ids.next('adf'), organisation_id: mp.organisationId, address_key: addressKey(lines, mp.recipient.country), address: JSON.stringify({ lines, country: mp.recipient.country }), reason, mailpiece_id: mp.id, flagged_at: now })
    .onConflict((oc) => oc.columns(['organisation_id', 'address_key']).where('cleared_at', 'is', null).doNothing())
    .execute();
}
