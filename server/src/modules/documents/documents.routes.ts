import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type {} from '@fastify/multipart';
import { z } from 'zod';
import { idOf } from '#contracts/common.js';
import { documentSchema, previewQuery } from '#contracts/documents.js';
import { requirePrincipal } from '../../platform/http/auth.js';
import { receiveFile, senderStream } from '../../platform/http/upload.js';
import { problemResponses } from '../../platform/http/openapi.js';
import { documentContent, documentPreview, getDocument, uploadDocument, type DocumentDeps, type DocumentRow } from './documents.js';
import { documentsPolicy } from './documents.policy.js';

export function presentDocument(d: DocumentRow) {
  return {
    id: d.id,
    status: d.status,
    filename: d.filename,
    sha256: d.sha256,
    source_sha256: d.source_kind === 'pdf' ? d.sha256 : d.source_sha256,
    pages: d.pages,
    page_size: d.status === 'ready' ? ('A4' as const) : null,
    size_bytes: d.size_bytes === null ? null : Number(d.size_bytes),
    address: d.address,
    warnings: d.warnings,
    failure_reason: d.failure_reason,
    created_at: new Date(d.created_at).toISOString(),
  };
}

export function documentRoutes(deps: DocumentDeps): FastifyPluginAsyncZod {
  const tags = ['documents'];
  const params = z.object({ id: idOf('doc') });
  return async (app) => {
    app.post(
      '/api/v1/documents',
      {
        config: { policy: documentsPolicy.upload },
        schema: {
          tags,
          summary: 'Upload a letter: a PDF (201, inspected at once) or an office file (202, converted by LibreOffice)',
          consumes: ['multipart/form-data'],
          response: { 201: documentSchema, 202: documentSchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        // One byte over the limit reaches storage, which refuses it and keeps nothing.
        const file = await receiveFile(request, deps.rules.maxUploadBytes);
        const doc = await uploadDocument(deps, requirePrincipal(request), { filename: file.filename, stream: senderStream(file.file) });
        return reply.code(doc.status === 'converting' ? 202 : 201).send(presentDocument(doc));
      },
    );

    app.get(
      '/api/v1/documents/:id',
      { config: { policy: documentsPolicy.read }, schema: { tags, summary: 'A document and what inspection found', params, response: { 200: documentSchema, ...problemResponses(401, 404) } } },
      async (request) => presentDocument(await getDocument(deps, requirePrincipal(request), request.params.id)),
    );

    app.get(
      '/api/v1/documents/:id/content',
      { config: { policy: documentsPolicy.read }, schema: { tags, summary: 'The stored PDF, byte for byte', params, produces: ['application/pdf'], response: { 200: z.any().meta({ description: 'The PDF' }), ...problemResponses(401, 404, 409) } } },
      async (request, reply) => {
        const { doc, stream } = await documentContent(deps, requirePrincipal(request), request.params.id);
        const name = doc.filename.replace(/\.[a-z0-9]{1,5}$/i, '').replace(/[^\w.-]+/g, '_') || 'document';
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${name}.pdf"`)
          .header('x-content-sha256', doc.sha256 ?? '')
          .send(stream);
      },
    );

    app.get(
      '/api/v1/documents/:id/preview',
      {
        config: { policy: documentsPolicy.read },
        schema: { tags, summary: 'A page as PNG; window=1 shows what the envelope window will show', params, querystring: previewQuery, produces: ['image/png'], response: { 200: z.any().meta({ description: 'A PNG image' }), ...problemResponses(400, 401, 404, 409) } },
      },
      async (request, reply) => {
        const png = await documentPreview(deps, requirePrincipal(request), request.params.id, request.query);
        return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(png);
      },
    );
  };
}
