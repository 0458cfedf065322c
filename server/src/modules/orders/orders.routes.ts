import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { idOf } from '#contracts/common.js';
import { anyOrderSchema, createOrderBody, mailpieceSchema, orderListItem, orderSchema, updateElectronicOrderBody, updatePaperOrderBody, updateOrderBody } from '#contracts/orders.js';
import { createTariffBody, tariffRecord } from '#contracts/tariffs.js';
import { productionRulesBody, productionRulesRecord } from '#contracts/production-rules.js';
import { weightForDisplay, type Quote } from '#domain/mail/index.js';
import { requirePrincipal } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/openapi.js';
import { respond } from '../../platform/http/idempotency.js';
import { pageQuery, pageSchema, toPage } from '../../platform/http/pagination.js';
import type { Tx } from '../../platform/db/scope.js';
import { AppError } from '../../errors.js';
import { cancelOrder, createOrder, deleteOrder, getMailpiece, getOrder, listOrders, orderKind, purchaseOrder, submitOrder, updateOrder, type ElectronicOrders, type OrderDeps, type OrderRow, type OrderView } from './orders.js';
import { ordersPolicy } from './orders.policy.js';
import { civilDate, presentOrder } from './orders.presenter.js';
import { purchaseOrderPdf } from './purchase-order.js';
import { createTariff, listTariffs } from './tariffs.js';
import { createProductionRules, listProductionRules } from './production-rules.js';

/** A body the route's union schema let through, read again with one kind's schema (400 otherwise). */
function parseAs<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AppError('validation_failed', 'order.fields_of_other_kind', { errors: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: 'field.invalid' })) });
  return parsed.data;
}

const lang = (request: FastifyRequest): 'fr' | 'en' => (/^en\b/i.test(String(request.headers['accept-language'] ?? '')) ? 'en' : 'fr');

async function renderPurchaseOrder(row: OrderRow, tx: Tx): Promise<Buffer> {
  const organisation = await tx.selectFrom('organisations').select('name').where('id', '=', row.organisation_id).executeTakeFirstOrThrow();
  const author = await tx.selectFrom('users').select(['name', 'email']).where('id', '=', row.created_by).executeTakeFirstOrThrow();
  const pieces = await tx.selectFrom('mailpieces').select(['sheets', 'postage_step']).where('order_id', '=', row.id).execute();
  const steps = new Map<string, number>();
  for (const p of pieces) steps.set(p.postage_step, (steps.get(p.postage_step) ?? 0) + 1);
  const o = row.options as { color: string; sides: string; envelope: string; mail_class: string; registered_level?: string; acknowledgement?: boolean; background: unknown; archive: { type: string; retention_years?: number } };
  const classWords: Record<string, string> = { priority: 'prioritaire', non_priority: 'non prioritaire', registered: 'recommandé' };
  return purchaseOrderPdf({
    orderId: row.id,
    name: row.name,
    organisationName: organisation.name,
    orderedBy: `${author.name} <${author.email}>`,
    submittedAt: new Date(row.submitted_at!),
    options: [
      `Impression ${o.color === 'color' ? 'couleur' : 'noir et blanc'}, ${o.sides === 'duplex' ? 'recto verso' : 'recto'}${o.background ? ', avec fond de page' : ''}`,
      `Enveloppe ${o.envelope}`,
      `Courrier ${classWords[o.mail_class] ?? o.mail_class}${o.mail_class === 'registered' ? ` ${o.registered_level ?? ''}${o.acknowledgement ? ' avec avis de réception' : ''}` : ''}`,
      `Archivage : ${o.archive.type === 'none' ? 'aucun' : o.archive.type === 'simple' ? 'simple' : `électronique, ${o.archive.retention_years} ans`}`,
    ],
    letters: pieces.length,
    sheets: pieces.reduce((a, p) => a + p.sheets, 0),
    steps: [...steps].sort(),
    deliveryEstimate: civilDate(row.delivery_estimate),
    quote: row.quote as unknown as Quote,
  });
}

/** An order may list 10,000 recipients (contracts/orders.ts): ~400 bytes each at most, past the
 * API's general body limit. */
const ORDER_BODY_LIMIT = 8 * 1024 * 1024;

/** The e-letters module, when the app wires it; without it, electronic orders are refused. */
function electronicOf(deps: OrderDeps): ElectronicOrders {
  if (!deps.electronic) throw new AppError('business_rule', 'order.no_eletters');
  return deps.electronic;
}

export function orderRoutes(deps: OrderDeps): FastifyPluginAsyncZod {
  const tags = ['orders'];
  const params = z.object({ id: idOf('ord') });
  return async (app) => {
    app.post(
      '/api/v1/orders',
      { bodyLimit: ORDER_BODY_LIMIT, config: { policy: ordersPolicy.write, idempotent: true }, schema: { tags, summary: 'Create a draft order, paper or electronic', body: createOrderBody, response: { 201: anyOrderSchema, ...problemResponses(400, 401, 403, 404, 422) } } },
      async (request, reply) => {
        const body = request.body;
        if (body.kind === 'electronic') {
          const { kind: _kind, ...input } = body;
          const e = electronicOf(deps);
          const answer = respond(request, reply, 201, (order: unknown) => e.present(order, lang(request)));
          return answer.send(await e.create(requirePrincipal(request), input, answer.within));
        }
        const { kind: _kind, ...input } = body;
        const answer = respond(request, reply, 201, (order: OrderView) => presentOrder(order, lang(request)));
        return answer.send(await createOrder(deps, requirePrincipal(request), input, answer.within));
      },
    );

    app.get(
      '/api/v1/orders',
      {
        config: { policy: ordersPolicy.read },
        schema: {
          tags,
          summary: 'Orders (a client user: their own; a client administrator: the organisation’s)',
          querystring: pageQuery.extend({ status: orderSchema.shape.status.optional(), kind: z.enum(['paper', 'electronic']).optional() }),
          response: { 200: pageSchema(orderListItem), ...problemResponses(400, 401) },
        },
      },
      async (request) => {
        const page = toPage(await listOrders(deps, requirePrincipal(request), request.query), request.query.limit);
        return {
          data: page.data.map((o) => ({
            id: o.id,
            kind: o.kind,
            name: o.name,
            status: o.status,
            letters: o.letters,
            total_cents: (o.quote as { total_cents?: number } | null)?.total_cents ?? null,
            created_at: new Date(o.created_at).toISOString(),
            updated_at: new Date(o.updated_at).toISOString(),
            submitted_at: o.submitted_at ? new Date(o.submitted_at).toISOString() : null,
          })),
          next_cursor: page.next_cursor,
        };
      },
    );

    app.get(
      '/api/v1/orders/:id',
      { config: { policy: ordersPolicy.read }, schema: { tags, summary: 'An order with its quote, delivery estimate, problems and letters', params, response: { 200: anyOrderSchema, ...problemResponses(401, 404) } } },
      async (request) => {
        const principal = requirePrincipal(request);
        if ((await orderKind(deps, principal, request.params.id)) === 'electronic') {
          const e = electronicOf(deps);
          return e.present(await e.get(principal, request.params.id), lang(request));
        }
        return presentOrder(await getOrder(deps, principal, request.params.id), lang(request));
      },
    );

    app.patch(
      '/api/v1/orders/:id',
      { bodyLimit: ORDER_BODY_LIMIT, config: { policy: ordersPolicy.write }, schema: { tags, summary: 'Edit a draft (409 once submitted)', params, body: updateOrderBody, response: { 200: anyOrderSchema, ...problemResponses(400, 401, 403, 404, 409, 422) } } },
      async (request) => {
        const principal = requirePrincipal(request);
        // Each kind takes its own fields: the body is read again with the schema of the order's kind.
        if ((await orderKind(deps, principal, request.params.id)) === 'electronic') {
          const e = electronicOf(deps);
          return e.present(await e.update(principal, request.params.id, parseAs(updateElectronicOrderBody, request.body)), lang(request));
        }
        return presentOrder(await updateOrder(deps, principal, request.params.id, parseAs(updatePaperOrderBody, request.body)), lang(request));
      },
    );

    app.delete(
      '/api/v1/orders/:id',
      { config: { policy: ordersPolicy.write }, schema: { tags, summary: 'Delete a draft (409 once submitted)', params, response: { 204: z.null(), ...problemResponses(401, 403, 404, 409) } } },
      async (request, reply) => {
        await deleteOrder(deps, requirePrincipal(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/orders/:id/submit',
      {
        config: { policy: ordersPolicy.write, idempotent: true },
        schema: { tags, summary: 'Send the order to the provider (final validation; the price is frozen)', params, response: { 202: anyOrderSchema, ...problemResponses(401, 403, 404, 409, 422) } },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        if ((await orderKind(deps, principal, request.params.id)) === 'electronic') {
          const e = electronicOf(deps);
          const answer = respond(request, reply, 202, (order: unknown) => e.present(order, lang(request)));
          return answer.send(await e.submit(principal, request.params.id, answer.within));
        }
        const answer = respond(request, reply, 202, (order: OrderView) => presentOrder(order, lang(request)));
        return answer.send(await submitOrder(deps, principal, request.params.id, answer.within));
      },
    );

    app.post(
      '/api/v1/orders/:id/cancel',
      { config: { policy: ordersPolicy.write }, schema: { tags, summary: 'Withdraw a submitted order, whole, until the provider accepts it', params, response: { 200: anyOrderSchema, ...problemResponses(401, 403, 404, 409) } } },
      async (request) => {
        const principal = requirePrincipal(request);
        if ((await orderKind(deps, principal, request.params.id)) === 'electronic') {
          const e = electronicOf(deps);
          return e.present(await e.cancel(principal, request.params.id), lang(request));
        }
        return presentOrder(await cancelOrder(deps, principal, request.params.id), lang(request));
      },
    );

    app.get(
      '/api/v1/orders/:id/purchase-order',
      { config: { policy: ordersPolicy.read }, schema: { tags, summary: 'The purchase order (bon de commande), PDF', params, produces: ['application/pdf'], response: { 200: z.any().meta({ description: 'The PDF' }), ...problemResponses(401, 404, 409) } } },
      async (request, reply) => {
        const { stream } = await purchaseOrder(deps, requirePrincipal(request), request.params.id, renderPurchaseOrder);
        return reply.type('application/pdf').header('content-disposition', `inline; filename="bon-de-commande-${request.params.id}.pdf"`).send(stream);
      },
    );

    app.get(
      '/api/v1/mailpieces/:id',
      {
        config: { policy: ordersPolicy.read },
        schema: {
          tags,
          summary: 'A mailpiece and its events',
          params: z.object({ id: idOf('mp') }),
          response: { 200: mailpieceSchema.extend({ order_id: idOf('ord'), events: z.array(z.object({ type: z.string(), at: z.string(), detail: z.record(z.string(), z.unknown()) })) }), ...problemResponses(401, 404) },
        },
      },
      async (request) => {
        const { mp, events } = await getMailpiece(deps, requirePrincipal(request), request.params.id);
        return {
          id: mp.id,
          order_id: mp.order_id,
          status: mp.status,
          recipient: mp.recipient,
          pages: [mp.first_page, mp.last_page] as [number, number],
          sheets: mp.sheets,
          weight_g: weightForDisplay(mp.weight_mg),
          postage_step: mp.postage_step,
          tracking_number: mp.tracking_number,
          updated_at: new Date(mp.updated_at).toISOString(),
          events: events.map((e) => ({ type: e.type, at: new Date(e.at).toISOString(), detail: e.detail })),
        };
      },
    );
  };
}

export function tariffRoutes(deps: OrderDeps): FastifyPluginAsyncZod {
  const tags = ['tariffs'];
  const present = (t: { id: string; organisation_id: string | null; effective_from: unknown; tariff: unknown; created_at: Date }) => ({
    id: t.id,
    organisation_id: t.organisation_id,
    effective_from: civilDate(t.effective_from)!,
    tariff: t.tariff as never,
    created_at: new Date(t.created_at).toISOString(),
  });
  return async (app) => {
    app.get(
      '/api/v1/tariffs',
      {
        config: { policy: ordersPolicy.readTariffs },
        schema: { tags, summary: 'Tariffs that apply (standard, and an organisation’s own)', querystring: z.object({ organisation: idOf('org').optional() }), response: { 200: z.object({ data: z.array(tariffRecord) }), ...problemResponses(401, 403, 404) } },
      },
      async (request) => ({ data: (await listTariffs(deps, requirePrincipal(request), request.query.organisation)).map(present) }),
    );
    app.post(
      '/api/v1/tariffs',
      { config: { policy: ordersPolicy.manageTariffs }, schema: { tags, summary: 'A new tariff from a date (never edited in place)', body: createTariffBody, response: { 201: tariffRecord, ...problemResponses(400, 401, 403, 404, 409, 422) } } },
      async (request, reply) => reply.code(201).send(present(await createTariff(deps, requirePrincipal(request), request.body))),
    );
  };
}

export function productionRulesRoutes(deps: OrderDeps): FastifyPluginAsyncZod {
  const tags = ['production rules'];
  const present = (v: { id: string; effective_from: unknown; rules: unknown; status: 'past' | 'in_force' | 'scheduled'; created_at: Date }) => ({
    id: v.id,
    effective_from: civilDate(v.effective_from)!,
    status: v.status,
    rules: v.rules as never,
    created_at: new Date(v.created_at).toISOString(),
  });
  return async (app) => {
    app.get(
      '/api/v1/production/rules',
      {
        config: { policy: ordersPolicy.readProductionRules },
        schema: { tags, summary: 'Production rules: every version, the one in force marked', response: { 200: z.object({ data: z.array(productionRulesRecord) }), ...problemResponses(401) } },
      },
      async (request) => ({ data: (await listProductionRules(deps, requirePrincipal(request))).map(present) }),
    );
    app.post(
      '/api/v1/production/rules',
      {
        config: { policy: ordersPolicy.manageProductionRules },
        schema: { tags, summary: 'New production rules from a date (never in the past, never edited in place)', body: productionRulesBody, response: { 201: productionRulesRecord, ...problemResponses(400, 401, 403, 409, 422) } },
      },
      async (request, reply) => reply.code(201).send(present(await createProductionRules(deps, requirePrincipal(request), request.body))),
    );
  };
}
