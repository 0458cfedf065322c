import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql, type Kysely, type Selectable } from 'kysely';
import { z } from 'zod';
import {
  approvableFrom,
  DESTRUCTION_WAITING_DAYS,
  extendRetention as extendedRetention,
  isRetentionYears,
  nextArchiveStatus,
  refuseApproval,
  refuseProposal,
  retainUntil,
  type ArchiveRefusal,
  type ArchiveState,
} from '#domain/archive/retention.js';
import type { JsonValue } from '#domain/trust/canonical-json.js';
import { AppError, message, notFound } from '../../errors.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { ArchiveItemsTable, DB } from '../../platform/db/schema.js';
import { inScope, systemScope, type Scope, type Tx, type Within } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { decodeCursor, toPage } from '../../platform/http/pagination.js';
import { senderStream } from '../../platform/http/upload.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { defineJob, type JobQueue } from '../../platform/jobs/job-queue.js';
import { expandsTooMuch } from '../../platform/pdf/decompression-guard.js';
import { openPdfJs, pdfText, renderPagePng } from '../../platform/pdf/pdfjs.js';
import { referencedKeys } from '../../platform/storage/object-sweeper.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import type { CheckpointDeps } from '../../platform/trust/checkpoints.js';
import { appendToJournal } from '../../platform/trust/journal.js';
import type { TimeStamper } from '../../platform/trust/time-stamping.js';
import type { TrustKeys } from '../../platform/trust/trust-keys.js';
import { depositCertificatePdf, destructionCertificatePdf } from './archive-certificates.js';
import { timeStampFacts } from '../../platform/trust/time-stamp-facts.js';

/**
 * The archives (M-6.b, M-6.c). An archived file is stored once by content, kept from deletion by
 * the storage port until its retention ends (WORM), and every event about it — deposit,
 * consultation, download, metadata change, retention extension, legal hold, destruction,
 * proof export — is a trust-journal entry written in the transaction of the change, so that the
 * signed, time-stamped checkpoints cover it. Only a client's own organisation reads its archive;
 * a user sees the files of their own orders and what they deposited, an administrator all.
 */
export interface ArchiveDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  storage: ObjectStorage;
  queue: JobQueue;
  timeStamper: TimeStamper;
  keys: TrustKeys;
  checkpoints: CheckpointDeps;
  publicUrl: string;
  /** The largest file the electronic archive accepts (PLI_ARCHIVE_MAX_BYTES). */
  maxBytes: number;
  /** Reuse: an archived file becomes a new letter document (the documents module's upload, inspection included). */
  newDocument: (principal: UserPrincipal, file: { filename: string; stream: Readable }) => Promise<{ id: string }>;
}

export type ArchiveRow = Selectable<ArchiveItemsTable>;

const sealDeps = (deps: ArchiveDeps) => ({ seal: deps.keys.seal, root: deps.keys.root, timeStamper: deps.timeStamper });

export const indexArchiveTextJob = defineJob({ name: 'archive.index_text', schema: z.object({ item_id: z.string() }), retryLimit: 2, expireInSeconds: 600 });
/** An accepted order's files, into the archive its options chose (the order's own transaction enqueues it). */
export const archiveOrderFilesJob = defineJob({ name: 'archive.order_files', schema: z.object({ order_id: z.string() }), retryLimit: 5, expireInSeconds: 600 });
/** A deposited batch's deposit-slip extracts, into the simple archive of the organisations that have it. */
export const archiveDepositSlipsJob = defineJob({ name: 'archive.deposit_slips', schema: z.object({ batch_id: z.string() }), retryLimit: 5, expireInSeconds: 600 });

/** The text kept for full-text search: enough for any letter or contract, never a whole book. */
const MAX_TEXT_CHARS = 1_000_000;
const MAX_TEXT_PAGES = 200;

// ---------------------------------------------------------------------------------------------
// Receiving a file: streamed into storage with both hashes computed on the way.

export interface StoredUpload {
  sha256: string;
  sha3_256: string;
  sizeBytes: number;
  /** What the first bytes say the file is (never what the sender claims). */
  contentType: string;
}

export async function storeUpload(deps: Pick<ArchiveDeps, 'storage' | 'maxBytes'>, stream: Readable): Promise<StoredUpload> {
  const sha3 = createHash('sha3-256');
  let head = Buffer.alloc(0);
  const tooLarge = () => new AppError('payload_too_large', message('archive.too_large', { mb: Math.round(deps.maxBytes / 1024 / 1024) }));
  const tapped = senderStream(stream, (chunk) => {
    sha3.update(chunk);
    if (head.length < 8192) head = Buffer.concat([head, chunk.subarray(0, 8192 - head.length)]);
  });
  const stored = await deps.storage.put(tapped, { maxBytes: deps.maxBytes }).catch((err: unknown) => {
    if ((err instanceof AppError && err.code === 'payload_too_large') || (err as { statusCode?: number }).statusCode === 413) throw tooLarge();
    throw err;
  });
  // The busboy stream says it was cut at the limit without an error: the stored object is then short.
  if ((stream as { truncated?: boolean }).truncated) throw tooLarge();
  return { sha256: stored.sha256, sha3_256: sha3.digest('hex'), sizeBytes: stored.sizeBytes, contentType: sniffContentType(head) };
}

/** The type by magic bytes; anything not recognised is an opaque byte stream. */
export function sniffContentType(head: Buffer): string {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => head[at + i] === b);
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (starts([0x50, 0x4b, 0x03, 0x04])) return 'application/zip';
  if (head.length > 0 && !head.includes(0) && isUtf8(head)) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}

function isUtf8(bytes: Buffer): boolean {
  try {
    // The head may end inside a character: drop up to 3 trailing bytes before judging.
    for (let cut = 0; cut < 4; cut += 1) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
        return true;
      } catch {
        /* try shorter */
      }
    }
    return false;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Deposit.

export interface DepositInput {
  upload: StoredUpload;
  filename: string;
  retentionYears: number | undefined;
  title: string | undefined;
  tags: string[];
  fields: Record<string, string>;
}

async function contractOptions(tx: Tx, organisationId: string): Promise<{ simple_archive?: boolean; electronic_archive?: boolean } | null> {
  const c = await tx.selectFrom('contracts').select('options').where('organisation_id', '=', organisationId).executeTakeFirst();
  return (c?.options as { simple_archive?: boolean; electronic_archive?: boolean } | undefined) ?? null;
}

/** Which archives the caller's contract includes (M-6 options): the portal shows only those. */
export async function archiveOptions(deps: Pick<ArchiveDeps, 'db'>, principal: UserPrincipal): Promise<{ simple: boolean; electronic: boolean }> {
  const c = await inScope(deps.db, scopeOf(principal), (tx) => contractOptions(tx, principal.organisationId));
  return { simple: c?.simple_archive === true, electronic: c?.electronic_archive === true };
}

/** A user's deposit in the electronic archive (POST /api/v1/archive). */
export async function depositDocument(deps: ArchiveDeps, principal: UserPrincipal, input: DepositInput, within?: Within<ArchiveRow>): Promise<ArchiveRow> {
  const retention = input.retentionYears;
  if (retention === undefined || !isRetentionYears(retention)) {
    throw new AppError('validation_failed', 'archive.retention_choice', { errors: [{ field: 'retention_years', message: 'field.retention_choice' }] });
  }
  if (input.upload.sizeBytes === 0) throw new AppError('business_rule', 'archive.empty');
  const contract = await inScope(deps.db, scopeOf(principal), (tx) => contractOptions(tx, principal.organisationId));
  if (!contract?.electronic_archive) throw new AppError('business_rule', 'archive.no_electronic_archive');
  const row = await recordDeposit(deps, scopeOf(principal), {
    organisationId: principal.organisationId,
    ownerUserId: principal.userId,
    orderId: null,
    tier: 'electronic',
    kind: 'deposit',
    retentionYears: retention,
    filename: input.filename,
    title: input.title,
    tags: input.tags,
    fields: input.fields,
    upload: input.upload,
  }, within);
  return row!; // no order: nothing it could collide with
}

interface DepositRecord {
  organisationId: string;
  ownerUserId: string | null;
  orderId: string | null;
  tier: 'simple' | 'electronic';
  kind: ArchiveRow['kind'];
  retentionYears: number | null;
  filename: string;
  title: string | undefined;
  tags: string[];
  fields: Record<string, string>;
  upload: StoredUpload;
}

// Control characters, slashes and backslashes never reach a header or a file name.
// eslint-disable-next-line no-control-regex
const cleanFilename = (name: string) => (name || 'document').replace(/[\u0000-\u001f\u007f/\\]+/g, '_').slice(0, 255);

/**
 * The deposit itself: time-stamped (electronic), journaled and recorded in one transaction, its
 * certificate issued, then held by the storage's retention.
 */
async function recordDeposit(deps: ArchiveDeps, scope: Scope, d: DepositRecord, within?: Within<ArchiveRow>): Promise<ArchiveRow | null> {
  const id = deps.ids.next('arc');
  const now = deps.clock.now();
  const filename = cleanFilename(d.filename);
  const title = (d.title?.trim() || filename.replace(/\.[a-z0-9]{1,5}$/i, '')).slice(0, 200);
  const electronic = d.tier === 'electronic';
  const until = electronic ? retainUntil(now, d.retentionYears!) : null;
  // The slow parts before the transaction: a failure below leaves at most an unreferenced
  // certificate object, which the storage sweeper deletes.
  const token = electronic ? await deps.timeStamper.stamp(Buffer.from(d.upload.sha256, 'hex')) : null;
  const stamped = token ? timeStampFacts(token) : null;
  const certificate = electronic
    ? await deps.storage.put(
        Buffer.from(
          await depositCertificatePdf(sealDeps(deps), {
            id,
            title,
            filename,
            sha256: d.upload.sha256,
            sha3_256: d.upload.sha3_256,
            sizeBytes: d.upload.sizeBytes,
            depositedAt: now,
            retentionYears: d.retentionYears!,
            retainUntil: until!,
            timeStamp: stamped!,
            verifyUrl: `${deps.publicUrl}/verify/`,
          }),
        ),
      )
    : null;
  let row: ArchiveRow;
  try {
    row = await inScope(deps.db, scope, async (tx) => {
      await deps.queue.enqueue(tx, indexArchiveTextJob, { item_id: id });
      // The journal last but for the row that names its entry: appends queue on the head's lock until commit.
      const entry = await appendToJournal(tx, deps.clock, {
        kind: 'archive.deposited',
        organisationId: d.organisationId,
        subject: id,
        data: {
          tier: d.tier,
          kind: d.kind,
          sha256: d.upload.sha256,
          sha3_256: d.upload.sha3_256,
          size_bytes: d.upload.sizeBytes,
          retention_years: d.retentionYears,
          retain_until: until?.toISOString() ?? null,
          timestamp_token_sha256: token ? createHash('sha256').update(token).digest('hex') : null,
          certificate_sha256: certificate?.sha256 ?? null,
          order: d.orderId,
          by: d.ownerUserId,
        },
      });
      return tx
        .insertInto('archive_items')
        .values({
          id,
          organisation_id: d.organisationId,
          tier: d.tier,
          kind: d.kind,
          owner_user_id: d.ownerUserId,
          order_id: d.orderId,
          title,
          filename,
          content_type: d.upload.contentType,
          tags: d.tags,
          fields: JSON.stringify(d.fields),
          sha256: d.upload.sha256,
          sha3_256: d.upload.sha3_256,
          size_bytes: d.upload.sizeBytes,
          search_text: searchText({ title, filename, tags: d.tags, fields: d.fields, text: null }),
          deposited_at: now,
          retention_years: d.retentionYears,
          retain_until: until,
          timestamp_token: token ? Buffer.from(token) : null,
          timestamped_at: stamped?.genTime ?? null,
          deposit_seq: entry.seq,
          certificate_sha256: certificate?.sha256 ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }, within);
  } catch (err) {
    // An order's file or slip archived meanwhile by another run of the same job: nothing to add
    // (the transaction, journal entry included, is rolled back).
    if (d.orderId !== null && (err as { code?: string }).code === '23505') return null;
    throw err;
  }
  // After the commit: a retention set for a deposit that then failed would hold an orphan for
  // years. A failure here leaves the row without its lock for a moment: the integrity audit sets
  // every kept item's retention again.
  if (until) await deps.storage.retain(d.upload.sha256, until);
  return row;
}

/** Already kept: the same file of the same order, or the same named slip (a job that runs again archives nothing twice). */
async function alreadyArchived(deps: Pick<ArchiveDeps, 'db'>, orderId: string, kind: ArchiveRow['kind'], match: { sha256: string } | { title: string }): Promise<boolean> {
  const row = await inScope(deps.db, systemScope, (tx) => {
    const q = tx.selectFrom('archive_items').select('id').where('order_id', '=', orderId).where('kind', '=', kind);
    return ('sha256' in match ? q.where('sha256', '=', match.sha256) : q.where('title', '=', match.title)).executeTakeFirst();
  });
  return row !== undefined;
}

/** SHA3-256 of a stored object, read as a stream. */
async function sha3Of(storage: ObjectStorage, key: string): Promise<string> {
  const hash = createHash('sha3-256');
  for await (const chunk of await storage.get(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The job after acceptance: each document of the order, as printed (the PDF), into the simple
 * archive (kept for the contract) or the electronic one (its retention), as the order chose.
 */
export async function archiveOrderFiles(deps: ArchiveDeps, orderId: string): Promise<number> {
  const order = await inScope(deps.db, systemScope, (tx) => tx.selectFrom('orders').select(['id', 'name', 'organisation_id', 'created_by', 'documents', 'options']).where('id', '=', orderId).executeTakeFirst());
  const choice = (order?.options as { archive?: { type: 'none' | 'simple' | 'electronic'; retention_years?: number } } | undefined)?.archive;
  if (!order || !choice || choice.type === 'none') return 0;
  const ids = order.documents as string[];
  const docs = await inScope(deps.db, systemScope, (tx) => tx.selectFrom('documents').select(['id', 'filename', 'sha256', 'size_bytes']).where('id', 'in', ids.length ? ids : ['']).execute());
  let archived = 0;
  for (const id of ids) {
    const doc = docs.find((d) => d.id === id);
    if (!doc?.sha256 || (await alreadyArchived(deps, order.id, 'sent_file', { sha256: doc.sha256 }))) continue;
    const filename = doc.filename.replace(/\.[a-z0-9]{1,5}$/i, '') + '.pdf';
    const row = await recordDeposit(deps, systemScope, {
      organisationId: order.organisation_id,
      ownerUserId: order.created_by,
      orderId: order.id,
      tier: choice.type,
      kind: 'sent_file',
      retentionYears: choice.type === 'electronic' ? (choice.retention_years ?? 1) : null,
      filename,
      title: `${order.name} — ${filename}`,
      tags: [],
      fields: { order: order.name },
      upload: { sha256: doc.sha256, sha3_256: await sha3Of(deps.storage, doc.sha256), sizeBytes: Number(doc.size_bytes), contentType: 'application/pdf' },
    });
    if (row) archived += 1;
  }
  return archived;
}

export interface DepositSlipExtract {
  orderId: string;
  orderName: string;
  organisationId: string;
  createdBy: string;
  batchNumber: number;
  pdf: Uint8Array;
}

/** The job after a batch's deposit: each client's extract of the deposit slip, for those with the simple archive. */
export async function archiveDepositSlips(deps: ArchiveDeps, extracts: () => Promise<DepositSlipExtract[]>): Promise<number> {
  let archived = 0;
  for (const e of await extracts()) {
    const contract = await inScope(deps.db, systemScope, (tx) => contractOptions(tx, e.organisationId));
    const title = `Bordereau de dépôt B${e.batchNumber} — ${e.orderName}`;
    if (!contract?.simple_archive || (await alreadyArchived(deps, e.orderId, 'deposit_slip', { title }))) continue;
    const stored = await deps.storage.put(Buffer.from(e.pdf));
    const row = await recordDeposit(deps, systemScope, {
      organisationId: e.organisationId,
      ownerUserId: e.createdBy,
      orderId: e.orderId,
      tier: 'simple',
      kind: 'deposit_slip',
      retentionYears: null,
      filename: `bordereau-B${e.batchNumber}.pdf`,
      title,
      tags: [],
      fields: { order: e.orderName, batch: `B${e.batchNumber}` },
      upload: { sha256: stored.sha256, sha3_256: createHash('sha3-256').update(e.pdf).digest('hex'), sizeBytes: stored.sizeBytes, contentType: 'application/pdf' },
    });
    if (row) archived += 1;
  }
  return archived;
}

/** A scan that came back from La Poste (a returned letter, an AR card), for the simple archive. */
export interface ReturnedScan {
  organisationId: string;
  ownerUserId: string | null;
  orderId: string;
  orderName: string;
  kind: 'returned_letter' | 'proof_of_receipt';
  filename: string;
  title: string;
  fields: Record<string, string>;
  sha256: string;
  contentType: string;
  sizeBytes: number;
}

/**
 * The returns desk's job: the scan into the simple archive (M-6.a, M-6.b) of an organisation
 * whose contract has it; kept once however often the job runs. True when it is (or was) kept.
 */
export async function archiveReturnedScan(deps: ArchiveDeps, scan: ReturnedScan): Promise<boolean> {
  const contract = await inScope(deps.db, systemScope, (tx) => contractOptions(tx, scan.organisationId));
  if (!contract?.simple_archive) return false;
  if (await alreadyArchived(deps, scan.orderId, scan.kind, { sha256: scan.sha256 })) return true;
  await recordDeposit(deps, systemScope, {
    organisationId: scan.organisationId,
    ownerUserId: scan.ownerUserId,
    orderId: scan.orderId,
    tier: 'simple',
    kind: scan.kind,
    retentionYears: null,
    filename: scan.filename,
    title: scan.title,
    tags: [],
    fields: { order: scan.orderName, ...scan.fields },
    upload: { sha256: scan.sha256, sha3_256: await sha3Of(deps.storage, scan.sha256), sizeBytes: scan.sizeBytes, contentType: scan.contentType },
  });
  return true;
}

function searchText(p: { title: string; filename: string; tags: string[]; fields: Record<string, string>; text: string | null }): string {
  return [p.title, p.filename, ...p.tags, ...Object.values(p.fields), p.text ?? ''].join('\n').slice(0, MAX_TEXT_CHARS);
}

/** The search text job: the words of a PDF or a text file, for full-text search. Never fails a deposit. */
export async function indexArchiveText(deps: ArchiveDeps, itemId: string): Promise<void> {
  const item = await inScope(deps.db, systemScope, (tx) => tx.selectFrom('archive_items').selectAll().where('id', '=', itemId).executeTakeFirst());
  if (!item || item.status === 'destroyed' || item.text_content !== null) return;
  let text = '';
  if (item.content_type === 'application/pdf') {
    const bytes = await deps.storage.getBuffer(item.sha256);
    // A hostile PDF (decompression bomb) is kept as it is; it only goes unsearched.
    if (!expandsTooMuch(bytes)) {
      try {
        const doc = await openPdfJs(bytes);
        try {
          text = await pdfText(doc, MAX_TEXT_PAGES);
        } finally {
          await doc.destroy();
        }
      } catch {
        text = '';
      }
    }
  } else if (item.content_type.startsWith('text/plain')) {
    text = new TextDecoder('utf-8').decode((await deps.storage.getBuffer(item.sha256)).subarray(0, MAX_TEXT_CHARS));
  }
  text = text.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT_CHARS);
  await inScope(deps.db, systemScope, (tx) =>
    tx
      .updateTable('archive_items')
      .set({ text_content: text, search_text: searchText({ title: item.title, filename: item.filename, tags: item.tags, fields: item.fields, text }) })
      .where('id', '=', itemId)
      .where('status', '<>', 'destroyed')
      .execute(),
  );
}

// ---------------------------------------------------------------------------------------------
// Reading.

/** A user sees their own; an administrator the whole organisation's (row-level security keeps other organisations out). */
function visibleTo(principal: UserPrincipal, row: { owner_user_id: string | null }): boolean {
  return principal.role === 'client_admin' || row.owner_user_id === principal.userId;
}

async function itemFor(tx: Tx, principal: UserPrincipal, id: string, forUpdate = false): Promise<ArchiveRow> {
  let q = tx.selectFrom('archive_items').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || !visibleTo(principal, row)) throw notFound('not_found.archive_item');
  return row;
}

export async function getArchiveItem(deps: Pick<ArchiveDeps, 'db'>, principal: UserPrincipal, id: string): Promise<ArchiveRow> {
  return inScope(deps.db, scopeOf(principal), (tx) => itemFor(tx, principal, id));
}

export interface ArchiveListFilter {
  query?: string | undefined;
  tier?: 'simple' | 'electronic' | undefined;
  kind?: ArchiveRow['kind'] | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Words of the query as a prefix search: "bail 2026" finds "Bail commercial … 2026-01". */
export function tsQuery(query: string): string | null {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu)?.slice(0, 12) ?? [];
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

export async function listArchive(deps: Pick<ArchiveDeps, 'db'>, principal: UserPrincipal, f: ArchiveListFilter) {
  const after = decodeCursor(f.cursor);
  const rows = await inScope(deps.db, scopeOf(principal), (tx) => {
    let q = tx.selectFrom('archive_items').selectAll().orderBy('id', 'desc').limit(f.limit + 1);
    if (principal.role !== 'client_admin') q = q.where('owner_user_id', '=', principal.userId);
    if (after) q = q.where('id', '<', after);
    if (f.tier) q = q.where('tier', '=', f.tier);
    if (f.kind) q = q.where('kind', '=', f.kind);
    const ts = f.query ? tsQuery(f.query) : null;
    if (ts) q = q.where(sql<boolean>`to_tsvector('simple', search_text) @@ to_tsquery('simple', ${ts})`);
    return q.execute();
  });
  return toPage(rows, f.limit);
}

/** The item's audit trail: its journal entries, oldest first. */
export async function archiveEvents(deps: Pick<ArchiveDeps, 'db'>, principal: UserPrincipal, id: string) {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    await itemFor(tx, principal, id);
    const rows = await sql<{ seq: string | number; recorded_at: Date; kind: string; entry: string }>`
      SELECT seq, recorded_at, kind, entry FROM trust_journal WHERE subject = ${id} ORDER BY seq`.execute(tx);
    return rows.rows.map((r) => {
      const data = ((JSON.parse(r.entry) as { data?: Record<string, unknown> }).data ?? {}) as Record<string, unknown>;
      return { seq: Number(r.seq), kind: r.kind, at: new Date(r.recorded_at), by: typeof data.by === 'string' ? data.by : null, detail: data };
    });
  });
}

/** The archived bytes; the consultation or download is journaled first (no unrecorded read). */
export async function archiveContent(deps: ArchiveDeps, principal: UserPrincipal, id: string, disposition: 'inline' | 'attachment'): Promise<{ item: ArchiveRow; stream: Readable }> {
  const item = await inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await itemFor(tx, principal, id);
    if (row.status === 'destroyed') throw destroyedError(row);
    await journal(tx, deps.clock, row, disposition === 'inline' ? 'archive.consulted' : 'archive.downloaded', { by: principal.userId });
    return row;
  });
  return { item, stream: await deps.storage.get(item.sha256) };
}

/**
 * Reuse (M-6.b): an archived file starts a new letter — uploaded again as a document, inspected
 * like any upload (a file Pli cannot print is refused with the reason); journaled.
 */
export async function reuseArchivedFile(deps: ArchiveDeps, principal: UserPrincipal, id: string): Promise<{ documentId: string }> {
  const item = await getArchiveItem(deps, principal, id);
  if (item.status === 'destroyed') throw destroyedError(item);
  const doc = await deps.newDocument(principal, { filename: item.filename, stream: await deps.storage.get(item.sha256) });
  await inScope(deps.db, scopeOf(principal), (tx) => journal(tx, deps.clock, item, 'archive.reused', { by: principal.userId, document: doc.id }));
  return { documentId: doc.id };
}

/** What the document page shows: page 1 of a PDF, or the image itself, as PNG or JPEG; journaled as a consultation. */
export async function archivePreview(deps: ArchiveDeps, principal: UserPrincipal, id: string): Promise<{ type: string; bytes: Buffer }> {
  const item = await inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await itemFor(tx, principal, id);
    if (row.status === 'destroyed') throw destroyedError(row);
    if (row.content_type !== 'application/pdf' && row.content_type !== 'image/png' && row.content_type !== 'image/jpeg') throw new AppError('conflict', 'archive.no_preview');
    await journal(tx, deps.clock, row, 'archive.consulted', { by: principal.userId, preview: true });
    return row;
  });
  const bytes = await deps.storage.getBuffer(item.sha256);
  if (item.content_type !== 'application/pdf') return { type: item.content_type, bytes };
  // A hostile PDF (a decompression bomb) is kept, never rendered.
  if (expandsTooMuch(bytes)) throw new AppError('conflict', 'archive.no_preview');
  const pdf = await openPdfJs(bytes).catch(() => null);
  if (!pdf) throw new AppError('conflict', 'archive.no_preview');
  try {
    return { type: 'image/png', bytes: await renderPagePng(pdf, 1, { dpi: 72 }) };
  } finally {
    await pdf.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Changes: metadata, retention, legal hold, destruction.

async function journal(tx: Tx, clock: Clock, item: ArchiveRow, kind: string, data: { [key: string]: JsonValue }) {
  return appendToJournal(tx, clock, { kind, organisationId: item.organisation_id, subject: item.id, data });
}

const dateOf = (d: Date) => d.toISOString().slice(0, 10);

function refusalError(r: ArchiveRefusal, item: ArchiveRow): AppError {
  switch (r.kind) {
    case 'retained':
      return new AppError('conflict', message('archive.retained', { until: dateOf(r.until) }), { extra: { retain_until: r.until.toISOString() } });
    case 'legal_hold':
      return new AppError('conflict', message('archive.legal_hold', { reason: r.reason }));
    case 'not_proposed':
      return new AppError('conflict', 'archive.not_proposed');
    case 'waiting':
      return new AppError('conflict', message('archive.waiting', { until: dateOf(r.until), days: DESTRUCTION_WAITING_DAYS }), { extra: { approvable_from: r.until.toISOString() } });
    case 'destroyed':
      return destroyedError(item);
    case 'shorter':
      return new AppError('business_rule', message('archive.shorter', { until: dateOf(r.until) }), { errors: [{ field: 'retention_years', message: 'field.retention_longer' }] });
  }
}

const destroyedError = (item: ArchiveRow) => new AppError('conflict', message('archive.destroyed', { at: dateOf(item.destroyed_at ?? new Date(0)) }));

function stateOf(item: ArchiveRow): ArchiveState {
  return { status: item.status, retainUntil: item.retain_until ?? new Date(8.64e15), legalHold: item.legal_hold_reason, destructionProposedAt: item.destruction_proposed_at };
}

/** Archived items that are not the electronic archive's have no retention to manage. */
function electronicOnly(item: ArchiveRow): void {
  if (item.tier !== 'electronic') throw new AppError('conflict', 'archive.simple_tier');
}

export async function updateArchiveMetadata(deps: ArchiveDeps, principal: UserPrincipal, id: string, patch: { title?: string | undefined; tags?: string[] | undefined; fields?: Record<string, string> | undefined }): Promise<ArchiveRow> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const item = await itemFor(tx, principal, id, true);
    if (item.status === 'destroyed') throw destroyedError(item);
    const next = { title: patch.title ?? item.title, tags: patch.tags ?? item.tags, fields: patch.fields ?? item.fields };
    const changed = (['title', 'tags', 'fields'] as const).filter((k) => patch[k] !== undefined);
    const updated = await tx
      .updateTable('archive_items')
      .set({ title: next.title, tags: next.tags, fields: JSON.stringify(next.fields), search_text: searchText({ ...next, filename: item.filename, text: item.text_content }) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // The journal outlives the item: it keeps which fields changed and a hash of their values, not the values.
    await journal(tx, deps.clock, item, 'archive.metadata_changed', { by: principal.userId, fields: changed, metadata_sha256: createHash('sha256').update(JSON.stringify(next)).digest('hex') });
    return updated;
  });
}

export async function extendArchiveRetention(deps: ArchiveDeps, principal: UserPrincipal, id: string, years: number): Promise<ArchiveRow> {
  const row = await inScope(deps.db, scopeOf(principal), async (tx) => {
    const item = await itemFor(tx, principal, id, true);
    electronicOnly(item);
    const outcome = extendedRetention({ ...stateOf(item), depositedAt: new Date(item.deposited_at) }, years);
    if ('kind' in outcome) throw refusalError(outcome, item);
    const now = deps.clock.now();
    // A longer retention withdraws a pending destruction that it makes premature.
    const withdraw = item.status === 'destruction_proposed' && outcome.until.getTime() > now.getTime();
    const updated = await tx
      .updateTable('archive_items')
      .set({ retention_years: years, retain_until: outcome.until, ...(withdraw ? { status: nextArchiveStatus(item.status, 'cancel_destruction')!, destruction_proposed_at: null, destruction_proposed_by: null } : {}) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await journal(tx, deps.clock, item, 'archive.retention_extended', { by: principal.userId, from_years: item.retention_years, to_years: years, retain_until: outcome.until.toISOString(), destruction_withdrawn: withdraw });
    return updated;
  });
  await deps.storage.retain(row.sha256, row.retain_until!);
  return row;
}

export async function setLegalHold(deps: ArchiveDeps, principal: UserPrincipal, id: string, reason: string): Promise<ArchiveRow> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const item = await itemFor(tx, principal, id, true);
    electronicOnly(item);
    if (item.status === 'destroyed') throw destroyedError(item);
    if (item.legal_hold_reason !== null) throw new AppError('conflict', message('archive.already_held', { reason: item.legal_hold_reason }));
    const withdraw = item.status === 'destruction_proposed';
    const updated = await tx
      .updateTable('archive_items')
      .set({ legal_hold_reason: reason, legal_hold_at: deps.clock.now(), legal_hold_by: principal.userId, ...(withdraw ? { status: 'kept' as const, destruction_proposed_at: null, destruction_proposed_by: null } : {}) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await journal(tx, deps.clock, item, 'archive.legal_hold_set', { by: principal.userId, reason, destruction_withdrawn: withdraw });
    return updated;
  });
}

export async function releaseLegalHold(deps: ArchiveDeps, principal: UserPrincipal, id: string): Promise<ArchiveRow> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const item = await itemFor(tx, principal, id, true);
    electronicOnly(item);
    if (item.legal_hold_reason === null) throw new AppError('conflict', 'archive.no_hold');
    const updated = await tx.updateTable('archive_items').set({ legal_hold_reason: null, legal_hold_at: null, legal_hold_by: null }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await journal(tx, deps.clock, item, 'archive.legal_hold_released', { by: principal.userId });
    return updated;
  });
}

/**
 * `DELETE /api/v1/archive/{id}`: refused before the retention's end (with the date), under a
 * legal hold, or once proposed; afterwards it proposes the destruction, which a client
 * administrator approves after the waiting period.
 */
export async function proposeDestruction(deps: ArchiveDeps, principal: UserPrincipal | null, id: string, scope: Scope = principal ? scopeOf(principal) : systemScope): Promise<ArchiveRow> {
  return inScope(deps.db, scope, async (tx) => {
    const item = principal ? await itemFor(tx, principal, id, true) : await tx.selectFrom('archive_items').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    electronicOnly(item);
    if (item.status === 'destruction_proposed') {
      throw new AppError('conflict', message('archive.already_proposed', { until: dateOf(approvableFrom(item.destruction_proposed_at!)) }), { extra: { approvable_from: approvableFrom(item.destruction_proposed_at!).toISOString() } });
    }
    const now = deps.clock.now();
    const refusal = refuseProposal(stateOf(item), now);
    if (refusal) throw refusalError(refusal, item);
    const updated = await tx
      .updateTable('archive_items')
      .set({ status: nextArchiveStatus(item.status, 'propose_destruction')!, destruction_proposed_at: now, destruction_proposed_by: principal?.userId ?? null })
      .where('id', '=', id)
      .where('status', '=', 'kept')
      .returningAll()
      .executeTakeFirstOrThrow();
    await journal(tx, deps.clock, item, 'archive.destruction_proposed', { by: principal?.userId ?? null, approvable_from: approvableFrom(now).toISOString() });
    return updated;
  });
}

/** The daily task: every electronic item whose retention has ended, and not held, is proposed for destruction. */
export async function proposeDueDestructions(deps: ArchiveDeps): Promise<number> {
  const due = await inScope(deps.db, systemScope, (tx) =>
    tx.selectFrom('archive_items').select('id').where('status', '=', 'kept').where('tier', '=', 'electronic').where('legal_hold_reason', 'is', null).where('retain_until', '<=', deps.clock.now()).limit(1000).execute(),
  );
  let proposed = 0;
  for (const { id } of due) {
    try {
      await proposeDestruction(deps, null, id, systemScope);
      proposed += 1;
    } catch (err) {
      // Held or proposed meanwhile by somebody else: their act stands.
      if (!(err instanceof AppError && err.code === 'conflict')) throw err;
    }
  }
  return proposed;
}

/**
 * The approval (client administrator, after the waiting period): the item becomes a minimal
 * record (hashes, dates, time-stamp, journal position — what its old proofs need), the file and
 * its derived text are deleted, and a sealed destruction certificate is issued.
 */
export async function approveDestruction(deps: ArchiveDeps, principal: UserPrincipal, id: string): Promise<ArchiveRow> {
  const now = deps.clock.now();
  const before = await getArchiveItem(deps, principal, id);
  electronicOnly(before);
  const early = refuseApproval(stateOf(before), now);
  if (early) throw refusalError(early, before);
  const certificate = await deps.storage.put(
    Buffer.from(await destructionCertificatePdf(sealDeps(deps), { id, title: before.title, filename: before.filename, sha256: before.sha256, sha3_256: before.sha3_256, depositedAt: new Date(before.deposited_at), retainUntil: before.retain_until!, proposedAt: before.destruction_proposed_at!, destroyedAt: now, approvedBy: principal.name })),
  );
  const row = await inScope(deps.db, scopeOf(principal), async (tx) => {
    const item = await itemFor(tx, principal, id, true);
    const refusal = refuseApproval(stateOf(item), now);
    if (refusal) throw refusalError(refusal, item);
    const updated = await tx
      .updateTable('archive_items')
      .set({ status: nextArchiveStatus(item.status, 'approve_destruction')!, destroyed_at: now, destroyed_by: principal.userId, destruction_certificate_sha256: certificate.sha256, text_content: null, search_text: '', tags: [], fields: '{}' })
      .where('id', '=', id)
      .where('status', '=', 'destruction_proposed')
      .returningAll()
      .executeTakeFirstOrThrow();
    await journal(tx, deps.clock, item, 'archive.destruction_executed', { by: principal.userId, sha256: item.sha256, certificate_sha256: certificate.sha256 });
    return updated;
  });
  // The bytes go unless another record still holds the same content (another deposit of the same
  // file, an order's letter): objects are shared by content.
  const stillUsed = await inScope(deps.db, systemScope, (tx) => referencedKeys(tx, [row.sha256]));
  if (!stillUsed.has(row.sha256)) await deps.storage.delete(row.sha256);
  return row;
}

/** Sets every kept item's retention in storage again: idempotent, repairs a deposit interrupted between its commit and its lock. */
export async function reassertRetentions(deps: Pick<ArchiveDeps, 'db' | 'storage'>): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await inScope(deps.db, systemScope, (tx) =>
      tx.selectFrom('archive_items').select(['id', 'sha256', 'retain_until']).where('status', '<>', 'destroyed').where('retain_until', 'is not', null).where('id', '>', after).orderBy('id').limit(500).execute(),
    );
    for (const r of rows) await deps.storage.retain(r.sha256, r.retain_until!);
    if (rows.length < 500) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** The archived objects' integrity: each kept item's bytes re-hashed against what was deposited. */
export async function auditArchiveObjects(deps: Pick<ArchiveDeps, 'db' | 'storage'>): Promise<Array<{ id: string; organisationId: string; sha256: string; problem: 'changed' | 'missing' }>> {
  const findings: Array<{ id: string; organisationId: string; sha256: string; problem: 'changed' | 'missing' }> = [];
  let after = '';
  for (;;) {
    const rows = await inScope(deps.db, systemScope, (tx) =>
      tx.selectFrom('archive_items').select(['id', 'organisation_id', 'sha256']).where('status', '<>', 'destroyed').where('id', '>', after).orderBy('id').limit(500).execute(),
    );
    for (const r of rows) {
      const ok = await deps.storage.verify(r.sha256).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found') return null;
        throw err;
      });
      if (ok !== true) findings.push({ id: r.id, organisationId: r.organisation_id, sha256: r.sha256, problem: ok === null ? 'missing' : 'changed' });
    }
    if (rows.length < 500) return findings;
    after = rows[rows.length - 1]!.id;
  }
}
