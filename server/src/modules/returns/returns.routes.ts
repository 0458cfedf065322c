import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idOf } from '#contracts/common.js';
import { addressFlag, chaseItem, deskLookupQuery, exportQuery, inboxFileSchema, deskMailpiece, deskSearchQuery, handoverSummary, resendBody, returnKind, returnReason, returnSchema, returnsList, returnsListQuery, summaryQuery } from '#contracts/returns.js';
import { AppError } from '../../errors.js';
import { requirePrincipal } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/openapi.js';
import { isoTime } from '../../platform/http/wire.js';
import { chaseList } from './chase.js';
import { inboxPath, listInbox, removeFromInbox } from './inbox.js';
import type { ReturnsDeps } from './deps.js';
import { lookUpReturn, recordReturn, searchReturns } from './desk.js';
import { returnsPolicy } from './returns.policy.js';
import { csvHead, csvLine, presentAddressFlag, presentDesk, presentReturn } from './returns.presenter.js';
import { allReturns, clearAddressFlag, getReturn, handoverSummary as summaryOf, listAddressFlags, listReturns, resendReturned, returnScan } from './returns.js';

const INLINE_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];

export function returnsRoutes(deps: ReturnsDeps & { publicUrl: string }): FastifyPluginAsyncZod {
  const tags = ['returns'];
  const params = z.object({ id: idOf('ret') });
  return async (app) => {
    app.get(
      '/api/v1/returns/desk/lookup',
      { config: { policy: returnsPolicy.desk }, schema: { tags, summary: 'The returns desk: the mailpiece a scanned code names (registered number, sheet mark or mailpiece id)', querystring: deskLookupQuery, response: { 200: deskMailpiece, ...problemResponses(404, 422) } } },
      async (request) => presentDesk(await lookUpReturn(deps, requirePrincipal(request), request.query.code)),
    );

    app.get(
      '/api/v1/returns/desk/search',
      { config: { policy: returnsPolicy.desk }, schema: { tags, summary: 'The returns desk, when the code cannot be read: deposited mailpieces by recipient, registered number, order or client name', querystring: deskSearchQuery, response: { 200: z.object({ data: z.array(deskMailpiece) }) } } },
      async (request) => ({ data: (await searchReturns(deps, requirePrincipal(request), request.query.q)).map(presentDesk) }),
    );

    app.post(
      '/api/v1/returns',
      {
        config: { policy: returnsPolicy.desk },
        schema: {
          tags,
          summary:
            'Record what came back, with its scan (multipart: `mailpiece` or `code`, `kind` returned | ar, `reason` for a returned letter, then `file`, a PDF, PNG or JPEG — or, instead of the file, `inbox_file`: the name of a scan in the scanner’s folder). The mailpiece becomes `returned` or `ar_received`; the scan goes to the client’s simple archive',
          consumes: ['multipart/form-data'],
          response: { 201: returnSchema, ...problemResponses(400, 404, 409, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'http.multipart_only');
        const values: Record<string, string> = {};
        let recorded: string | undefined;
        // What recording says stays as it is (a server fault is not the sender's malformed body).
        let failure: { err: unknown } | undefined;
        try {
          for await (const part of request.parts({ limits: { fileSize: deps.maxScanBytes + 1, files: 1, fields: 10 } })) {
            if (part.type !== 'file') {
              values[part.fieldname] = String(part.value);
              continue;
            }
            if (part.fieldname !== 'file' || recorded || failure) {
              part.file.resume();
              continue;
            }
            try {
              const fields = await fieldsOf(values, (code) => lookUpReturn(deps, principal, code).then((m) => m.id));
              recorded = await recordReturn(deps, principal, { ...fields, scan: { stream: part.file, filename: part.filename } });
            } catch (err) {
              part.file.resume(); // the rest of the upload is drained, never left hanging
              failure = { err };
            }
          }
        } catch (err) {
          if (err instanceof AppError || (err as { statusCode?: number }).statusCode === 413) throw err;
          throw new AppError('bad_request', 'http.multipart_malformed', { cause: err });
        }
        if (failure) throw failure.err;
        // No upload: a file from the scanner's folder, named.
        if (!recorded && values.inbox_file !== undefined) {
          const file = await inboxPath(deps.inboxDir, values.inbox_file);
          const fields = await fieldsOf(values, (code) => lookUpReturn(deps, principal, code).then((m) => m.id));
          recorded = await recordReturn(deps, principal, { ...fields, scan: { stream: fs.createReadStream(file), filename: values.inbox_file } });
          await removeFromInbox(file);
        }
        if (!recorded) throw new AppError('validation_failed', 'http.no_file_field', { errors: [{ field: 'file', message: 'field.required' }] });
        return reply.code(201).send(presentReturn(await getReturn(deps, principal, recorded)));
      },
    );

    app.get(
      '/api/v1/returns/inbox',
      { config: { policy: returnsPolicy.desk }, schema: { tags, summary: 'The scanner’s folder: scans waiting to be recorded (PDF, PNG, JPEG), oldest first', response: { 200: z.object({ data: z.array(inboxFileSchema) }) } } },
      async () => ({ data: (await listInbox(deps.inboxDir)).map((f) => ({ name: f.name, size_bytes: f.sizeBytes, modified_at: isoTime(f.modifiedAt) })) }),
    );

    app.get(
      '/api/v1/returns/inbox/:name',
      {
        config: { policy: returnsPolicy.desk },
        schema: { tags, summary: 'A waiting scan, to look at before recording it', params: z.object({ name: z.string().max(200) }), produces: ['application/pdf', 'image/png', 'image/jpeg'], response: { 200: z.any().meta({ description: 'The scan' }), ...problemResponses(400, 404) } },
      },
      async (request, reply) => {
        const file = await inboxPath(deps.inboxDir, request.params.name);
        const type = /\.pdf$/i.test(file) ? 'application/pdf' : /\.png$/i.test(file) ? 'image/png' : 'image/jpeg';
        return reply.type(type).header('content-disposition', 'inline').header('cache-control', 'no-store').send(fs.createReadStream(file));
      },
    );

    app.get(
      '/api/v1/postal-tracking/chase',
      { config: { policy: returnsPolicy.desk }, schema: { tags, summary: 'The watchdog’s list: registered letters with no delivery event N days after their deposit, AR cards missing after M days (floor settings `chase`), for the provider to chase La Poste', response: { 200: z.object({ data: z.array(chaseItem) }) } } },
      async (request) => ({
        data: (await chaseList(deps, requirePrincipal(request))).map((c) => ({
          kind: c.kind,
          flagged_at: isoTime(c.flaggedAt),
          mailpiece: presentDesk(c.mailpiece),
          last_event: c.lastEvent ? { code: c.lastEvent.code, label: c.lastEvent.label, at: isoTime(c.lastEvent.at) } : null,
        })),
      }),
    );

    app.get(
      '/api/v1/returns',
      { config: { policy: returnsPolicy.read }, schema: { tags, summary: 'Returned letters and AR cards, newest first, with their scans', querystring: returnsListQuery, response: { 200: returnsList } } },
      async (request) => {
        const page = await listReturns(deps, requirePrincipal(request), request.query);
        return { data: page.data.map(presentReturn), next_cursor: page.next_cursor };
      },
    );

    app.get(
      '/api/v1/returns/export',
      {
        config: { policy: returnsPolicy.read },
        schema: { tags, summary: 'The returns as CSV (UTF-8, semicolons: opens in a French spreadsheet)', querystring: exportQuery, produces: ['text/csv'], response: { 200: z.any().meta({ description: 'CSV' }) } },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const rows = allReturns(deps, principal, request.query);
        const body = Readable.from(
          (async function* () {
            yield csvHead();
            for await (const r of rows) yield csvLine(r, deps.publicUrl);
          })(),
        );
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="retours-${new Date().toISOString().slice(0, 10)}.csv"`).header('cache-control', 'private, no-store').send(body);
      },
    );

    app.get(
      '/api/v1/returns/summary',
      { config: { policy: returnsPolicy.read }, schema: { tags, summary: 'What became of the deposited paper letters (of an order, or all): delivered, returned by reason, AR received', querystring: summaryQuery, response: { 200: handoverSummary } } },
      async (request) => summaryOf(deps, requirePrincipal(request), request.query),
    );

    app.get(
      '/api/v1/returns/:id',
      { config: { policy: returnsPolicy.read }, schema: { tags, summary: 'A returned letter or an AR card', params, response: { 200: returnSchema, ...problemResponses(404) } } },
      async (request) => presentReturn(await getReturn(deps, requirePrincipal(request), request.params.id)),
    );

    app.get(
      '/api/v1/returns/:id/scan',
      {
        config: { policy: returnsPolicy.read },
        schema: { tags, summary: 'The scan, as received', params, querystring: z.strictObject({ disposition: z.enum(['inline', 'attachment']).default('inline') }), produces: ['application/pdf', 'image/png', 'image/jpeg'], response: { 200: z.any().meta({ description: 'The scan' }), ...problemResponses(404) } },
      },
      async (request, reply) => {
        const { view, stream } = await returnScan(deps, requirePrincipal(request), request.params.id);
        const inline = request.query.disposition === 'inline' && INLINE_TYPES.includes(view.scan.contentType);
        return reply
          .type(view.scan.contentType)
          .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(view.scan.filename)}`)
          .header('cache-control', 'private, no-store')
          .send(stream);
      },
    );

    app.post(
      '/api/v1/mailpieces/:id/resend',
      {
        config: { policy: returnsPolicy.client },
        schema: {
          tags,
          summary: 'Send a returned letter again to a corrected address: a new paper order (linked, same letter and options, an address carrier sheet in front), submitted at once',
          params: z.object({ id: idOf('mp') }),
          body: resendBody,
          response: { 201: z.object({ order_id: idOf('ord') }), ...problemResponses(404, 409, 422) },
        },
      },
      async (request, reply) => {
        const { orderId } = await resendReturned(deps, requirePrincipal(request), request.params.id, { address: request.body.address.filter((l) => l.length > 0), country: request.body.country });
        return reply.code(201).send({ order_id: orderId });
      },
    );

    app.get(
      '/api/v1/address-book/flags',
      { config: { policy: returnsPolicy.client }, schema: { tags, summary: 'Addresses letters came back from: orders to them warn until cleared', response: { 200: z.object({ data: z.array(addressFlag) }) } } },
      async (request) => ({ data: (await listAddressFlags(deps, requirePrincipal(request))).map(presentAddressFlag) }),
    );

    app.delete(
      '/api/v1/address-book/flags/:id',
      { config: { policy: returnsPolicy.client }, schema: { tags, summary: 'Clear a flag: the address is right (orders to it stop warning)', params: z.object({ id: idOf('adf') }), response: { 204: z.null(), ...problemResponses(404) } } },
      async (request, reply) => {
        await clearAddressFlag(deps, requirePrincipal(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}

/** The desk's fields, read before the file: which mailpiece, what came back, why. */
async function fieldsOf(values: Record<string, string>, byCode: (code: string) => Promise<string>) {
  const parsed = z
    .object({
      mailpiece: idOf('mp').optional(),
      code: z.string().trim().min(1).max(200).optional(),
      kind: returnKind,
      reason: returnReason.optional(),
    })
    .safeParse(values);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'returns.fields_invalid', { errors: parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'body'), message: 'field.invalid' as const })) });
  }
  const f = parsed.data;
  if (!f.mailpiece && !f.code) throw new AppError('validation_failed', 'returns.fields_invalid', { errors: [{ field: 'mailpiece', message: 'field.required' }] });
  if (f.kind === 'ar' && f.reason) throw new AppError('validation_failed', 'returns.fields_invalid', { errors: [{ field: 'reason', message: 'field.invalid' }] });
  return { mailpieceId: f.mailpiece ?? (await byCode(f.code!)), kind: f.kind, reason: f.reason ?? null };
}
