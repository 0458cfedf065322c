import { sql } from 'kysely';
import { frankingCents, MAILPIECE_TRANSITIONS, orderRollup, scanBatch, scanMailpiece, type FloorStep, type MailpieceStatus } from '#domain/production/index.js';
import { AppError, message, notFound } from '../../errors.js';
import type { Message } from '../../i18n/index.js';
import { inScope, type Tx } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { changeOrderStatus } from '../orders/index.js';
import { attributesOf, loadStoredPdf, printLettersOf } from './batches.js';
import type { ProductionDeps } from './deps.js';
import { depositSlipJob } from './deposit-slip.js';
import { parseMark, renderPrintParts } from './print-file.js';

/**
 * Floor scanning (M-3.4): a scanner types a code and Enter; the batch or mailpiece moves one step
 * by compare-and-set, each mailpiece that moves gets its event in the same transaction, and its
 * order rolls up (`in_production`, `completed`). A wrong or repeated scan is refused with a
 * sentence the operator can act on; of two operators scanning the same thing, one wins.
 */
type Target = { kind: 'batch'; id: string } | { kind: 'mailpiece'; id: string; sheet?: { n: number; of: number } };

/** The mailpiece a sheet's mark names (its batch and position), or 404 with both. */
export async function markedMailpiece(tx: Tx, mark: { batchNumber: number; position: number }): Promise<string> {
  const row = await tx
    .selectFrom('batch_mailpieces as bm')
    .innerJoin('batches as b', 'b.id', 'bm.batch_id')
    .select('bm.mailpiece_id')
    .where('b.number', '=', String(mark.batchNumber) as never)
    .where('bm.position', '=', mark.position)
    .executeTakeFirst();
  if (!row) throw notFound(message('not_found.mailpiece_in_batch', { position: String(mark.position), batch: `B${mark.batchNumber}` }));
  return row.mailpiece_id;
}

async function resolve(tx: Tx, code: string): Promise<Target> {
  const c = code.trim();
  if (/^bat_[0-9a-z]+$/.test(c)) return { kind: 'batch', id: c };
  if (/^mp_[0-9a-z]+$/.test(c)) return { kind: 'mailpiece', id: c };
  const number = /^B(\d{1,12})$/i.exec(c);
  if (number) {
    const b = await tx.selectFrom('batches').select('id').where('number', '=', number[1]! as never).executeTakeFirst();
    if (!b) throw notFound(message('not_found.batch_number', { batch: `B${number[1]}` }));
    return { kind: 'batch', id: b.id };
  }
  const mark = parseMark(c);
  if (mark) return { kind: 'mailpiece', id: await markedMailpiece(tx, mark), sheet: { n: mark.sheet, of: mark.sheets } };
  throw new AppError('validation_failed', message('scan.unknown_code', { code: c.slice(0, 60) }), { errors: [{ field: 'code', message: 'field.not_pli_code' }] });
}

function refusal(what: Message, verdict: { ok: false; reason: string; expected?: FloorStep }, step: FloorStep): AppError {
  const params = { what, step: message(`step.${step}`) };
  switch (verdict.reason) {
    case 'repeated':
      return new AppError('conflict', message('scan.repeated', params));
    case 'already_past':
      return new AppError('conflict', message('scan.already_past', params));
    case 'not_ready':
      return new AppError('conflict', message('scan.not_ready', params));
    default:
      return new AppError('conflict', message('scan.too_early', { what, expected: message(`step.${verdict.expected ?? step}`) }));
  }
}

/** Records each mailpiece's postage (class, weight step, registered fees) at its order's quoted prices. */
async function frank(tx: Tx, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await tx
      .selectFrom('mailpieces as m')
      .innerJoin('orders as o', 'o.id', 'm.order_id')
      .select(['m.id', 'm.postage_step', 'o.options', 'o.quote'])
      .where('m.id', 'in', ids.slice(i, i + 1000))
      .execute();
    const values = rows.map((r) => {
      const a = attributesOf(r.options as unknown as Parameters<typeof attributesOf>[0]);
      const lines = (r.quote as { lines: Array<{ code: string; unit_cents: number }> }).lines;
      const cents = frankingCents(lines, { mailClass: a.mailClass, postageStep: r.postage_step, registeredLevel: a.registeredLevel, acknowledgement: a.acknowledgement });
      return sql`(${r.id}, ${cents}::integer)`;
    });
    if (values.length) await sql`UPDATE mailpieces AS m SET postage_cents = v.cents FROM (VALUES ${sql.join(values)}) AS v(id, cents) WHERE m.id = v.id`.execute(tx);
  }
}

export interface ScanOutcome {
  kind: 'batch' | 'mailpiece';
  id: string;
  label: string;
  step: FloorStep;
  moved: number;
  orders: Array<{ id: string; status: string }>;
}

/** Moves each order on from its mailpieces (accepted → in_production → completed). */
async function rollUp(tx: Tx, deps: ProductionDeps, actorId: string | null, orderIds: string[]): Promise<Array<{ id: string; status: string }>> {
  const out: Array<{ id: string; status: string }> = [];
  for (const id of [...new Set(orderIds)].sort()) {
    let order = await tx.selectFrom('orders').select(['id', 'organisation_id', 'status']).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    const statuses = (await tx.selectFrom('mailpieces').select('status').where('order_id', '=', id).execute()).map((m) => m.status as MailpieceStatus);
    for (let action = orderRollup(order.status, statuses); action; action = orderRollup(order.status, statuses)) {
      order = { ...order, status: await changeOrderStatus(tx, deps, actorId, order, action) };
    }
    out.push({ id, status: order.status });
  }
  return out;
}

async function mailpieceEvents(tx: Tx, deps: ProductionDeps, rows: Array<{ id: string; order_id: string; organisation_id: string }>, type: string, actorId: string, detail: Record<string, unknown>) {
  const at = deps.clock.now();
  for (let i = 0; i < rows.length; i += 1000) {
    await tx
      .insertInto('order_events')
      .values(rows.slice(i, i + 1000).map((r) => ({ id: deps.ids.next('evt'), organisation_id: r.organisation_id, order_id: r.order_id, mailpiece_id: r.id, type, detail: JSON.stringify(detail), actor_user_id: actorId, at })))
      .execute();
  }
}

export async function scan(deps: ProductionDeps, principal: UserPrincipal, input: { code: string; step: FloorStep }): Promise<ScanOutcome> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const target = await resolve(tx, input.code);
    if (target.kind === 'batch') return scanWholeBatch(tx, deps, principal, target.id, input.step);
    return scanOneMailpiece(tx, deps, principal, target.id, input.step, target.sheet);
  });
}

async function scanWholeBatch(tx: Tx, deps: ProductionDeps, principal: UserPrincipal, batchId: string, step: FloorStep): Promise<ScanOutcome> {
  const batch = await tx.selectFrom('batches').select(['id', 'number', 'status', 'deposit_slip']).where('id', '=', batchId).forUpdate().executeTakeFirst();
  if (!batch) throw notFound('not_found.batch');
  const label = `Batch B${batch.number}`;
  const what = message('scan.batch', { batch: `B${batch.number}` });
  const verdict = scanBatch(batch.status, step);
  if (!verdict.ok) throw refusal(what, verdict, step);
  // The deposit is confirmed against the slip handed to La Poste with the batch.
  if (step === 'deposited' && !batch.deposit_slip) throw new AppError('conflict', message('scan.slip_preparing', { what }));
  const from = MAILPIECE_TRANSITIONS[step].from;
  // Mailpieces still behind (e.g. a jammed letter not reprinted yet) stop the whole batch.
  const statuses = await tx
    .selectFrom('batch_mailpieces as bm')
    .innerJoin('mailpieces as m', 'm.id', 'bm.mailpiece_id')
    .select(['bm.position', 'm.status'])
    .where('bm.batch_id', '=', batchId)
    .execute();
  const behind = statuses
    .filter((m) => {
      const v = scanMailpiece(m.status as MailpieceStatus, step);
      return !v.ok && v.reason === 'too_early';
    })
    .map((m) => m.position);
  if (behind.length > 0) {
    const shown = `${behind.slice(0, 10).join(', ')}${behind.length > 10 ? '…' : ''}`;
    throw new AppError('conflict', message('scan.mailpieces_behind', { what, count: behind.length, from: message(`step.${from}`), positions: shown, step: message(`step.${step}`) }));
  }
  const moved = await tx
    .updateTable('mailpieces')
    .set({ status: step, updated_at: deps.clock.now() })
    .where('id', 'in', (eb) => eb.selectFrom('batch_mailpieces').select('mailpiece_id').where('batch_id', '=', batchId))
    .where('status', '=', from)
    .returning(['id', 'order_id', 'organisation_id'])
    .execute();
  if (step === 'franked') await frank(tx, moved.map((m) => m.id));
  await mailpieceEvents(tx, deps, moved, `mailpiece.${step}`, principal.userId, { batch: Number(batch.number) });
  const now = deps.clock.now();
  const extra =
    step === 'franked'
      ? { postage_cents: sql<number>`(SELECT coalesce(sum(m.postage_cents), 0) FROM mailpieces m JOIN batch_mailpieces bm ON bm.mailpiece_id = m.id WHERE bm.batch_id = ${batchId})` }
      : step === 'deposited'
        ? { deposit_slip: JSON.stringify({ ...batch.deposit_slip!, confirmed_at: now.toISOString(), confirmed_by: principal.userId }) }
        : {};
  const updated = await tx
    .updateTable('batches')
    .set({ status: step, updated_at: now, ...extra })
    .where('id', '=', batchId)
    .where('status', '=', batch.status)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('conflict', message('scan.by_someone_else', { what }));
  if (step === 'franked') await deps.queue.enqueue(tx, depositSlipJob, { batch_id: batchId });
  if (step === 'deposited') await deps.afterDeposit?.(tx, batchId);
  await tx.insertInto('batch_events').values({ id: deps.ids.next('evt'), batch_id: batchId, type: `batch.${step}`, detail: JSON.stringify({ mailpieces: moved.length }), actor_user_id: principal.userId, at: deps.clock.now() }).execute();
  const orders = await rollUp(tx, deps, principal.userId, moved.map((m) => m.order_id));
  return { kind: 'batch', id: batchId, label, step, moved: moved.length, orders };
}

async function mailpieceInBatch(tx: Tx, mailpieceId: string) {
  const row = await tx
    .selectFrom('mailpieces as m')
    .leftJoin('batch_mailpieces as bm', 'bm.mailpiece_id', 'm.id')
    .leftJoin('batches as b', 'b.id', 'bm.batch_id')
    .select(['m.id', 'm.status', 'm.order_id', 'm.organisation_id', 'm.sheets', 'bm.position', 'b.id as batch_id', 'b.number as batch_number', 'b.status as batch_status'])
    .where('m.id', '=', mailpieceId)
    .executeTakeFirst(); // no lock: the status update below is a compare-and-set
  if (!row) throw notFound('not_found.mailpiece');
  const label = row.batch_number ? `Mailpiece ${row.position} of batch B${row.batch_number}` : `Mailpiece ${row.id}`;
  // The same name, for refusals in the request's language.
  const what = row.batch_number ? message('scan.mailpiece_in_batch', { position: String(row.position), batch: `B${row.batch_number}` }) : message('scan.mailpiece_id', { id: row.id });
  if (!row.batch_id || !row.batch_status || row.batch_status === 'building') throw new AppError('conflict', message('scan.not_in_printed_batch', { what }));
  return { ...row, label, what, batch_id: row.batch_id };
}

async function scanOneMailpiece(tx: Tx, deps: ProductionDeps, principal: UserPrincipal, mailpieceId: string, step: FloorStep, sheet?: { n: number; of: number }): Promise<ScanOutcome> {
  const mp = await mailpieceInBatch(tx, mailpieceId);
  const verdict = scanMailpiece(mp.status as MailpieceStatus, step);
  if (!verdict.ok) throw refusal(mp.what, verdict, step);
  // Printed sheet by sheet: the mailpiece is printed once every one of its sheets has been seen.
  if (step === 'printed' && sheet && mp.sheets > 1) {
    const noted = await tx.insertInto('printed_sheets').values({ mailpiece_id: mp.id, sheet: sheet.n, scanned_by: principal.userId, at: deps.clock.now() }).onConflict((oc) => oc.doNothing()).returning('sheet').executeTakeFirst();
    if (!noted) throw new AppError('conflict', message('scan.sheet_seen', { sheet: String(sheet.n), sheets: String(mp.sheets), what: mp.what }));
    const { seen } = await tx.selectFrom('printed_sheets').select((eb) => eb.fn.countAll<string>().as('seen')).where('mailpiece_id', '=', mp.id).executeTakeFirstOrThrow();
    if (Number(seen) < mp.sheets) {
      const left = mp.sheets - Number(seen);
      return { kind: 'mailpiece', id: mp.id, label: `${mp.label}: sheet ${sheet.n}/${mp.sheets} seen, ${left} to go`, step, moved: 0, orders: [] };
    }
  }
  const moved = await tx.updateTable('mailpieces').set({ status: step, updated_at: deps.clock.now() }).where('id', '=', mp.id).where('status', '=', mp.status).executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new AppError('conflict', message('scan.by_someone_else', { what: mp.what }));
  if (step === 'franked') await frank(tx, [mp.id]);
  await mailpieceEvents(tx, deps, [mp], `mailpiece.${step}`, principal.userId, { batch: Number(mp.batch_number), one_by_one: true });
  const orders = await rollUp(tx, deps, principal.userId, [mp.order_id]);
  return { kind: 'mailpiece', id: mp.id, label: mp.label, step, moved: 1, orders };
}

/**
 * A spoiled letter (a jam, a torn sheet) is printed again: a file of its sheets, with the same
 * marks, recorded as an event on the mailpiece and on its batch. Its status does not change.
 */
export async function reprintMailpiece(deps: ProductionDeps, principal: UserPrincipal, code: string, reason: string): Promise<{ mailpieceId: string; label: string; sheets: number; url: string }> {
  const input = await inScope(deps.db, scopeOf(principal), async (tx) => {
    const target = await resolve(tx, code);
    if (target.kind !== 'mailpiece') throw new AppError('validation_failed', 'scan.reprint_needs_mailpiece', { errors: [{ field: 'code', message: 'field.not_mailpiece' }] });
    const mailpieceId = target.id;
    const mp = await mailpieceInBatch(tx, mailpieceId);
    if (mp.status !== 'pending' && mp.status !== 'printed') throw new AppError('conflict', message('scan.reprint_too_late', { what: mp.what, status: message(`step.${mp.status as MailpieceStatus}`) }));
    const { rows, letters } = await printLettersOf(tx, { mailpieceId });
    return { mp, letters, attributes: attributesOf(rows[0]!.options as unknown as Parameters<typeof attributesOf>[0]) };
  });
  const { mp, letters, attributes } = input;
  const [part] = await renderPrintParts({ batchNumber: Number(mp.batch_number), sides: attributes.sides, partSheets: Number.MAX_SAFE_INTEGER, ...deps.zones, letters }, loadStoredPdf(deps));
  const stored = await deps.storage.put(Buffer.from(part!.bytes));
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    const detail = { reason, file: stored.sha256, sheets: part!.sheets };
    await mailpieceEvents(tx, deps, [mp], 'mailpiece.reprinted', principal.userId, { reason, sheets: part!.sheets });
    await tx.insertInto('batch_events').values({ id: deps.ids.next('evt'), batch_id: mp.batch_id, type: 'batch.reprint', detail: JSON.stringify({ ...detail, position: mp.position }), actor_user_id: principal.userId, at: deps.clock.now() }).execute();
  });
  return { mailpieceId: mp.id, label: mp.label, sheets: part!.sheets, url: `/api/v1/production/batches/${mp.batch_id}/files/${stored.sha256}` };
}
