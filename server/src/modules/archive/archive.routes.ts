import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { z } from 'zod';
import {
  archiveEventsSchema,
  archiveItemSchema,
  archiveListQuery,
  archiveListSchema,
  contentQuery,
  extendRetentionBody,
  legalHoldBody,
  updateArchiveBody,
  type ArchiveItemDto,
} from '#contracts/archive.js';
import { idOf } from '#contracts/common.js';
import { approvableFrom } from '#domain/archive/retention.js';
import { AppError, message } from '../../errors.js';
import { requirePrincipal } from '../../platform/http/auth.js';
import { respond } from '../../platform/http/idempotency.js';
import { problemResponses } from '../../platform/http/openapi.js';
import { isoTime, isoTimeOrNull } from '../../platform/http/wire.js';
import {
  approveDestruction,
  archiveContent,
  archiveEvents,
  archiveOptions,
  archivePreview,
  depositDocument,
  extendArchiveRetention,
  getArchiveItem,
  listArchive,
  proposeDestruction,
  releaseLegalHold,
  reuseArchivedFile,
  setLegalHold,
  storeUpload,
  updateArchiveMetadata,
  type ArchiveDeps,
  type ArchiveRow,
  type StoredUpload,
} from './archive.js';
import { archivePolicy } from './archive.policy.js';
import { proofBundle } from './proof-bundle.js';

export function presentArchiveItem(r: ArchiveRow): ArchiveItemDto {
  const token = r.timestamp_token ? new Uint8Array(r.timestamp_token) : null;
  return {
    id: r.id,
    tier: r.tier,
    kind: r.kind,
    status: r.status,
    title: r.title,
    filename: r.filename,
    content_type: r.content_type,
    tags: r.tags,
    fields: r.fields,
    sha256: r.sha256,
    sha3_256: r.sha3_256,
    size_bytes: Number(r.size_bytes),
    deposited_at: isoTime(r.deposited_at),
    deposited_by: r.owner_user_id,
    order_id: r.order_id,
    retention_years: r.retention_years,
    retain_until: isoTimeOrNull(r.retain_until),
    timestamp_token: token ? Buffer.from(token).toString('base64') : null,
    timestamped_at: isoTimeOrNull(r.timestamped_at),
    legal_hold: r.legal_hold_reason ? { reason: r.legal_hold_reason, since: isoTime(r.legal_hold_at!) } : null,
    destruction: r.destruction_proposed_at || r.destroyed_at
      ? { proposed_at: isoTime(r.destruction_proposed_at ?? r.destroyed_at!), approvable_from: isoTime(approvableFrom(new Date(r.destruction_proposed_at ?? r.destroyed_at!))), destroyed_at: isoTimeOrNull(r.destroyed_at) }
      : null,
  };
}

/** What may be shown in a browser tab: anything else is only ever downloaded. */
const INLINE_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'text/plain; charset=utf-8'];

/**
 * The deposit's multipart body: `file`, and the fields `retention_years`, `title`, `tags`
 * (comma-separated or repeated), `fields` (a JSON object), before or after the file. The file
 * streams into storage as it arrives.
 */
async function receiveDeposit(request: FastifyRequest, deps: ArchiveDeps) {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'http.multipart_only');
  const values: Record<string, string[]> = {};
  let upload: StoredUpload | undefined;
  let filename = '';
  try {
    for await (const part of request.parts({ limits: { fileSize: deps.maxBytes + 1, files: 1, fields: 20 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || upload) {
          part.file.resume();
          continue;
        }
        filename = part.filename;
        upload = await storeUpload(deps, part.file);
      } else {
        (values[part.fieldname] ??= []).push(String(part.value));
      }
    }
  } catch (err) {
    if (err instanceof AppError || (err as { statusCode?: number }).statusCode === 413) throw err;
    throw new AppError('bad_request', 'http.multipart_malformed', { cause: err });
  }
  if (!upload) throw new AppError('validation_failed', 'http.no_file_field', { errors: [{ field: 'file', message: 'field.required' }] });
  const years = values.retention_years?.[0];
  const tags = (values.tags ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean).slice(0, 20).map((t) => t.slice(0, 50));
  let fields: Record<string, string> = {};
  if (values.fields?.[0]) {
    const parsed = z.record(z.string().max(50), z.string().max(500)).safeParse((() => { try { return JSON.parse(values.fields![0]!); } catch { return null; } })());
    if (!parsed.success) throw new AppError('validation_failed', message('http.invalid_fields', { count: 1, where: message('http.part.body') }), { errors: [{ field: 'fields', message: 'field.invalid' }] });
    fields = parsed.data;
  }
  return { upload, filename, retentionYears: years !== undefined && /^\d{1,2}$/.test(years) ? Number(years) : undefined, title: values.title?.[0]?.slice(0, 200), tags, fields };
}

export function archiveRoutes(deps: ArchiveDeps): FastifyPluginAsyncZod {
  const tags = ['archive'];
  const params = z.object({ id: idOf('arc') });
  const item = { 200: archiveItemSchema };
  return async (app) => {
    app.post(
      '/api/v1/archive',
      {
        config: { policy: archivePolicy.use, idempotent: 'upload' },
        schema: {
          tags,
          summary: 'Deposit a document in the electronic archive: any type, a retention of 1, 3, 5, 10 or 30 years; time-stamped (RFC 3161) and journaled. Idempotency-Key: the same file and fields within 24 h give the first answer',
          consumes: ['multipart/form-data'],
          response: { 201: archiveItemSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const input = await receiveDeposit(request, deps);
        // The key is claimed over what arrived: the file's hash and the fields.
        const hash = createHash('sha256').update(JSON.stringify([input.upload.sha256, input.filename, input.retentionYears ?? null, input.title ?? null, input.tags, input.fields])).digest('hex');
        if (await request.claimIdempotency(reply, hash)) return reply;
        const answer = respond(request, reply, 201, presentArchiveItem);
        return answer.send(await depositDocument(deps, principal, input, answer.within));
      },
    );

    app.get(
      '/api/v1/archive',
      { config: { policy: archivePolicy.use }, schema: { tags, summary: 'Archived documents, newest first; `query` searches titles, tags, fields and the text of PDFs and text files', querystring: archiveListQuery, response: { 200: archiveListSchema } } },
      async (request) => {
        const page = await listArchive(deps, requirePrincipal(request), request.query);
        return { data: page.data.map(presentArchiveItem), next_cursor: page.next_cursor };
      },
    );

    app.get(
      '/api/v1/archive/options',
      { config: { policy: archivePolicy.use }, schema: { tags, summary: 'Which archives your contract includes: the simple one (files of your orders), the electronic one (deposits)', response: { 200: z.object({ simple: z.boolean(), electronic: z.boolean() }) } } },
      async (request) => archiveOptions(deps, requirePrincipal(request)),
    );

    app.get(
      '/api/v1/archive/:id',
      { config: { policy: archivePolicy.use }, schema: { tags, summary: 'An archived document', params, response: item } },
      async (request) => presentArchiveItem(await getArchiveItem(deps, requirePrincipal(request), request.params.id)),
    );

    app.patch(
      '/api/v1/archive/:id',
      { config: { policy: archivePolicy.use }, schema: { tags, summary: 'Change its title, tags or fields (journaled)', params, body: updateArchiveBody, response: { ...item, ...problemResponses(409) } } },
      async (request) => presentArchiveItem(await updateArchiveMetadata(deps, requirePrincipal(request), request.params.id, request.body)),
    );

    app.delete(
      '/api/v1/archive/:id',
      {
        config: { policy: archivePolicy.use },
        schema: { tags, summary: 'Before the end of its retention: 409 with the date. After: proposes its destruction (202), which an administrator approves after the waiting period', params, response: { 202: archiveItemSchema, ...problemResponses(409) } },
      },
      async (request, reply) => reply.code(202).send(presentArchiveItem(await proposeDestruction(deps, requirePrincipal(request), request.params.id))),
    );

    app.get(
      '/api/v1/archive/:id/content',
      {
        config: { policy: archivePolicy.use },
        schema: { tags, summary: 'The archived bytes, byte for byte (the consultation or download is journaled)', params, querystring: contentQuery, produces: ['application/octet-stream'], response: { 200: z.any().meta({ description: 'The file' }), ...problemResponses(409) } },
      },
      async (request, reply) => {
        const inline = request.query.disposition === 'inline';
        const { item: row, stream } = await archiveContent(deps, requirePrincipal(request), request.params.id, inline ? 'inline' : 'attachment');
        const showable = inline && INLINE_TYPES.includes(row.content_type);
        return reply
          .type(row.content_type)
          .header('content-disposition', `${showable ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(row.filename)}`)
          .header('x-content-sha256', row.sha256)
          .header('cache-control', 'private, no-store')
          .send(stream);
      },
    );

    app.get(
      '/api/v1/archive/:id/preview',
      {
        config: { policy: archivePolicy.use },
        schema: { tags, summary: 'A picture of it: page 1 of a PDF, or the image (journaled as a consultation); 409 for other kinds of file', params, produces: ['image/png', 'image/jpeg'], response: { 200: z.any().meta({ description: 'An image' }), ...problemResponses(409) } },
      },
      async (request, reply) => {
        const preview = await archivePreview(deps, requirePrincipal(request), request.params.id);
        return reply.type(preview.type).header('cache-control', 'private, no-store').send(preview.bytes);
      },
    );

    app.get(
      '/api/v1/archive/:id/events',
      { config: { policy: archivePolicy.use }, schema: { tags, summary: 'Its audit trail: every journal entry about it, oldest first', params, response: { 200: archiveEventsSchema } } },
      async (request) => ({ data: (await archiveEvents(deps, requirePrincipal(request), request.params.id)).map((e) => ({ ...e, at: isoTime(e.at) })) }),
    );

    app.get(
      '/api/v1/archive/:id/proof',
      {
        config: { policy: archivePolicy.use },
        schema: { tags, summary: 'The self-contained proof bundle: `npm run pli -- verify <file> <bundle>` or the /verify/ page checks it offline', params, response: { 200: z.any().meta({ description: 'The proof bundle (pli-proof/v1)' }) } },
      },
      async (request, reply) => {
        const bundle = await proofBundle(deps, requirePrincipal(request), request.params.id);
        return reply.header('content-disposition', `attachment; filename="${bundle.item.id}.proof.json"`).type('application/json').send(JSON.stringify(bundle, null, 2));
      },
    );

    for (const [suffix, column, summary] of [
      ['certificate', 'certificate_sha256', 'The deposit certificate, a PDF sealed by Pli (PAdES B-T)'],
      ['destruction-certificate', 'destruction_certificate_sha256', 'The destruction certificate, a PDF sealed by Pli, once destroyed'],
    ] as const) {
      app.get(
        `/api/v1/archive/:id/${suffix}`,
        { config: { policy: archivePolicy.use }, schema: { tags, summary, params, produces: ['application/pdf'], response: { 200: z.any().meta({ description: 'A PDF' }) } } },
        async (request, reply) => {
          const row = await getArchiveItem(deps, requirePrincipal(request), request.params.id);
          const key = row[column];
          if (!key) throw new AppError('not_found', 'not_found.file');
          return reply.type('application/pdf').header('content-disposition', `attachment; filename="${row.id}-${suffix}.pdf"`).send(await deps.storage.get(key));
        },
      );
    }

    app.post(
      '/api/v1/archive/:id/reuse',
      {
        config: { policy: archivePolicy.use },
        schema: { tags, summary: 'Start a new letter from an archived file: it becomes a document, inspected like any upload', params, response: { 201: z.object({ document_id: idOf('doc') }), ...problemResponses(409, 413, 415, 422) } },
      },
      async (request, reply) => reply.code(201).send({ document_id: (await reuseArchivedFile(deps, requirePrincipal(request), request.params.id)).documentId }),
    );

    app.post(
      '/api/v1/archive/:id/retention',
      { config: { policy: archivePolicy.use }, schema: { tags, summary: 'Extend its retention (never shortened)', params, body: extendRetentionBody, response: { ...item, ...problemResponses(409, 422) } } },
      async (request) => presentArchiveItem(await extendArchiveRetention(deps, requirePrincipal(request), request.params.id, request.body.retention_years)),
    );

    app.post(
      '/api/v1/archive/:id/legal-hold',
      { config: { policy: archivePolicy.administer }, schema: { tags, summary: 'Put it under a legal hold, with the reason: no destruction until released', params, body: legalHoldBody, response: { ...item, ...problemResponses(409) } } },
      async (request) => presentArchiveItem(await setLegalHold(deps, requirePrincipal(request), request.params.id, request.body.reason)),
    );

    app.delete(
      '/api/v1/archive/:id/legal-hold',
      { config: { policy: archivePolicy.administer }, schema: { tags, summary: 'Release its legal hold', params, response: { ...item, ...problemResponses(409) } } },
      async (request) => presentArchiveItem(await releaseLegalHold(deps, requirePrincipal(request), request.params.id)),
    );

    app.post(
      '/api/v1/archive/:id/destruction/approve',
      { config: { policy: archivePolicy.administer }, schema: { tags, summary: 'Approve its proposed destruction after the waiting period: every copy deleted, a sealed certificate issued', params, response: { ...item, ...problemResponses(409) } } },
      async (request) => presentArchiveItem(await approveDestruction(deps, requirePrincipal(request), request.params.id)),
    );
  };
}
