import { Readable } from 'node:stream';
import { sql, type Selectable } from 'kysely';
import { PDFDocument } from 'pdf-lib';
import { isProviderRole } from '#domain/roles.js';
import { AppError, message, notFound } from '../../errors.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import type { AddressFlagsTable } from '../../platform/db/schema.js';
import { allPages, decodeCursor, toPage } from '../../platform/http/pagination.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { archiveReturnedScan, type ArchiveDeps } from '../archive/index.js';
import { createFollowUpOrder, type OrderInput } from '../orders/index.js';
import type { ReturnsDeps } from './deps.js';

/**
 * The client's side of what came back (M-6.a): the returns list with its scans, the counts per
 * order and organisation, the CSV export, a returned letter sent again to a corrected address,
 * and the address book's flags. A client administrator sees the organisation's, a user those of
 * their own orders, provider staff everything.
 */
export interface ReturnView {
  id: string;
  kind: 'returned' | 'ar';
  reason: 'address_error' | 'not_claimed' | 'refused' | null;
  mailpiece: { id: string; status: string; recipient: { address: string[]; country: string }; trackingNumber: string | null };
  order: { id: string; name: string };
  organisation: { id: string; name: string };
  scan: { contentType: string; sizeBytes: number; filename: string };
  archiveItemId: string | null;
  resentBy: string | null;
  receivedAt: Date;
}

function returnsQuery(tx: Tx, principal: UserPrincipal, f: Omit<ReturnsFilter, 'cursor' | 'limit'> = {}) {
  let q = tx
    .selectFrom('mailpiece_returns as r')
    .innerJoin('mailpieces as m', 'm.id', 'r.mailpiece_id')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .innerJoin('organisations as g', 'g.id', 'r.organisation_id')
    .select([
      'r.id',
      'r.kind',
      'r.reason',
      'r.scan_content_type',
      'r.scan_size_bytes',
      'r.scan_filename',
      'r.scan_sha256',
      'r.received_at',
      'm.id as mailpiece_id',
      'm.status as mailpiece_status',
      'm.recipient',
      'm.tracking_number',
      'o.id as order_id',
      'o.name as order_name',
      'g.id as organisation_id',
      'g.name as organisation_name',
      (eb) =>
        eb
          .selectFrom('archive_items as a')
          .select('a.id')
          .whereRef('a.order_id', '=', 'r.order_id')
          .whereRef('a.sha256', '=', 'r.scan_sha256')
          .where('a.kind', 'in', ['returned_letter', 'proof_of_receipt'])
          .limit(1)
          .as('archive_item_id'),
      (eb) => eb.selectFrom('orders as f').select('f.id').whereRef('f.resend_of', '=', 'r.mailpiece_id').where('f.status', '<>', 'cancelled').orderBy('f.id', 'desc').limit(1).as('resent_by'),
    ]);
  if (!isProviderRole(principal.role)) q = q.where('r.organisation_id', '=', principal.organisationId);
  if (principal.role === 'client_user') q = q.where('o.created_by', '=', principal.userId);
  if (f.kind) q = q.where('r.kind', '=', f.kind);
  if (f.reason) q = q.where('r.reason', '=', f.reason);
  if (f.order) q = q.where('r.order_id', '=', f.order);
  if (f.organisation) q = q.where('r.organisation_id', '=', f.organisation);
  return q;
}

type ReturnRow = Awaited<ReturnType<ReturnType<typeof returnsQuery>['executeTakeFirstOrThrow']>>;

const toView = (r: ReturnRow): ReturnView => ({
  id: r.id,
  kind: r.kind,
  reason: r.reason,
  mailpiece: { id: r.mailpiece_id, status: r.mailpiece_status, recipient: { address: r.recipient.address, country: r.recipient.country }, trackingNumber: r.tracking_number },
  order: { id: r.order_id, name: r.order_name },
  organisation: { id: r.organisation_id, name: r.organisation_name },
  scan: { contentType: r.scan_content_type, sizeBytes: Number(r.scan_size_bytes), filename: r.scan_filename },
  archiveItemId: r.archive_item_id,
  resentBy: r.resent_by,
  receivedAt: r.received_at,
});

export interface ReturnsFilter {
  kind?: 'returned' | 'ar' | undefined;
  reason?: 'address_error' | 'not_claimed' | 'refused' | undefined;
  order?: string | undefined;
  /** Provider staff: one client organisation (a client's own is its only one anyway). */
  organisation?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function listReturns(deps: Pick<ReturnsDeps, 'db'>, principal: UserPrincipal, f: ReturnsFilter): Promise<{ data: ReturnView[]; next_cursor: string | null }> {
  const after = decodeCursor(f.cursor);
  const rows = await inScope(deps.db, scopeOf(principal), (tx) => {
    const q = returnsQuery(tx, principal, f).orderBy('r.id', 'desc').limit(f.limit + 1);
    return (after ? q.where('r.id', '<', after) : q).execute();
  });
  const page = toPage(rows, f.limit);
  return { data: page.data.map(toView), next_cursor: page.next_cursor };
}

export async function getReturn(deps: Pick<ReturnsDeps, 'db'>, principal: UserPrincipal, id: string): Promise<ReturnView> {
  const row = await inScope(deps.db, scopeOf(principal), (tx) => returnsQuery(tx, principal).where('r.id', '=', id).executeTakeFirst());
  if (!row) throw notFound('not_found.return');
  return toView(row);
}

/** Every return the filter selects, newest first (the CSV export streams it). */
export async function* allReturns(deps: Pick<ReturnsDeps, 'db'>, principal: UserPrincipal, f: Omit<ReturnsFilter, 'cursor' | 'limit'>): AsyncGenerator<ReturnView> {
  const rows = allPages((after, size) =>
    inScope(deps.db, scopeOf(principal), (tx) => {
      const q = returnsQuery(tx, principal, f).orderBy('r.id', 'desc').limit(size);
      return (after ? q.where('r.id', '<', after) : q).execute();
    }),
  );
  for await (const r of rows) yield toView(r);
}

/** The scan's bytes, for whoever may see the return. */
export async function returnScan(deps: Pick<ReturnsDeps, 'db' | 'storage'>, principal: UserPrincipal, id: string): Promise<{ view: ReturnView; stream: Readable }> {
  const row = await inScope(deps.db, scopeOf(principal), (tx) => returnsQuery(tx, principal).where('r.id', '=', id).executeTakeFirst());
  if (!row) throw notFound('not_found.return');
  return { view: toView(row), stream: Readable.from(await deps.storage.get(row.scan_sha256)) };
}

export interface HandoverSummary {
  deposited: number;
  delivered: number;
  returned: { total: number; address_error: number; not_claimed: number; refused: number };
  ar_received: number;
}

/** What became of the deposited paper letters: of an order, or of everything the caller sees. */
export async function handoverSummary(deps: Pick<ReturnsDeps, 'db'>, principal: UserPrincipal, filter: { order?: string | undefined; organisation?: string | undefined }): Promise<HandoverSummary> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    let q = tx
      .selectFrom('mailpieces as m')
      .innerJoin('orders as o', 'o.id', 'm.order_id')
      .leftJoin('mailpiece_returns as r', (j) => j.onRef('r.mailpiece_id', '=', 'm.id').on('r.kind', '=', 'returned'))
      .select([
        sql<string>`count(*) FILTER (WHERE m.status IN ('deposited', 'delivered', 'returned', 'ar_received'))`.as('deposited'),
        // Delivered: said so by La Poste, or shown by the card that came back signed.
        sql<string>`count(*) FILTER (WHERE m.status IN ('delivered', 'ar_received'))`.as('delivered'),
        sql<string>`count(*) FILTER (WHERE m.status = 'ar_received')`.as('ar_received'),
        sql<string>`count(*) FILTER (WHERE r.reason = 'address_error')`.as('address_error'),
        sql<string>`count(*) FILTER (WHERE r.reason = 'not_claimed')`.as('not_claimed'),
        sql<string>`count(*) FILTER (WHERE r.reason = 'refused')`.as('refused'),
      ])
      .where('o.kind', '=', 'paper');
    if (!isProviderRole(principal.role)) q = q.where('m.organisation_id', '=', principal.organisationId);
    if (principal.role === 'client_user') q = q.where('o.created_by', '=', principal.userId);
    if (filter.order) q = q.where('m.order_id', '=', filter.order);
    if (filter.organisation) q = q.where('m.organisation_id', '=', filter.organisation);
    const c = await q.executeTakeFirstOrThrow();
    const n = (v: string) => Number(v);
    return {
      deposited: n(c.deposited),
      delivered: n(c.delivered),
      returned: { total: n(c.address_error) + n(c.not_claimed) + n(c.refused), address_error: n(c.address_error), not_claimed: n(c.not_claimed), refused: n(c.refused) },
      ar_received: n(c.ar_received),
    };
  });
}

/** The job: a return's scan into the simple archive, when the organisation's contract has it. */
export async function archiveReturnScan(deps: Pick<ReturnsDeps, 'db'> & { archive: ArchiveDeps }, returnId: string): Promise<boolean> {
  const r = await inScope(deps.db, systemScope, (tx) =>
    tx
      .selectFrom('mailpiece_returns as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .innerJoin('mailpieces as m', 'm.id', 'r.mailpiece_id')
      .select(['r.id', 'r.kind', 'r.reason', 'r.organisation_id', 'r.order_id', 'r.scan_sha256', 'r.scan_content_type', 'r.scan_size_bytes', 'r.scan_filename', 'r.received_at', 'o.name as order_name', 'o.created_by', 'm.recipient', 'm.tracking_number', 'm.number'])
      .where('r.id', '=', returnId)
      .executeTakeFirst(),
  );
  if (!r) return false;
  const recipient = r.recipient.address[0] ?? '';
  const ext = r.scan_content_type === 'application/pdf' ? 'pdf' : r.scan_content_type === 'image/png' ? 'png' : 'jpg';
  const returned = r.kind === 'returned';
  const title = returned ? `Pli non distribué — ${recipient} — ${r.order_name}` : `Avis de réception — ${recipient} — ${r.order_name}`;
  return archiveReturnedScan(deps.archive, {
    organisationId: r.organisation_id,
    ownerUserId: r.created_by,
    orderId: r.order_id,
    orderName: r.order_name,
    kind: returned ? 'returned_letter' : 'proof_of_receipt',
    filename: `${returned ? 'retour' : 'avis-de-reception'}-${r.tracking_number ?? `pli-${r.number}`}.${ext}`,
    title: title.slice(0, 200),
    fields: { recipient, ...(r.tracking_number ? { tracking_number: r.tracking_number } : {}), ...(r.reason ? { reason: r.reason } : {}), received_at: r.received_at.toISOString() },
    sha256: r.scan_sha256,
    contentType: r.scan_content_type,
    sizeBytes: Number(r.scan_size_bytes),
  });
}

/**
 * A returned letter sent again to a corrected address: a new paper order, linked to the returned
 * mailpiece, with the same letter (its pages, cut out of a run when it was one of many) and the
 * same options, an address carrier sheet in front (the old address in the window is covered), and
 * submitted at once — the client saw the price before confirming.
 */
export async function resendReturned(deps: ReturnsDeps, principal: UserPrincipal, mailpieceId: string, to: { address: string[]; country: string }): Promise<{ orderId: string }> {
  const source = await inScope(deps.db, scopeOf(principal), async (tx) => {
    const m = await tx
      .selectFrom('mailpieces as m')
      .innerJoin('orders as o', 'o.id', 'm.order_id')
      .select(['m.id', 'm.status', 'm.number', 'm.first_page', 'm.last_page', 'o.id as order_id', 'o.name', 'o.documents', 'o.options', 'o.organisation_id', 'o.created_by', 'o.kind'])
      .where('m.id', '=', mailpieceId)
      .executeTakeFirst();
    const visible = m && (isProviderRole(principal.role) ? false : m.organisation_id === principal.organisationId && (principal.role === 'client_admin' || m.created_by === principal.userId));
    if (!m || !visible) throw notFound('not_found.mailpiece');
    if (m.status !== 'returned') throw new AppError('conflict', message('returns.resend_not_returned', { status: message(`step.${m.status as 'pending'}`) }));
    const already = await tx.selectFrom('orders').select('id').where('resend_of', '=', m.id).where('status', '<>', 'cancelled').executeTakeFirst();
    if (already) throw new AppError('conflict', message('returns.already_resent', { order: already.id }), { extra: { order_id: already.id } });
    const docs = m.documents as string[];
    const main = await tx.selectFrom('documents').select(['id', 'pages', 'sha256', 'filename']).where('id', '=', docs[0]!).executeTakeFirstOrThrow();
    return { ...m, docs, main };
  });
  let documents = source.docs;
  // One letter of a run: its pages become a document of their own.
  if (source.first_page !== 1 || source.last_page !== source.main.pages) {
    const whole = await PDFDocument.load(await deps.storage.getBuffer(source.main.sha256!), { updateMetadata: false });
    const part = await PDFDocument.create({ updateMetadata: false });
    const pages = await part.copyPages(whole, Array.from({ length: source.last_page - source.first_page + 1 }, (_, i) => source.first_page - 1 + i));
    for (const p of pages) part.addPage(p);
    const filename = `${source.main.filename.replace(/\.[a-z0-9]{1,5}$/i, '')}-pli-${source.number}.pdf`;
    const doc = await deps.newDocument(principal, { filename, stream: Readable.from([Buffer.from(await part.save({ useObjectStreams: false }))]) });
    if (doc.status !== 'ready') throw new AppError('business_rule', message('order.document_failed', { id: doc.id }));
    documents = [doc.id, ...source.docs.slice(1)];
  }
  const options = { ...(source.options as OrderInput['options']), archive: { type: 'none' as const } };
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const name = `${source.name} — renvoi du pli ${source.number}`.slice(0, 200);
    const { orderId } = await createFollowUpOrder(tx, deps.orders, { organisationId: source.organisation_id, createdBy: principal.userId, actorUserId: principal.userId, name, documents, options, recipient: to, link: { resendOf: source.id } });
    return { orderId };
  });
}

// ---------------------------------------------------------------------------------------------
// The address book's flags.

export type AddressFlagRow = Selectable<AddressFlagsTable>;

export async function listAddressFlags(deps: Pick<ReturnsDeps, 'db'>, principal: UserPrincipal): Promise<AddressFlagRow[]> {
  return inScope(deps.db, scopeOf(principal), (tx) => tx.selectFrom('address_flags').selectAll().where('organisation_id', '=', principal.organisationId).where('cleared_at', 'is', null).orderBy('flagged_at', 'desc').limit(1000).execute());
}

/** The address is right after all (or corrected at the source): orders to it stop warning. */
export async function clearAddressFlag(deps: Pick<ReturnsDeps, 'db' | 'clock'>, principal: UserPrincipal, id: string): Promise<void> {
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    const done = await tx.updateTable('address_flags').set({ cleared_at: deps.clock.now(), cleared_by: principal.userId }).where('id', '=', id).where('organisation_id', '=', principal.organisationId).where('cleared_at', 'is', null).executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw notFound('not_found.address_flag');
  });
}
