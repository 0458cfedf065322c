import { z } from 'zod';
import { depositSlip, type DepositLine, type ProductionAttributes } from '#domain/production/index.js';
import { notFound } from '../../errors.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { defineJob } from '../../platform/jobs/job-queue.js';
import { textPages } from '../../platform/pdf/text-pages.js';
import { loadOrder } from '../orders/index.js';
import type { ProductionDeps } from './deps.js';

/**
 * The deposit slip (bordereau de dépôt, spec §8): prepared once a batch is franked, handed to La
 * Poste with the batch, and confirmed by the operator's deposit scan. Each client downloads the
 * extract of its own letters from the order (the full slip lists other clients' letters).
 */
export const depositSlipJob = defineJob({ name: 'production.deposit-slip', schema: z.object({ batch_id: z.string() }), retryLimit: 5, retryDelaySeconds: 5 });

const CLASS_WORDS: Record<string, string> = { priority: 'Lettre prioritaire', non_priority: 'Lettre non prioritaire', registered: 'Lettre recommandée' };
const euros = (cents: number) => `${(cents / 100).toFixed(2).replace('.', ',')} €`;

interface SlipInput {
  batchNumber: number;
  attributes: ProductionAttributes;
  lines: DepositLine[];
  at: Date;
  /** For a client's extract: whose letters, and of which order. */
  extractFor?: { organisation: string; order: string };
}

export async function depositSlipPdf(input: SlipInput): Promise<Uint8Array> {
  const slip = depositSlip(input.lines);
  const w = await textPages({ marginMm: 20 });
  const text = (s: string, x: number, size = 10, bold = false) => w.text(s, x, { size, bold });
  const next = (mm = 5.5) => w.next(mm);
  text(input.extractFor ? 'Bordereau de dépôt — extrait client' : 'Bordereau de dépôt', 20, 18, true);
  next(10);
  text(`Lot B${input.batchNumber} — établi le ${input.at.toISOString().slice(0, 10)}`, 20, 11);
  next();
  if (input.extractFor) {
    text(`${input.extractFor.organisation} — commande ${input.extractFor.order}`, 20);
    next();
  }
  next(4);
  for (const c of slip.classes) {
    text(`${CLASS_WORDS[c.mailClass]}${c.mailClass === 'registered' ? ` ${input.attributes.registeredLevel ?? ''}${input.attributes.acknowledgement ? ' avec AR' : ''}` : ''}`, 20, 12, true);
    next(7);
    text('Échelon de poids', 25, 9, true);
    text('Nombre', 100, 9, true);
    text('Affranchissement', 140, 9, true);
    next();
    for (const s of c.steps) {
      text(`jusqu’à ${s.step.replace('g', ' g').replace('k g', ' kg')}`, 25);
      text(String(s.count), 100);
      text(euros(s.postageCents), 140);
      next();
    }
    text('Total', 25, 10, true);
    text(String(c.count), 100, 10, true);
    text(euros(c.postageCents), 140, 10, true);
    next(8);
    if (c.registeredNumbers.length > 0) {
      text('Numéros de recommandé', 25, 9, true);
      next();
      for (let i = 0; i < c.registeredNumbers.length; i += 4) {
        c.registeredNumbers.slice(i, i + 4).forEach((n, j) => text(n, 25 + j * 42, 9));
        next(4.5);
      }
      next(4);
    }
  }
  text(`Total du lot : ${slip.count} plis, ${euros(slip.postageCents)}`, 20, 12, true);
  next(14);
  if (!input.extractFor) {
    text('Remis par : ____________________    Reçu par La Poste : ____________________    le : ___________', 20, 9);
  }
  return w.doc.save({ useObjectStreams: false });
}

async function slipLines(tx: Tx, batchId: string, attributes: ProductionAttributes, orderId?: string): Promise<DepositLine[]> {
  let q = tx
    .selectFrom('batch_mailpieces as bm')
    .innerJoin('mailpieces as m', 'm.id', 'bm.mailpiece_id')
    .select(['m.postage_step', 'm.postage_cents', 'm.tracking_number'])
    .where('bm.batch_id', '=', batchId)
    .orderBy('bm.position');
  if (orderId) q = q.where('m.order_id', '=', orderId);
  return (await q.execute()).map((m) => ({ mailClass: attributes.mailClass, postageStep: m.postage_step, postageCents: m.postage_cents ?? 0, trackingNumber: m.tracking_number }));
}

/** The job: idempotent (a batch that has its slip keeps it). */
export async function prepareDepositSlip(deps: ProductionDeps, batchId: string): Promise<void> {
  const input = await inScope(deps.db, systemScope, async (tx) => {
    const batch = await tx.selectFrom('batches').select(['id', 'number', 'attributes', 'deposit_slip']).where('id', '=', batchId).executeTakeFirst();
    if (!batch || batch.deposit_slip) return null;
    const attributes = batch.attributes as unknown as ProductionAttributes;
    return { batch, attributes, lines: await slipLines(tx, batchId, attributes) };
  });
  if (!input) return;
  const now = deps.clock.now();
  const stored = await deps.storage.put(Buffer.from(await depositSlipPdf({ batchNumber: Number(input.batch.number), attributes: input.attributes, lines: input.lines, at: now })));
  await inScope(deps.db, systemScope, async (tx) => {
    const set = await tx
      .updateTable('batches')
      .set({ deposit_slip: JSON.stringify({ sha256: stored.sha256, prepared_at: now.toISOString(), confirmed_at: null, confirmed_by: null }) })
      .where('id', '=', batchId)
      .where('deposit_slip', 'is', null)
      .executeTakeFirst();
    if (Number(set.numUpdatedRows) === 1) {
      await tx.insertInto('batch_events').values({ id: deps.ids.next('evt'), batch_id: batchId, type: 'batch.deposit_slip_prepared', detail: JSON.stringify({ file: stored.sha256 }), actor_user_id: null, at: now }).execute();
    }
  });
}

/** The order's deposit slips: one per batch its letters went in, once deposited. */
export async function orderDepositSlips(deps: ProductionDeps, principal: UserPrincipal, orderId: string) {
  // In the principal's scope: a client reaches the floor's batches only through its own letters.
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    await loadOrder(tx, principal, orderId);
    return tx
      .selectFrom('batches as b')
      .innerJoin('batch_mailpieces as bm', 'bm.batch_id', 'b.id')
      .innerJoin('mailpieces as m', 'm.id', 'bm.mailpiece_id')
      .select(['b.id', 'b.number', 'b.deposit_slip', (eb) => eb.fn.countAll<string>().as('mailpieces')])
      .where('m.order_id', '=', orderId)
      .where('b.status', '=', 'deposited')
      .groupBy(['b.id', 'b.number', 'b.deposit_slip'])
      .orderBy('b.number')
      .execute();
  });
}

/** The client's extract, read in its own scope: the batch's other letters are not its to read. */
export async function orderDepositSlipPdf(deps: ProductionDeps, principal: UserPrincipal, orderId: string, batchId: string): Promise<Uint8Array> {
  return inScope(deps.db, scopeOf(principal), async (tx) => extractPdf(tx, await loadOrder(tx, principal, orderId), batchId));
}

async function extractPdf(tx: Tx, order: { id: string; name: string; organisation_id: string }, batchId: string): Promise<Uint8Array> {
  const organisation = await tx.selectFrom('organisations').select('name').where('id', '=', order.organisation_id).executeTakeFirstOrThrow();
  const batch = await tx.selectFrom('batches').select(['id', 'number', 'attributes', 'status', 'deposit_slip']).where('id', '=', batchId).executeTakeFirst();
  if (!batch || batch.status !== 'deposited' || !batch.deposit_slip?.confirmed_at) throw notFound('not_found.deposit_slip');
  const attributes = batch.attributes as unknown as ProductionAttributes;
  const lines = await slipLines(tx, batchId, attributes, order.id);
  if (lines.length === 0) throw notFound('not_found.deposit_slip');
  return depositSlipPdf({
    batchNumber: Number(batch.number),
    attributes,
    lines,
    at: new Date(batch.deposit_slip.confirmed_at),
    extractFor: { organisation: organisation.name, order: order.name },
  });
}

/** Every client's extract of a deposited batch, one per order (the simple archive keeps them). */
export async function batchDepositSlipExtracts(deps: Pick<ProductionDeps, 'db'>, batchId: string) {
  return inScope(deps.db, systemScope, async (tx) => {
    const batch = await tx.selectFrom('batches').select('number').where('id', '=', batchId).executeTakeFirstOrThrow();
    const orders = await tx
      .selectFrom('orders as o')
      .select(['o.id', 'o.name', 'o.organisation_id', 'o.created_by'])
      .where('o.id', 'in', (eb) => eb.selectFrom('mailpieces as m').innerJoin('batch_mailpieces as bm', 'bm.mailpiece_id', 'm.id').select('m.order_id').where('bm.batch_id', '=', batchId))
      .orderBy('o.id')
      .execute();
    const extracts = [];
    for (const o of orders) extracts.push({ orderId: o.id, orderName: o.name, organisationId: o.organisation_id, createdBy: o.created_by, batchNumber: Number(batch.number), pdf: await extractPdf(tx, o, batchId) });
    return extracts;
  });
}
