import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Kysely, Selectable } from 'kysely';
import { AppError, message, notFound } from '../../errors.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { DB, DocumentsTable } from '../../platform/db/schema.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { defineJob, type JobQueue } from '../../platform/jobs/job-queue.js';
import { openPdfJs, renderPagePng } from '../../platform/pdf/pdfjs.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import { ConversionError, convertToPdf } from './convert-office.js';
import type { DocumentRules } from './documents.rules.js';
import { sniffKind } from './file-kind.js';
import { inspectPdf, type AddressChecker } from './inspect-pdf.js';

/**
 * Documents: uploaded letters, stored byte for byte and never modified (M-3.3). Office files are
 * converted to PDF in a job; the converted PDF is then inspected like any upload.
 */
export const convertDocumentJob = defineJob({
  name: 'documents.convert',
  schema: z.object({ document_id: z.string() }),
  retryLimit: 2,
  retryDelaySeconds: 10,
  expireInSeconds: 600,
});

export interface DocumentDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  storage: ObjectStorage;
  queue: JobQueue;
  rules: DocumentRules;
  checkAddress: AddressChecker;
}

export type DocumentRow = Selectable<DocumentsTable>;

export async function uploadDocument(deps: DocumentDeps, principal: UserPrincipal, file: { filename: string; stream: Readable }): Promise<DocumentRow> {
  const filename = (file.filename || 'document').slice(0, 255);
  // Streamed into storage (hashed on the way), never held whole while receiving.
  const stored = await deps.storage.put(file.stream, { maxBytes: deps.rules.maxUploadBytes }).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'payload_too_large') {
      throw new AppError('payload_too_large', message('document.too_large', { mb: Math.round(deps.rules.maxUploadBytes / 1024 / 1024) }));
    }
    throw err;
  });
  const id = deps.ids.next('doc');
  // A refusal below leaves the stored object in place: another organisation's identical upload
  // may be using it. The storage sweeper deletes it once nothing references it (ADR 0007).
  if (stored.sizeBytes === 0) throw new AppError('business_rule', 'document.empty');
  const bytes = await deps.storage.getBuffer(stored.sha256);
  const kind = sniffKind(bytes.subarray(0, 4096), filename);
  if (kind === null) {
    throw new AppError('unsupported_media_type', message('document.not_convertible', { filename }));
  }
  const now = deps.clock.now();
  if (kind !== 'pdf') {
    await inScope(deps.db, scopeOf(principal), async (tx) => {
      await tx
        .insertInto('documents')
        .values({ id, organisation_id: principal.organisationId, created_by: principal.userId, filename, status: 'converting', source_kind: kind, source_sha256: stored.sha256, source_size_bytes: stored.sizeBytes, created_at: now })
        .execute();
      await deps.queue.enqueue(tx, convertDocumentJob, { document_id: id });
      await recordAudit(tx, deps, { organisationId: principal.organisationId, actorUserId: principal.userId, action: 'document.uploaded', subjectId: id, detail: { filename, kind, sha256: stored.sha256 } });
    });
    return getDocument(deps, principal, id);
  }
  const inspection = await inspectPdf(bytes, deps.rules, deps.checkAddress);
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    await tx
      .insertInto('documents')
      .values({
        id,
        organisation_id: principal.organisationId,
        created_by: principal.userId,
        filename,
        status: 'ready',
        source_kind: 'pdf',
        sha256: stored.sha256,
        size_bytes: stored.sizeBytes,
        pages: inspection.pages,
        address: JSON.stringify(inspection.address),
        warnings: JSON.stringify(inspection.warnings),
        page_windows: JSON.stringify(inspection.pageWindows),
        created_at: now,
        ready_at: now,
      })
      .execute();
    await recordAudit(tx, deps, { organisationId: principal.organisationId, actorUserId: principal.userId, action: 'document.uploaded', subjectId: id, detail: { filename, kind, sha256: stored.sha256, pages: inspection.pages } });
  });
  return getDocument(deps, principal, id);
}

/** The conversion job: idempotent (a document no longer converting is left alone). */
export async function convertDocument(deps: DocumentDeps, documentId: string): Promise<void> {
  const doc = await inScope(deps.db, systemScope, (tx) => tx.selectFrom('documents').selectAll().where('id', '=', documentId).executeTakeFirst());
  if (!doc || doc.status !== 'converting' || !doc.source_sha256) return;
  const fail = (reason: string) =>
    inScope(deps.db, systemScope, (tx) =>
      tx.updateTable('documents').set({ status: 'failed', failure_reason: reason, ready_at: deps.clock.now() }).where('id', '=', documentId).where('status', '=', 'converting').execute(),
    );
  let pdf: Buffer;
  try {
    pdf = await convertToPdf(await deps.storage.getBuffer(doc.source_sha256), doc.source_kind, deps.rules.conversionTimeoutMs);
  } catch (err) {
    if (err instanceof ConversionError && err.permanent) return void (await fail(err.message));
    throw err; // a timeout may pass on a retry
  }
  let inspection;
  try {
    inspection = await inspectPdf(pdf, deps.rules, deps.checkAddress);
  } catch (err) {
    if (err instanceof AppError) return void (await fail(`The converted PDF cannot be printed: ${err.detail}`));
    throw err;
  }
  const stored = await deps.storage.put(pdf);
  await inScope(deps.db, systemScope, (tx) =>
    tx
      .updateTable('documents')
      .set({ status: 'ready', sha256: stored.sha256, size_bytes: stored.sizeBytes, pages: inspection.pages, address: JSON.stringify(inspection.address), warnings: JSON.stringify(inspection.warnings), page_windows: JSON.stringify(inspection.pageWindows), ready_at: deps.clock.now() })
      .where('id', '=', documentId)
      .where('status', '=', 'converting')
      .execute(),
  );
}

export async function getDocument(deps: Pick<DocumentDeps, 'db'>, principal: UserPrincipal, id: string): Promise<DocumentRow> {
  const row = await inScope(deps.db, scopeOf(principal), (tx) => tx.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst());
  if (!row) throw notFound('not_found.document');
  return row;
}

function readyPdf(doc: DocumentRow): string {
  if (doc.status === 'converting') throw new AppError('conflict', 'document.converting');
  if (doc.status === 'failed' || !doc.sha256) throw new AppError('conflict', message('document.conversion_failed', { reason: doc.failure_reason ?? message('document.unknown_reason') }));
  return doc.sha256;
}

export async function documentContent(deps: DocumentDeps, principal: UserPrincipal, id: string): Promise<{ doc: DocumentRow; stream: Readable }> {
  const doc = await getDocument(deps, principal, id);
  return { doc, stream: await deps.storage.get(readyPdf(doc)) };
}

export async function documentPreview(deps: DocumentDeps, principal: UserPrincipal, id: string, opts: { page: number; window: boolean }): Promise<Buffer> {
  const doc = await getDocument(deps, principal, id);
  const sha = readyPdf(doc);
  if (opts.page > (doc.pages ?? 0)) throw new AppError('validation_failed', message('document.page_count', { count: doc.pages ?? 0 }), { errors: [{ field: 'page', message: message('field.page_range', { pages: doc.pages ?? 0 }) }] });
  const pdf = await openPdfJs(await deps.storage.getBuffer(sha));
  try {
    return await renderPagePng(pdf, opts.page, { dpi: 100, ...(opts.window ? { window: deps.rules.window } : {}) });
  } finally {
    await pdf.destroy();
  }
}
