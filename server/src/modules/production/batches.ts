import { sql } from 'kysely';
import { PDFDocument } from 'pdf-lib';
import { z } from 'zod';
import { assignToBatches, productionKey, type ProductionAttributes } from '#domain/production/index.js';
import { AppError, notFound } from '../../errors.js';
import { inScope, systemScope, type Scope, type Tx } from '../../platform/db/scope.js';
import type { PrintFilePart, PrintFiles } from '../../platform/db/schema.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { defineJob } from '../../platform/jobs/job-queue.js';
import type { ProductionDeps } from './deps.js';
import { floorSettings } from './floor-settings.js';
import { parisWallClock } from '../orders/index.js';
import { jobTicketPdf } from './job-ticket.js';
import { renderPrintParts, type PrintLetter } from './print-file.js';
import { allocateNumbers, numbersLeft } from './registered-ranges.js';
import { registeredLabelsPdf } from './registered-labels.js';

/**
 * Print batches (spec §8): accepted mailpieces grouped by production attributes, a mailpiece in
 * one batch ever (batch_mailpieces: its id is the key, rows are never changed). Closing a batch
 * (at a cut-off, when full, or by an operator) enqueues its print file in the same transaction;
 * the job stores the file and only then moves the batch to `ready_to_print`, by compare-and-set.
 */
export const printFileJob = defineJob({ name: 'production.print-file', schema: z.object({ batch_id: z.string() }), retryLimit: 10, retryDelaySeconds: 2, expireInSeconds: 3600, heartbeatSeconds: 10 });

interface OrderOptions {
  color: 'bw' | 'color';
  sides: 'simplex' | 'duplex';
  envelope: 'C4' | 'C5' | 'C5/6';
  mail_class: 'priority' | 'non_priority' | 'registered';
  registered_level?: 'R1' | 'R2' | 'R3' | null;
  acknowledgement?: boolean;
  background: { document: string; pages: 'all' | 'first' } | null;
}

export function attributesOf(o: OrderOptions): ProductionAttributes {
  return {
    color: o.color,
    sides: o.sides,
    envelope: o.envelope,
    mailClass: o.mail_class,
    registeredLevel: o.mail_class === 'registered' ? (o.registered_level ?? 'R1') : null,
    acknowledgement: o.mail_class === 'registered' && (o.acknowledgement ?? false),
    background: o.background !== null,
  };
}

async function batchEvent(tx: Tx, deps: ProductionDeps, batchId: string, type: string, actorUserId: string | null, detail: Record<string, unknown> = {}) {
  await tx.insertInto('batch_events').values({ id: deps.ids.next('evt'), batch_id: batchId, type, detail: JSON.stringify(detail), actor_user_id: actorUserId, at: deps.clock.now() }).execute();
}

export interface BuildOutcome {
  assigned: number;
  batchIds: string[];
  /** Batches that stay open, and why (registered numbers missing): the others go on. */
  held: Array<{ batchId: string; reason: string }>;
}

/**
 * Puts every accepted, unbatched mailpiece into a batch; with `close`, closes the open batches
 * and enqueues their print files. One transaction, serialised by an advisory lock: a crash at any
 * point leaves either nothing or everything done.
 */
export async function buildBatches(deps: ProductionDeps, actor: UserPrincipal | null, opts: { close: boolean; cutoff?: string }): Promise<BuildOutcome> {
  const scope: Scope = actor ? scopeOf(actor) : systemScope;
  return inScope(deps.db, scope, async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('pli.production.batching'))`.execute(tx);
    const settings = await floorSettings(tx);
    const now = deps.clock.now();
    const actorId = actor?.userId ?? null;
    const rows = await tx
      .selectFrom('mailpieces as m')
      .innerJoin('orders as o', 'o.id', 'm.order_id')
      .leftJoin('batch_mailpieces as bm', 'bm.mailpiece_id', 'm.id')
      .select(['m.id', 'm.sheets', 'o.options'])
      .where('bm.mailpiece_id', 'is', null)
      .where('o.status', 'in', ['accepted', 'in_production'])
      .where('m.status', '=', 'pending')
      .orderBy('o.accepted_at')
      .orderBy('o.id')
      .orderBy('m.number')
      .execute();
    const attributes = new Map<string, ProductionAttributes>();
    const unbatched = rows.map((r) => {
      const a = attributesOf(r.options as unknown as OrderOptions);
      const key = productionKey(a);
      attributes.set(key, a);
      return { id: r.id, key, sheets: r.sheets };
    });
    const sheetsOf = new Map(rows.map((r) => [r.id, r.sheets]));
    const open = await tx.selectFrom('batches').select(['id', 'production_key', 'mailpieces', 'sheets']).where('closed_at', 'is', null).execute();
    const assignments = assignToBatches(
      unbatched,
      open.map((b) => ({ id: b.id, key: b.production_key, mailpieces: b.mailpieces, sheets: b.sheets })),
      settings.batch,
    );
    const touched = new Set<string>();
    const held = new Map<string, string>();
    const blockedKeys = new Set<string>();
    let assigned = 0;
    for (const a of assignments) {
      if (blockedKeys.has(a.key)) continue;
      let batchId = a.batch;
      let position = open.find((b) => b.id === batchId)?.mailpieces ?? 0;
      if (batchId.startsWith('new:')) {
        // A full open batch of this key closes before the next one opens (one open batch per key).
        const full = await tx.selectFrom('batches').select('id').where('production_key', '=', a.key).where('closed_at', 'is', null).executeTakeFirst();
        if (full) {
          const outcome = await closeBatch(tx, deps, full.id, actorId, 'full');
          if (typeof outcome === 'object') {
            // It cannot close: its key's next letters wait, unbatched, for the next build.
            held.set(full.id, outcome.held);
            blockedKeys.add(a.key);
            continue;
          }
        }
        batchId = deps.ids.next('bat');
        position = 0;
        await tx.insertInto('batches').values({ id: batchId, production_key: a.key, attributes: JSON.stringify(attributes.get(a.key)), status: 'building', created_at: now, updated_at: now }).execute();
        await batchEvent(tx, deps, batchId, 'batch.building', actorId, { key: a.key });
      }
      const sheets = a.mailpieces.reduce((sum, id) => sum + sheetsOf.get(id)!, 0);
      for (let i = 0; i < a.mailpieces.length; i += 1000) {
        const chunk = a.mailpieces.slice(i, i + 1000).map((mailpiece_id, j) => ({ mailpiece_id, batch_id: batchId, position: position + i + j + 1 }));
        await tx.insertInto('batch_mailpieces').values(chunk).execute();
      }
      await tx
        .updateTable('batches')
        .set((eb) => ({ mailpieces: eb('mailpieces', '+', a.mailpieces.length), sheets: eb('sheets', '+', sheets), updated_at: now }))
        .where('id', '=', batchId)
        .execute();
      await batchEvent(tx, deps, batchId, 'batch.mailpieces_added', actorId, { count: a.mailpieces.length, sheets });
      touched.add(batchId);
      assigned += a.mailpieces.length;
    }
    if (opts.cutoff) {
      await tx
        .insertInto('floor_settings')
        .values({ settings: '{}', last_cutoff: opts.cutoff, updated_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ last_cutoff: opts.cutoff! }))
        .execute();
    }
    if (opts.close) {
      const still = await tx.selectFrom('batches').select('id').where('closed_at', 'is', null).where('mailpieces', '>', 0).execute();
      for (const b of still) {
        const outcome = await closeBatch(tx, deps, b.id, actorId, actor ? 'operator' : 'cut-off');
        if (typeof outcome === 'object') held.set(b.id, outcome.held);
        touched.add(b.id);
      }
    }
    return { assigned, batchIds: [...touched], held: [...held].map(([batchId, reason]) => ({ batchId, reason })) };
  });
}

/** Closes a batch; a registered batch stays open (held) while the ranges lack numbers for it. */
async function closeBatch(tx: Tx, deps: ProductionDeps, batchId: string, actorId: string | null, why: string): Promise<'closed' | 'already' | { held: string }> {
  const batch = await tx.selectFrom('batches').select(['attributes', 'mailpieces', 'number', 'closed_at']).where('id', '=', batchId).forUpdate().executeTakeFirstOrThrow();
  if (batch.closed_at) return 'already';
  const registered = (batch.attributes as unknown as ProductionAttributes).mailClass === 'registered';
  if (registered) {
    const left = await numbersLeft(tx);
    if (left < batch.mailpieces) {
      const reason = `Batch B${batch.number} stays open: its ${batch.mailpieces} registered letters need numbers and the ranges hold ${left}. Add a range La Poste allotted (Production › Settings), then build again.`;
      await batchEvent(tx, deps, batchId, 'batch.held', actorId, { reason });
      return { held: reason };
    }
  }
  await tx.updateTable('batches').set({ closed_at: deps.clock.now(), updated_at: deps.clock.now() }).where('id', '=', batchId).execute();
  // Registered letters get their numbers now, in this transaction: printed on their labels, and
  // never given twice nor lost if anything fails.
  if (registered) {
    const pieces = await tx.selectFrom('batch_mailpieces').select('mailpiece_id').where('batch_id', '=', batchId).orderBy('position').execute();
    const numbers = await allocateNumbers(tx, pieces.length);
    for (let i = 0; i < pieces.length; i += 1000) {
      const values = pieces.slice(i, i + 1000).map((p, j) => sql`(${p.mailpiece_id}, ${numbers[i + j]!})`);
      await sql`UPDATE mailpieces AS m SET tracking_number = v.number FROM (VALUES ${sql.join(values)}) AS v(id, number) WHERE m.id = v.id`.execute(tx);
    }
  }
  await batchEvent(tx, deps, batchId, 'batch.closed', actorId, { why });
  await deps.queue.enqueue(tx, printFileJob, { batch_id: batchId });
  return 'closed';
}

/**
 * What the print file needs of each mailpiece (its pages, attachments, background, carrier
 * sheet), read in the caller's transaction, in position order. Used for a whole batch and for the
 * one letter of a reprint, so that both print the same sheets.
 */
export async function printLettersOf(tx: Tx, where: { batchId: string } | { mailpieceId: string }) {
  let q = tx
    .selectFrom('batch_mailpieces as bm')
    .innerJoin('mailpieces as m', 'm.id', 'bm.mailpiece_id')
    .innerJoin('orders as o', 'o.id', 'm.order_id')
    .innerJoin('organisations as org', 'org.id', 'o.organisation_id')
    .select(['bm.position', 'm.id', 'm.first_page', 'm.last_page', 'm.sheets', 'm.carrier_sheet', 'm.recipient', 'm.tracking_number', 'o.id as order_id', 'o.name as order_name', 'org.name as organisation', 'o.documents', 'o.options'])
    .orderBy('bm.position');
  q = 'batchId' in where ? q.where('bm.batch_id', '=', where.batchId) : q.where('bm.mailpiece_id', '=', where.mailpieceId);
  const rows = await q.execute();
  const docIds = new Set<string>();
  for (const r of rows) {
    for (const d of r.documents) docIds.add(d);
    const bg = (r.options as unknown as OrderOptions).background;
    if (bg) docIds.add(bg.document);
  }
  const docs = new Map((docIds.size ? await tx.selectFrom('documents').select(['id', 'sha256', 'pages']).where('id', 'in', [...docIds]).execute() : []).map((d) => [d.id, d]));
  const doc = (id: string) => {
    const d = docs.get(id);
    if (!d?.sha256 || !d.pages) throw new Error(`document ${id} is not ready to print`);
    return { sha256: d.sha256, pages: d.pages };
  };
  const letters: PrintLetter[] = rows.map((r) => {
    const options = r.options as unknown as OrderOptions;
    const [main, ...attachments] = r.documents;
    return {
      position: r.position,
      mailpieceId: r.id,
      carrierSheet: r.carrier_sheet ? { lines: r.recipient.address } : null,
      documents: [{ sha256: doc(main!).sha256, first: r.first_page, last: r.last_page }, ...attachments.map((a) => ({ sha256: doc(a).sha256, first: 1, last: doc(a).pages }))],
      background: options.background ? { sha256: doc(options.background.document).sha256, pages: options.background.pages } : null,
      sheets: r.sheets,
    };
  });
  return { rows, letters };
}

/** Reads a stored PDF for rendering (each part loads its own: memory stays bounded by a part). */
export const loadStoredPdf = (deps: Pick<ProductionDeps, 'storage'>) => async (sha: string) => PDFDocument.load(await deps.storage.getBuffer(sha), { updateMetadata: false });

/** The print-file job: idempotent (a batch already past `building` is left alone). */
export async function makePrintFile(deps: ProductionDeps, batchId: string): Promise<void> {
  // Read in one short transaction, render outside any (the embedded database has one connection).
  const input = await inScope(deps.db, systemScope, async (tx) => {
    const batch = await tx.selectFrom('batches').selectAll().where('id', '=', batchId).executeTakeFirst();
    if (!batch || batch.status !== 'building' || !batch.closed_at) return null;
    return { batch, settings: await floorSettings(tx), ...(await printLettersOf(tx, { batchId })) };
  });
  if (!input) return;
  const { batch, rows, letters, settings } = input;
  const attributes = batch.attributes as unknown as ProductionAttributes;
  const stored: PrintFilePart[] = [];
  const parts = await renderPrintParts({ batchNumber: Number(batch.number), sides: attributes.sides, letters, partSheets: settings.printFilePartSheets, ...deps.zones }, loadStoredPdf(deps), async (p) => {
    // Content-addressed and rendered the same every time: a run after a crash stores nothing new.
    const s = await deps.storage.put(Buffer.from(p.bytes));
    stored.push({ part: p.part, sha256: s.sha256, sheets: p.sheets, pages: p.pages });
  });
  const orders = new Map<string, { organisation: string; name: string; id: string; mailpieces: number }>();
  for (const r of rows) {
    const o = orders.get(r.order_id) ?? { organisation: r.organisation, name: r.order_name, id: r.order_id, mailpieces: 0 };
    o.mailpieces++;
    orders.set(r.order_id, o);
  }
  const ticket = await deps.storage.put(
    Buffer.from(
      await jobTicketPdf({
        batchNumber: Number(batch.number),
        attributes: describeAttributes(attributes),
        mailpieces: batch.mailpieces,
        sheets: batch.sheets,
        parts: parts.map((p) => ({ part: p.part, sheets: p.sheets, first: p.firstPosition, last: p.lastPosition })),
        orders: [...orders.values()],
        closedAt: new Date(batch.closed_at!),
      }),
    ),
  );
  let labels: string | undefined;
  if (attributes.mailClass === 'registered') {
    const pdf = await registeredLabelsPdf(
      rows.map((r) => ({
        number: r.tracking_number!,
        level: attributes.registeredLevel ?? 'R1',
        acknowledgement: attributes.acknowledgement,
        recipient: r.recipient.address,
        sender: [r.organisation],
        batchNumber: Number(batch.number),
        position: r.position,
      })),
    );
    labels = (await deps.storage.put(Buffer.from(pdf))).sha256;
  }
  await inScope(deps.db, systemScope, async (tx) => {
    const moved = await tx
      .updateTable('batches')
      .set({ status: 'ready_to_print', print_files: JSON.stringify({ ticket: ticket.sha256, parts: stored, ...(labels ? { labels } : {}) }), updated_at: deps.clock.now() })
      .where('id', '=', batchId)
      .where('status', '=', 'building')
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 1) await batchEvent(tx, deps, batchId, 'batch.ready_to_print', null, { parts: stored.length, sheets: batch.sheets });
  });
}

export function describeAttributes(a: ProductionAttributes): string[] {
  return [
    a.color === 'color' ? 'Couleur' : 'Noir et blanc',
    a.sides === 'duplex' ? 'Recto verso' : 'Recto',
    `Enveloppe ${a.envelope}`,
    a.mailClass === 'registered' ? `Recommandé ${a.registeredLevel}${a.acknowledgement ? ' avec AR' : ''}` : a.mailClass === 'priority' ? 'Prioritaire' : 'Non prioritaire',
    a.background ? 'Fond de page' : 'Sans fond',
  ];
}

export async function listBatches(deps: ProductionDeps, principal: UserPrincipal, filter: { status?: string | undefined; ids?: string[] }) {
  if (filter.ids?.length === 0) return [];
  return inScope(deps.db, scopeOf(principal), (tx) => {
    let q = tx.selectFrom('batches').selectAll().orderBy('number', 'desc').limit(200);
    if (filter.status) q = q.where('status', '=', filter.status as never);
    if (filter.ids) q = q.where('id', 'in', filter.ids);
    return q.execute();
  });
}

export async function getBatch(deps: ProductionDeps, principal: UserPrincipal, id: string) {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const batch = await tx.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
    if (!batch) throw notFound('not_found.batch');
    const byStatus = await tx
      .selectFrom('batch_mailpieces as bm')
      .innerJoin('mailpieces as m', 'm.id', 'bm.mailpiece_id')
      .select(['m.status', (eb) => eb.fn.countAll<string>().as('count')])
      .where('bm.batch_id', '=', id)
      .groupBy('m.status')
      .execute();
    const orders = await tx
      .selectFrom('batch_mailpieces as bm')
      .innerJoin('mailpieces as m', 'm.id', 'bm.mailpiece_id')
      .innerJoin('orders as o', 'o.id', 'm.order_id')
      .innerJoin('organisations as org', 'org.id', 'o.organisation_id')
      .select(['o.id', 'o.name', 'org.name as organisation', (eb) => eb.fn.countAll<string>().as('mailpieces')])
      .where('bm.batch_id', '=', id)
      .groupBy(['o.id', 'o.name', 'org.name'])
      .orderBy('o.id')
      .execute();
    const events = await tx.selectFrom('batch_events').select(['type', 'at', 'detail']).where('batch_id', '=', id).orderBy('at').orderBy('id').execute();
    return { batch, byStatus, orders, events };
  });
}

/** A file of a batch (a print-file part, its ticket, a reprint), never any other stored object. */
export async function batchFile(deps: ProductionDeps, principal: UserPrincipal, id: string, sha256: string) {
  const { batch, events } = await inScope(deps.db, scopeOf(principal), async (tx) => ({
    batch: await tx.selectFrom('batches').select(['print_files', 'deposit_slip']).where('id', '=', id).executeTakeFirst(),
    events: await tx.selectFrom('batch_events').select('detail').where('batch_id', '=', id).where('type', '=', 'batch.reprint').execute(),
  }));
  if (!batch) throw notFound('not_found.batch');
  const files = batch.print_files;
  const known = new Set([files?.ticket, files?.labels, batch.deposit_slip?.sha256, ...(files?.parts ?? []).map((p) => p.sha256), ...events.map((e) => (e.detail as { file?: string }).file)]);
  if (!known.has(sha256)) throw notFound('not_found.file');
  return deps.storage.get(sha256);
}

export function printFilesOf(batch: { id: string; print_files: PrintFiles | null }) {
  const files = batch.print_files;
  if (!files) return { parts: [], ticket: null, labels: null };
  const url = (sha: string) => `/api/v1/production/batches/${batch.id}/files/${sha}`;
  return { parts: files.parts.map((p) => ({ part: p.part, sheets: p.sheets, pages: p.pages, url: url(p.sha256) })), ticket: url(files.ticket), labels: files.labels ? url(files.labels) : null };
}

export function requireBatchPrinted(status: string): void {
  if (status === 'building') throw new AppError('conflict', 'batch.no_print_file');
}

/**
 * The floor's clock, run every few seconds where the workers run: accepted mailpieces go into
 * their batches as they arrive (a full batch closes), and at each cut-off (Europe/Paris) every
 * open batch closes. The cut-off is recorded with the batches, in their transaction: a crash
 * before commit runs it again, after commit never twice.
 */
export async function runBatching(deps: ProductionDeps): Promise<void> {
  const { settings, lastCutoff } = await inScope(deps.db, systemScope, async (tx) => ({
    settings: await floorSettings(tx),
    lastCutoff: (await tx.selectFrom('floor_settings').select('last_cutoff').executeTakeFirst())?.last_cutoff ?? null,
  }));
  const paris = parisWallClock(deps.clock.now());
  const passed = settings.cutoffs.filter((c) => c <= paris.time).sort();
  const cutoff = passed.length ? `${paris.date} ${passed[passed.length - 1]}` : null;
  const due = cutoff !== null && (lastCutoff === null || cutoff > lastCutoff);
  await buildBatches(deps, null, due ? { close: true, cutoff } : { close: false });
}
