import type { Readable } from 'node:stream';
import type { Kysely, Selectable } from 'kysely';
import { deliveryDaysOf, depositCutoff, estimateDelivery, isFrenchPublicHoliday, quote as priceOrder, tariffOn, weightForDisplay, DEFAULT_TARIFF, type ProductionRules, type Quote, type Tariff } from '#domain/mail/index.js';
import { blocking, planLetters, quoteMailpieces, type LetterPlan, type PlanDocument, type PlanOptions } from '#domain/orders/letters.js';
import { isEditable, nextStatus, type OrderAction, type OrderStatus } from '#domain/orders/order-status.js';
import { addressKey } from '#domain/production/index.js';
import type { CreateElectronicOrderBody, CreateOrderBody, ElectronicOrderDto } from '#contracts/orders.js';
import { AppError, message, notFound, type FieldError } from '../../errors.js';
import { toMessage } from '../../i18n/index.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { ContractOptions, DB, OrdersTable } from '../../platform/db/schema.js';
import { inScope, systemScope, type Tx, type Within } from '../../platform/db/scope.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import { isProviderRole } from '#domain/roles.js';
import { parisWallClock } from './paris-time.js';
import { rulesInForce } from './production-rules.js';

/**
 * Paper orders (M-1.1, M-3.2): drafts free to edit, a final validation that issues the order to
 * the provider with its price frozen, withdrawal until the provider accepts it.
 */
export interface OrderDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  storage: ObjectStorage;
  /** Reads the window zone of every page of a stored PDF (for splitting at each address). */
  checkAddress: (lines: readonly string[], country: string) => ReadonlyArray<{ code: string; message: string; severity?: 'error' | 'warning'; suggestion?: string }>;
  /** Runs in the submission's transaction (the production floor's intake enqueues its checks). */
  afterSubmit?: (tx: Tx, order: { id: string; organisation_id: string }) => Promise<void>;
  /** The floor's cut-off times (its settings): the one source of the deposit day a quote promises. */
  floorCutoffs: (tx: Tx) => Promise<readonly string[]>;
  /** Orders of kind 'electronic' (modules/eletters, wired by the app): the same routes serve both. */
  electronic?: ElectronicOrders;
}

/** The electronic side of the orders routes, implemented by the e-letters module. */
export interface ElectronicOrders {
  create(principal: UserPrincipal, input: Omit<CreateElectronicOrderBody, 'kind'>, within?: Within<unknown>): Promise<unknown>;
  get(principal: UserPrincipal, id: string): Promise<unknown>;
  update(principal: UserPrincipal, id: string, changes: Partial<Omit<CreateElectronicOrderBody, 'kind'>>): Promise<unknown>;
  submit(principal: UserPrincipal, id: string, within?: Within<unknown>): Promise<unknown>;
  cancel(principal: UserPrincipal, id: string): Promise<unknown>;
  present(view: unknown, lang: 'fr' | 'en'): ElectronicOrderDto;
}

/** Which kind of order an id is, if the principal may see it. */
export async function orderKind(deps: OrderDeps, principal: UserPrincipal, id: string): Promise<OrderRow['kind']> {
  return inScope(deps.db, scopeOf(principal), async (tx) => (await loadOrder(tx, principal, id)).kind);
}

export type OrderRow = Selectable<OrdersTable>;
export type OrderInput = Omit<CreateOrderBody, 'kind'>;

export interface OrderView {
  row: OrderRow;
  plan: LetterPlan;
  quote: Quote | null;
  deliveryEstimate: string | null;
  mailpieces: Array<Selectable<DB['mailpieces']>> | null;
  /** When the order reached its later steps (first event of each), for the client's timeline. */
  reached: { inProduction: Date | null; completed: Date | null };
}

/** A client user works on their own orders; a client administrator on the organisation's. */
function visibleTo(principal: UserPrincipal, row: OrderRow): boolean {
  if (isProviderRole(principal.role)) return true;
  if (row.organisation_id !== principal.organisationId) return false;
  return principal.role === 'client_admin' || row.created_by === principal.userId;
}

/** The order if the principal may see it, else "not found" (never "forbidden": ids do not leak). */
export async function loadOrder(tx: Tx, principal: UserPrincipal, id: string, forUpdate = false): Promise<OrderRow> {
  let q = tx.selectFrom('orders').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || !visibleTo(principal, row)) throw notFound('not_found.order');
  return row;
}

async function contractOptions(tx: Tx, organisationId: string): Promise<ContractOptions | null> {
  const c = await tx.selectFrom('contracts').select('options').where('organisation_id', '=', organisationId).executeTakeFirst();
  return (c?.options as ContractOptions | undefined) ?? null;
}

/** Rules about the set-up itself, refused at once (422): they cannot be fixed by a document. */
async function validateSetup(tx: Tx, organisationId: string, input: OrderInput): Promise<void> {
  const o = input.options;
  const errors: FieldError[] = [];
  if (o.mail_class !== 'registered' && o.acknowledgement) errors.push({ field: 'options.acknowledgement', message: 'field.only_registered' });
  if (o.mail_class !== 'registered' && o.registered_level) errors.push({ field: 'options.registered_level', message: 'field.only_registered' });
  if (o.mail_class === 'registered' && !o.registered_level) errors.push({ field: 'options.registered_level', message: 'field.registered_level_required' });
  if (o.archive.type === 'electronic' && o.archive.retention_years === undefined) errors.push({ field: 'options.archive.retention_years', message: 'field.retention_required' });
  if (o.archive.type !== 'electronic' && o.archive.retention_years !== undefined) errors.push({ field: 'options.archive.retention_years', message: 'field.retention_electronic_only' });
  if (input.address_source === 'recipients' && input.split) errors.push({ field: 'split', message: 'field.split_with_recipients' });
  if (errors.length) {
    const problems = errors.map((e) => message('order.option_problem', { field: e.field, problem: toMessage(e.message) }));
    throw new AppError('business_rule', message('order.options_conflict', { problems }), { errors });
  }

  await checkArchiveOption(tx, organisationId, o.archive.type);
  await checkDocumentsReady(tx, [...input.documents, ...(o.background ? [o.background.document] : [])]);
}

/** The archive an order asks for must be in the organisation's contract (422 otherwise). */
export async function checkArchiveOption(tx: Tx, organisationId: string, type: 'none' | 'simple' | 'electronic'): Promise<void> {
  const contract = await contractOptions(tx, organisationId);
  if (type === 'simple' && !contract?.simple_archive) throw new AppError('business_rule', 'order.no_simple_archive', { errors: [{ field: 'options.archive.type', message: 'field.not_in_contract' }] });
  if (type === 'electronic' && !contract?.electronic_archive) throw new AppError('business_rule', 'order.no_electronic_archive', { errors: [{ field: 'options.archive.type', message: 'field.not_in_contract' }] });
}

/** Every document an order lists is the caller's and ready (converted and inspected). */
export async function checkDocumentsReady(tx: Tx, ids: readonly string[]): Promise<void> {
  const docs = await tx.selectFrom('documents').select(['id', 'status']).where('id', 'in', ids).execute();
  for (const id of ids) {
    const d = docs.find((x) => x.id === id);
    // Row-level security hides other organisations' documents: "not found", whoever owns them.
    if (!d) throw new AppError('not_found', message('not_found.document_id', { id }), { errors: [{ field: 'documents', message: message('field.document_not_found', { id }) }] });
    if (d.status !== 'ready') throw new AppError('business_rule', message(d.status === 'converting' ? 'order.document_converting' : 'order.document_failed', { id }), { errors: [{ field: 'documents', message: message('field.document_not_ready', { id }) }] });
  }
}

function planOptions(options: OrderInput['options']): PlanOptions {
  return {
    color: options.color,
    sides: options.sides,
    envelope: options.envelope,
    mailClass: options.mail_class,
    registeredLevel: options.registered_level ?? null,
    acknowledgement: options.acknowledgement ?? false,
    background: options.background ? { pages: options.background.pages } : null,
  };
}

async function planFor(tx: Tx, deps: OrderDeps, row: OrderRow, rules: ProductionRules): Promise<LetterPlan> {
  const options = row.options as OrderInput['options'];
  const split = row.split as OrderInput['split'];
  const docs = await tx.selectFrom('documents').select(['id', 'pages', 'sha256', 'address', 'page_windows', 'status']).where('id', 'in', row.documents).execute();
  const toPlan = async (id: string, allPages: boolean): Promise<PlanDocument> => {
    const d = docs.find((x) => x.id === id);
    if (!d || d.status !== 'ready' || d.pages === null) return { id, pages: 0, windowLines: [] };
    let windows: string[][] = [d.address?.lines ?? []];
    if (allPages) {
      // Read once, at inspection (upload), so that quoting a run of letters never re-reads the PDF.
      windows = d.page_windows ?? windows;
    }
    return { id, pages: d.pages, windowLines: windows };
  };
  const [mainId, ...attachmentIds] = row.documents;
  const main = await toPlan(mainId!, split?.mode === 'address' && row.address_source === 'document');
  const attachments = await Promise.all(attachmentIds.map((id) => toPlan(id, false)));
  const plan = planLetters({ main, attachments, options: planOptions(options), addressSource: row.address_source, split: split ?? null, recipients: row.recipients }, rules, deps.checkAddress);
  return withAddressFlags(tx, row.organisation_id, plan);
}

const REASON_WORDS = { address_error: 'addressee unknown at this address (NPAI)', not_claimed: 'not claimed', refused: 'refused' } as const;

/**
 * A letter to an address a letter already came back from warns (the address book's flags,
 * M-6.a): a warning, never a refusal — the client may know the address is right now.
 */
async function withAddressFlags(tx: Tx, organisationId: string, plan: LetterPlan): Promise<LetterPlan> {
  if (plan.letters.length === 0) return plan;
  const keys = [...new Set(plan.letters.map((l) => addressKey(l.address.lines, l.address.country)))];
  const flags = new Map<string, { reason: keyof typeof REASON_WORDS; flagged_at: Date }>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await tx.selectFrom('address_flags').select(['address_key', 'reason', 'flagged_at']).where('organisation_id', '=', organisationId).where('cleared_at', 'is', null).where('address_key', 'in', keys.slice(i, i + 1000)).execute();
    for (const r of rows) flags.set(r.address_key, r);
  }
  if (flags.size === 0) return plan;
  const problems = [...plan.problems];
  for (const l of plan.letters) {
    const flag = flags.get(addressKey(l.address.lines, l.address.country));
    if (!flag) continue;
    const on = flag.flagged_at.toISOString().slice(0, 10);
    problems.push({ code: `address_flagged_${flag.reason}`, severity: 'warning', letter: l.number, message: `A letter to this address came back on ${on}: ${REASON_WORDS[flag.reason]}. Check the address before sending.` });
  }
  return { ...plan, problems };
}

export async function tariffFor(tx: Tx, organisationId: string, date: string): Promise<Tariff> {
  const rows = await tx.selectFrom('tariffs').select(['organisation_id', 'tariff']).where((eb) => eb.or([eb('organisation_id', 'is', null), eb('organisation_id', '=', organisationId)])).execute();
  const own = rows.filter((r) => r.organisation_id === organisationId).map((r) => r.tariff as Tariff);
  const standard = rows.filter((r) => r.organisation_id === null).map((r) => r.tariff as Tariff);
  // The contract's own tariff when it has one in force, else the provider's standard one.
  return tariffOn(own, date) ?? tariffOn(standard, date) ?? DEFAULT_TARIFF;
}

function archiveSummary(options: OrderInput['options'], documents: number) {
  if (options.archive.type === 'none') return null;
  return { type: options.archive.type, retentionYears: options.archive.type === 'electronic' ? options.archive.retention_years! : 1, documents };
}

/** The letters and their price as of `at` (a draft: now; a submission: its moment), with the
 * production rules and the tariff in force on that day. */
async function plannedAndPriced(tx: Tx, deps: OrderDeps, row: OrderRow, at: Date) {
  const options = row.options as OrderInput['options'];
  const wall = parisWallClock(at);
  const rules = await rulesInForce(tx, wall.date);
  const plan = await planFor(tx, deps, row, rules);
  const tariff = await tariffFor(tx, row.organisation_id, wall.date);
  const q = priceOrder({ mailpieces: quoteMailpieces(plan, planOptions(options), rules), archive: archiveSummary(options, plan.letters.length) }, tariff);
  const delivery = estimateDelivery(
    { submittedAt: wall, mailClass: options.mail_class },
    { cutoff: depositCutoff(await deps.floorCutoffs(tx)), deliveryDays: deliveryDaysOf(rules), isHoliday: isFrenchPublicHoliday },
  );
  return { plan, quote: q, deliveryEstimate: delivery.deliveryDate };
}

async function view(tx: Tx, deps: OrderDeps, row: OrderRow): Promise<OrderView> {
  if (row.status === 'draft') {
    const { plan, quote, deliveryEstimate } = await plannedAndPriced(tx, deps, row, deps.clock.now());
    return { row, plan, quote, deliveryEstimate, mailpieces: null, reached: { inProduction: null, completed: null } };
  }
  const mailpieces = await tx.selectFrom('mailpieces').selectAll().where('order_id', '=', row.id).orderBy('number').execute();
  const steps = await tx
    .selectFrom('order_events')
    .select(['type', (eb) => eb.fn.min('at').as('at')])
    .where('order_id', '=', row.id)
    .where('type', 'in', ['order.in_production', 'order.completed'])
    .groupBy('type')
    .execute();
  const at = (type: string) => {
    const found = steps.find((s) => s.type === type)?.at;
    return found ? new Date(found as Date) : null;
  };
  const reached = { inProduction: at('order.in_production'), completed: at('order.completed') };
  return { row, plan: { letters: [], problems: [] }, quote: row.quote as unknown as Quote, deliveryEstimate: row.delivery_estimate, mailpieces, reached };
}

/** A new draft's row, whatever its kind: what every order starts as. */
export interface DraftRow {
  organisationId: string;
  createdBy: string;
  kind: OrderRow['kind'];
  name: string;
  documents: readonly string[];
  options: unknown;
  addressSource: OrderRow['address_source'];
  split?: unknown;
  recipients: readonly unknown[];
  fallback?: unknown;
  fallbackOf?: string;
  resendOf?: string;
}

/** A draft's set-up as its columns hold it. */
function setUpColumns(d: Omit<DraftRow, 'organisationId' | 'createdBy' | 'kind' | 'fallbackOf' | 'resendOf'>) {
  return {
    name: d.name,
    documents: JSON.stringify(d.documents),
    options: JSON.stringify(d.options),
    address_source: d.addressSource,
    split: d.split ? JSON.stringify(d.split) : null,
    recipients: JSON.stringify(d.recipients),
    fallback: d.fallback ? JSON.stringify(d.fallback) : null,
  };
}

/** Inserts a draft in the caller's transaction; its id. */
export async function insertDraft(tx: Tx, deps: Pick<OrderDeps, 'ids' | 'clock'>, d: DraftRow): Promise<string> {
  const id = deps.ids.next('ord');
  const now = deps.clock.now();
  await tx
    .insertInto('orders')
    .values({
      id,
      organisation_id: d.organisationId,
      created_by: d.createdBy,
      kind: d.kind,
      status: 'draft',
      ...setUpColumns(d),
      fallback_of: d.fallbackOf ?? null,
      resend_of: d.resendOf ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Writes a draft's set-up again, whatever its kind (a draft only: compare-and-set on its status). */
export async function updateDraft(tx: Tx, deps: Pick<OrderDeps, 'clock'>, id: string, d: Omit<DraftRow, 'organisationId' | 'createdBy' | 'kind' | 'fallbackOf' | 'resendOf'>): Promise<void> {
  await tx
    .updateTable('orders')
    .set({ ...setUpColumns(d), updated_at: deps.clock.now() })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .execute();
}

export async function createOrder(deps: OrderDeps, principal: UserPrincipal, input: OrderInput, within?: Within<OrderView>): Promise<OrderView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    await validateSetup(tx, principal.organisationId, input);
    const id = await insertDraft(tx, deps, {
      organisationId: principal.organisationId,
      createdBy: principal.userId,
      kind: 'paper',
      name: input.name,
      documents: input.documents,
      options: input.options,
      addressSource: input.address_source,
      split: input.split,
      recipients: input.recipients,
    });
    return view(tx, deps, await loadOrder(tx, principal, id));
  }, within);
}

export async function getOrder(deps: OrderDeps, principal: UserPrincipal, id: string): Promise<OrderView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => view(tx, deps, await loadOrder(tx, principal, id)));
}

export function refuseIfNotDraft(row: OrderRow, what: 'edited' | 'deleted'): void {
  if (!isEditable(row.status)) {
    const params = { status: message(`order_status.${row.status}`), what: message(`order_edit.${what}`) };
    throw new AppError('conflict', message(row.status === 'submitted' ? 'order.not_editable_submitted' : 'order.not_editable', params));
  }
}

export async function updateOrder(deps: OrderDeps, principal: UserPrincipal, id: string, changes: Partial<OrderInput>): Promise<OrderView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await loadOrder(tx, principal, id, true);
    refuseIfNotDraft(row, 'edited');
    const merged: OrderInput = {
      name: changes.name ?? row.name,
      documents: changes.documents ?? row.documents,
      options: changes.options ?? (row.options as OrderInput['options']),
      address_source: changes.address_source ?? row.address_source,
      split: changes.split !== undefined ? changes.split : ((row.split as OrderInput['split']) ?? null),
      recipients: changes.recipients ?? row.recipients,
    };
    await validateSetup(tx, principal.organisationId, merged);
    await updateDraft(tx, deps, id, { name: merged.name, documents: merged.documents, options: merged.options, addressSource: merged.address_source, split: merged.split, recipients: merged.recipients });
    return view(tx, deps, await loadOrder(tx, principal, id));
  });
}

export async function deleteOrder(deps: OrderDeps, principal: UserPrincipal, id: string): Promise<void> {
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await loadOrder(tx, principal, id, true);
    refuseIfNotDraft(row, 'deleted');
    await tx.deleteFrom('orders').where('id', '=', id).where('status', '=', 'draft').execute();
  });
}

/**
 * Compare-and-set through the transition table, with its event, in the caller's transaction.
 * The one way an order's status changes, for the client's actions and the floor's alike.
 */
export async function changeOrderStatus(
  tx: Tx,
  deps: Pick<OrderDeps, 'clock' | 'ids'>,
  actorUserId: string | null,
  row: Pick<OrderRow, 'id' | 'organisation_id' | 'status'>,
  action: OrderAction,
  opts: { extra?: Partial<Record<keyof OrdersTable, unknown>>; detail?: Record<string, unknown> } = {},
): Promise<OrderStatus> {
  const to = nextStatus(row.status, action);
  if (to === null) {
    const firm = row.status === 'accepted' || row.status === 'in_production' || row.status === 'completed';
    throw new AppError(
      'conflict',
      action === 'cancel' && firm ? 'order.firm' : message('order.cannot', { status: message(`order_status.${row.status}`), action: message(`order_action.${action}`) }),
    );
  }
  const now = deps.clock.now();
  const updated = await tx
    .updateTable('orders')
    .set({ status: to, updated_at: now, ...(opts.extra as object) })
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('conflict', 'order.changed_meanwhile');
  await tx
    .insertInto('order_events')
    .values({ id: deps.ids.next('evt'), organisation_id: row.organisation_id, order_id: row.id, type: `order.${to}`, detail: JSON.stringify(opts.detail ?? {}), actor_user_id: actorUserId, at: now })
    .execute();
  return to;
}

/** The final validation: every letter must be printable as set up; the price is frozen. */
export async function submitOrder(deps: OrderDeps, principal: UserPrincipal, id: string, within?: Within<OrderView>): Promise<OrderView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await loadOrder(tx, principal, id, true);
    await submitLoaded(tx, deps, principal.userId, row);
    return view(tx, deps, await loadOrder(tx, principal, id));
  }, within);
}

/** Submission in the caller's transaction, the order's row read FOR UPDATE. */
async function submitLoaded(tx: Tx, deps: OrderDeps, actorUserId: string | null, row: OrderRow): Promise<void> {
  // Events start at submission: a draft has no history to keep, and can be deleted.
  if (row.status !== 'draft') await changeOrderStatus(tx, deps, actorUserId, row, 'submit'); // throws: not a draft
  await validateSetup(tx, row.organisation_id, { name: row.name, documents: row.documents, options: row.options as OrderInput['options'], address_source: row.address_source, split: (row.split as OrderInput['split']) ?? null, recipients: row.recipients });
  const now = deps.clock.now();
  const { plan, quote, deliveryEstimate } = await plannedAndPriced(tx, deps, row, now);
  const errors = blocking(plan.problems);
  if (errors.length > 0 || plan.letters.length === 0) {
    // Each problem's sentence is the domain's, in English: `problems[].code` is what the portal
    // puts in the person's language, as it does on the order's page.
    throw new AppError('business_rule', message('order.not_ready', { count: errors.length || 1 }), {
      extra: { problems: errors },
      errors: errors.map((e) => ({ field: e.letter === null ? 'order' : `letters.${e.letter}`, message: message('text.verbatim', { text: e.message }) })),
    });
  }
  await changeOrderStatus(tx, deps, actorUserId, row, 'submit', { extra: { quote: JSON.stringify(quote), delivery_estimate: deliveryEstimate, submitted_at: now, letters: plan.letters.length } });
  // Each letter becomes a mailpiece, pending production.
  for (let i = 0; i < plan.letters.length; i += 500) {
    const chunk = plan.letters.slice(i, i + 500).map((l) => ({
      id: deps.ids.next('mp'),
      organisation_id: row.organisation_id,
      order_id: row.id,
      number: l.number,
      status: 'pending' as const,
      recipient: JSON.stringify({ address: l.address.lines, country: l.address.country }),
      first_page: l.pages[0],
      last_page: l.pages[1],
      sheets: l.sheets,
      weight_mg: l.weightMg,
      postage_step: l.postageStep!,
      carrier_sheet: l.carrierSheet,
      created_at: now,
      updated_at: now,
    }));
    await tx.insertInto('mailpieces').values(chunk).execute();
  }
  await deps.afterSubmit?.(tx, row);
}

/**
 * A paper order that follows up a mailpiece, made in the caller's transaction and submitted at
 * once: the paper fallback of an e-letter (M-4.4), made by Pli itself, or a returned letter sent
 * again to a corrected address by its client (M-6.a). It then follows production like any other.
 * Refused (AppError) when its letter cannot be printed as set up — the caller's transaction
 * rolls back with it.
 */
export async function createFollowUpOrder(
  tx: Tx,
  deps: OrderDeps,
  input: {
    organisationId: string;
    createdBy: string;
    actorUserId: string | null;
    name: string;
    documents: string[];
    options: OrderInput['options'];
    recipient: { address: string[]; country: string };
    link: { fallbackOf: string } | { resendOf: string };
  },
): Promise<{ orderId: string; mailpieceId: string }> {
  const id = await insertDraft(tx, deps, {
    organisationId: input.organisationId,
    createdBy: input.createdBy,
    kind: 'paper',
    name: input.name,
    documents: input.documents,
    options: input.options,
    addressSource: 'recipients',
    recipients: [input.recipient],
    ...input.link,
  });
  const row = await tx.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
  await submitLoaded(tx, deps, input.actorUserId, row);
  const mp = await tx.selectFrom('mailpieces').select('id').where('order_id', '=', id).executeTakeFirstOrThrow();
  return { orderId: id, mailpieceId: mp.id };
}

export async function cancelOrder(deps: OrderDeps, principal: UserPrincipal, id: string): Promise<OrderView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await loadOrder(tx, principal, id, true);
    await changeOrderStatus(tx, deps, principal.userId, row, 'cancel');
    return view(tx, deps, await loadOrder(tx, principal, id));
  });
}

export async function listOrders(deps: OrderDeps, principal: UserPrincipal, filter: { status?: OrderStatus | undefined; kind?: OrderRow['kind'] | undefined; limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(filter.cursor);
  return inScope(deps.db, scopeOf(principal), (tx) => {
    let q = tx.selectFrom('orders').select(['id', 'kind', 'name', 'status', 'letters', 'quote', 'created_at', 'updated_at', 'submitted_at']).orderBy('id', 'desc').limit(filter.limit + 1);
    if (!isProviderRole(principal.role)) q = q.where('organisation_id', '=', principal.organisationId);
    if (principal.role === 'client_user') q = q.where('created_by', '=', principal.userId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    if (after) q = q.where('id', '<', after);
    return q.execute();
  });
}

export async function getMailpiece(deps: OrderDeps, principal: UserPrincipal, id: string) {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const mp = await tx.selectFrom('mailpieces').selectAll().where('id', '=', id).executeTakeFirst();
    if (!mp) throw notFound('not_found.mailpiece');
    await loadOrder(tx, principal, mp.order_id).catch(() => {
      throw notFound('not_found.mailpiece');
    });
    const events = await tx.selectFrom('order_events').select(['type', 'at', 'detail']).where('order_id', '=', mp.order_id).where((eb) => eb.or([eb('mailpiece_id', '=', id), eb('mailpiece_id', 'is', null)])).orderBy('at').execute();
    return { mp, events };
  });
}

export function weightG(mg: number): number {
  return weightForDisplay(mg);
}

/** The provider's standard tariff exists from the first start (demo figures until edited). */
export async function ensureStandardTariff(deps: { db: Kysely<DB>; clock: Clock; ids: IdGenerator }): Promise<void> {
  await inScope(deps.db, systemScope, async (tx) => {
    const any = await tx.selectFrom('tariffs').select('id').where('organisation_id', 'is', null).executeTakeFirst();
    if (any) return;
    await tx.insertInto('tariffs').values({ id: deps.ids.next('trf'), organisation_id: null, effective_from: DEFAULT_TARIFF.effectiveFrom, tariff: JSON.stringify(DEFAULT_TARIFF), created_at: deps.clock.now() }).execute();
  });
}

/** The purchase order PDF of a submitted order, made once from the frozen order and kept. */
export async function purchaseOrder(deps: OrderDeps, principal: UserPrincipal, id: string, render: (row: OrderRow, tx: Tx) => Promise<Buffer>): Promise<{ sha256: string; stream: Readable }> {
  const sha = await inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await loadOrder(tx, principal, id);
    if (row.status === 'draft') throw new AppError('conflict', 'order.draft_no_purchase_order');
    if (row.purchase_order_sha256) return row.purchase_order_sha256;
    const stored = await deps.storage.put(await render(row, tx));
    await tx.updateTable('orders').set({ purchase_order_sha256: stored.sha256 }).where('id', '=', id).execute();
    return stored.sha256;
  });
  return { sha256: sha, stream: await deps.storage.get(sha) };
}
