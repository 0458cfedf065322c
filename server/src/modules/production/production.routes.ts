import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idOf } from '#contracts/common.js';
import { addRangeBody, batchDetail, depositSlipItem, registeredRangeSchema, batchSchema, batchStatus, buildBatchesBody, buildBatchesResult, floorSettingsSchema, intakeItem, refuseBody, reprintBody, reprintResult, scanBody, scanResult } from '#contracts/production.js';
import type { ProductionAttributes } from '#domain/production/index.js';
import { anyUser, requirePrincipal } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/openapi.js';
import { isoTime, isoTimeOrNull } from '../../platform/http/wire.js';
import type { BatchesTable } from '../../platform/db/schema.js';
import type { Selectable } from 'kysely';
import { batchFile, buildBatches, getBatch, listBatches, printFilesOf } from './batches.js';
import type { ProductionDeps } from './deps.js';
import { getFloorSettings, toDto, updateFloorSettings } from './floor-settings.js';
import { acceptOrder, listIntake, refuseOrder } from './intake.js';
import { productionPolicy } from './production.policy.js';
import { reprintMailpiece, scan } from './scanning.js';
import { orderDepositSlipPdf, orderDepositSlips } from './deposit-slip.js';
import { addRange, listRanges, withdrawRange, type RangeView } from './registered-ranges.js';

const presentRange = (r: RangeView) => ({ id: r.id, prefix: r.prefix, first: r.first, last: r.last, next: r.next, left: r.left, status: r.status, created_at: isoTime(r.createdAt) });

function presentBatch(b: Selectable<BatchesTable>) {
  const a = b.attributes as unknown as ProductionAttributes;
  const files = printFilesOf(b);
  return {
    id: b.id,
    number: Number(b.number),
    status: b.status,
    attributes: { color: a.color, sides: a.sides, envelope: a.envelope, mail_class: a.mailClass, registered_level: a.registeredLevel, acknowledgement: a.acknowledgement, background: a.background },
    mailpieces: b.mailpieces,
    sheets: b.sheets,
    closed_at: isoTimeOrNull(b.closed_at),
    print_files: files.parts,
    ticket_url: files.ticket,
    labels_url: files.labels,
    postage_cents: b.postage_cents === null ? null : Number(b.postage_cents),
    deposit_slip: b.deposit_slip
      ? { url: `/api/v1/production/batches/${b.id}/files/${b.deposit_slip.sha256}`, prepared_at: isoTime(b.deposit_slip.prepared_at), confirmed_at: isoTimeOrNull(b.deposit_slip.confirmed_at) }
      : null,
    created_at: isoTime(b.created_at),
    updated_at: isoTime(b.updated_at),
  };
}

export function productionRoutes(deps: ProductionDeps): FastifyPluginAsyncZod {
  const tags = ['production'];
  const floor = { policy: productionPolicy.floor };
  const orderParams = z.object({ id: idOf('ord') });
  const batchParams = z.object({ id: idOf('bat') });
  return async (app) => {
    app.get(
      '/api/v1/production/intake',
      { config: floor, schema: { tags, summary: 'Submitted orders waiting for the provider’s decision', response: { 200: z.object({ data: z.array(intakeItem) }), ...problemResponses(401, 403) } } },
      async (request) => ({
        data: (await listIntake(deps, requirePrincipal(request))).map((o) => ({
          id: o.id,
          name: o.name,
          organisation: { id: o.organisation_id, name: o.organisation_name },
          letters: o.letters,
          total_cents: (o.quote as { total_cents?: number } | null)?.total_cents ?? null,
          options: { color: String(o.options.color), sides: String(o.options.sides), envelope: String(o.options.envelope), mail_class: String(o.options.mail_class) },
          submitted_at: isoTime(o.submitted_at!),
        })),
      }),
    );

    app.post(
      '/api/v1/production/orders/:id/accept',
      { config: floor, schema: { tags, summary: 'Accept an order: from now on it is firm (M-1.1)', params: orderParams, response: { 204: z.null(), ...problemResponses(401, 403, 404, 409) } } },
      async (request, reply) => {
        await acceptOrder(deps, requirePrincipal(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/production/orders/:id/refuse',
      { config: floor, schema: { tags, summary: 'Refuse an order, with the reason the client reads (M-1.2)', params: orderParams, body: refuseBody, response: { 204: z.null(), ...problemResponses(400, 401, 403, 404, 409) } } },
      async (request, reply) => {
        await refuseOrder(deps, requirePrincipal(request), request.params.id, request.body.reason);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/production/batches',
      { config: floor, schema: { tags, summary: 'Print batches, newest first', querystring: z.object({ status: batchStatus.optional() }), response: { 200: z.object({ data: z.array(batchSchema) }), ...problemResponses(400, 401, 403) } } },
      async (request) => ({ data: (await listBatches(deps, requirePrincipal(request), request.query)).map(presentBatch) }),
    );

    app.post(
      '/api/v1/production/batches/build',
      { config: floor, schema: { tags, summary: 'Put accepted mailpieces into batches now (and close them)', body: buildBatchesBody, response: { 200: buildBatchesResult, ...problemResponses(400, 401, 403) } } },
      async (request) => {
        const principal = requirePrincipal(request);
        const outcome = await buildBatches(deps, principal, { close: request.body.close });
        const touched = await listBatches(deps, principal, { ids: outcome.batchIds });
        return { assigned: outcome.assigned, batches: touched.map(presentBatch), held: outcome.held.map((h) => ({ batch_id: h.batchId, reason: h.reason })) };
      },
    );

    app.get(
      '/api/v1/production/batches/:id',
      { config: floor, schema: { tags, summary: 'A batch: its mailpieces by status, orders, files and events', params: batchParams, response: { 200: batchDetail, ...problemResponses(401, 403, 404) } } },
      async (request) => {
        const { batch, byStatus, orders, events } = await getBatch(deps, requirePrincipal(request), request.params.id);
        return {
          ...presentBatch(batch),
          by_status: Object.fromEntries(byStatus.map((s) => [s.status, Number(s.count)])),
          orders: orders.map((o) => ({ id: o.id, name: o.name, organisation: o.organisation, mailpieces: Number(o.mailpieces) })),
          events: events.map((e) => ({ type: e.type, at: isoTime(e.at), detail: e.detail })),
        };
      },
    );

    app.get(
      '/api/v1/production/batches/:id/files/:sha256',
      {
        config: floor,
        schema: { tags, summary: 'A batch file (print-file part, job ticket, reprint), PDF', params: batchParams.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }), produces: ['application/pdf'], response: { 200: z.any().meta({ description: 'The PDF' }), ...problemResponses(400, 401, 403, 404) } },
      },
      async (request, reply) => {
        const stream = await batchFile(deps, requirePrincipal(request), request.params.id, request.params.sha256);
        return reply.type('application/pdf').header('content-disposition', `inline; filename="${request.params.id}-${request.params.sha256.slice(0, 8)}.pdf"`).send(stream);
      },
    );

    app.post(
      '/api/v1/production/scan',
      { config: floor, schema: { tags, summary: 'A scan on the floor: a batch or a mailpiece moves one step', body: scanBody, response: { 200: scanResult, ...problemResponses(400, 401, 403, 404, 409) } } },
      async (request) => scan(deps, requirePrincipal(request), request.body),
    );

    app.post(
      '/api/v1/production/reprint',
      { config: floor, schema: { tags, summary: 'Reprint a spoiled letter, found by its code (recorded as an event)', body: reprintBody, response: { 200: reprintResult, ...problemResponses(400, 401, 403, 404, 409) } } },
      async (request) => {
        const r = await reprintMailpiece(deps, requirePrincipal(request), request.body.code, request.body.reason);
        return { mailpiece_id: r.mailpieceId, label: r.label, sheets: r.sheets, url: r.url };
      },
    );

    app.get(
      '/api/v1/production/registered-ranges',
      { config: floor, schema: { tags, summary: 'Registered-number ranges, in the order they are used', response: { 200: z.object({ data: z.array(registeredRangeSchema) }), ...problemResponses(401, 403) } } },
      async (request) => ({ data: (await listRanges(deps, requirePrincipal(request))).map(presentRange) }),
    );

    app.post(
      '/api/v1/production/registered-ranges',
      { config: { policy: productionPolicy.settings }, schema: { tags, summary: 'Record a range La Poste allotted (used after the ranges before it)', body: addRangeBody, response: { 201: registeredRangeSchema, ...problemResponses(400, 401, 403, 409) } } },
      async (request, reply) => reply.code(201).send(presentRange(await addRange(deps, requirePrincipal(request), request.body))),
    );

    app.post(
      '/api/v1/production/registered-ranges/:id/withdraw',
      { config: { policy: productionPolicy.settings }, schema: { tags, summary: 'Stop using a range (its unused numbers are recorded)', params: z.object({ id: idOf('rng') }), response: { 200: registeredRangeSchema, ...problemResponses(401, 403, 404, 409) } } },
      async (request) => presentRange(await withdrawRange(deps, requirePrincipal(request), request.params.id)),
    );

    app.get(
      '/api/v1/orders/:id/deposit-slips',
      { config: { policy: anyUser }, schema: { tags: ['orders'], summary: 'The deposit slips of the batches this order’s letters were deposited in', params: orderParams, response: { 200: z.object({ data: z.array(depositSlipItem) }), ...problemResponses(401, 404) } } },
      async (request) => ({
        data: (await orderDepositSlips(deps, requirePrincipal(request), request.params.id)).map((b) => ({
          batch_number: Number(b.number),
          mailpieces: Number(b.mailpieces),
          deposited_at: isoTimeOrNull(b.deposit_slip?.confirmed_at ?? null),
          url: `/api/v1/orders/${request.params.id}/deposit-slips/${b.id}`,
        })),
      }),
    );

    app.get(
      '/api/v1/orders/:id/deposit-slips/:batch',
      {
        config: { policy: anyUser },
        schema: { tags: ['orders'], summary: 'The deposit slip for this order’s letters in one batch, PDF', params: orderParams.extend({ batch: idOf('bat') }), produces: ['application/pdf'], response: { 200: z.any().meta({ description: 'The PDF' }), ...problemResponses(401, 404) } },
      },
      async (request, reply) => {
        const pdf = await orderDepositSlipPdf(deps, requirePrincipal(request), request.params.id, request.params.batch);
        return reply.type('application/pdf').header('content-disposition', `inline; filename="bordereau-${request.params.id}.pdf"`).send(Buffer.from(pdf));
      },
    );

    app.get(
      '/api/v1/production/settings',
      { config: floor, schema: { tags, summary: 'The floor’s settings', response: { 200: floorSettingsSchema, ...problemResponses(401, 403) } } },
      async (request) => toDto(await getFloorSettings(deps, requirePrincipal(request))),
    );

    app.put(
      '/api/v1/production/settings',
      { config: { policy: productionPolicy.settings }, schema: { tags, summary: 'Change the floor’s settings (provider administrator)', body: floorSettingsSchema, response: { 200: floorSettingsSchema, ...problemResponses(400, 401, 403) } } },
      async (request) => toDto(await updateFloorSettings(deps, requirePrincipal(request), request.body)),
    );
  };
}
