import type { Kysely, Selectable } from 'kysely';
import { quote as priceOrder, type Quote } from '#domain/mail/index.js';
import type { EletterStatus } from '#domain/eletters/eletter.js';
import type { CreateElectronicOrderBody, EletterRecipient } from '#contracts/orders.js';
import { AppError, message, type FieldError } from '../../errors.js';
import { toMessage } from '../../i18n/index.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope, type Tx, type Within } from '../../platform/db/scope.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { MailService } from '../../platform/mail/outbox.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import type { SealDeps } from '../../platform/trust/cms-seal.js';
import type { IdentityProvider } from '../../platform/identity/identity.port.js';
import { changeOrderStatus, checkArchiveOption, checkDocumentsReady, insertDraft, loadOrder, refuseIfNotDraft, updateDraft, parisWallClock, tariffFor, type OrderDeps, type OrderRow } from '../orders/index.js';
import { hashSecret, randomSecret } from '../../platform/crypto/secrets.js';
import { sendEletterJob } from './jobs.js';
import { linkToken } from './links.js';

/**
 * Electronic orders (M-4.2): the sender's side. A draft like a paper one; at submission each
 * recipient becomes a mailpiece with its e-letter (envoi number, the link that opens it), the
 * price frozen; the sending itself (deposit evidence, notifications) is the job's.
 */
export interface EletterDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  storage: ObjectStorage;
  queue: JobQueue;
  mail: MailService;
  /** The provider's seal and time-stamper: every evidence record. */
  seal: SealDeps;
  /** Where recipients open their letters (links in the notifications). */
  publicUrl: string;
  /** The paper side: a letter that falls back is a paper order. */
  orders: OrderDeps;
  /** The identity check before a registered letter's first access; null: registered letters cannot be opened here. */
  identity: IdentityProvider | null;
  /** Derives each letter's link (links.ts): the provider's secret. */
  linkKey: Buffer;
  /** Access codes and sign-in codes (injected: tests choose them). */
  codes?: { accessCode(): string; textCode(): string };
}

export type ElectronicInput = Omit<CreateElectronicOrderBody, 'kind'>;
export type EletterRow = Selectable<DB['eletters']>;

export interface ElectronicOrderView {
  row: OrderRow;
  quote: Quote | null;
  problems: Array<{ code: string; message: string; severity: 'error' | 'warning'; letter: number | null }>;
  mailpieces: Array<{ mp: Selectable<DB['mailpieces']>; letter: EletterRow; fallbackMailpiece: string | null; evidence: Array<{ id: string; event: string; at: Date }> }>;
}

/** Rules about the set-up, refused at once (422) with the field each is about. */
async function validate(tx: Tx, organisationId: string, input: ElectronicInput): Promise<void> {
  const errors: FieldError[] = [];
  const registered = input.options.registered;
  input.recipients.forEach((r, i) => {
    if (r.kind === 'consumer' && !r.consent_ref) errors.push({ field: `recipients.${i}.consent_ref`, message: 'field.consent_required' });
    if (registered && !r.phone) errors.push({ field: `recipients.${i}.phone`, message: 'field.phone_required' });
  });
  if (input.fallback) {
    if (registered && input.fallback.after_days !== undefined) errors.push({ field: 'fallback.after_days', message: 'field.fallback_days_registered' });
    if (!registered && input.fallback.after_days === undefined) errors.push({ field: 'fallback.after_days', message: 'field.fallback_days_required' });
    if (registered && input.fallback.paper_options.mail_class !== 'registered') errors.push({ field: 'fallback.paper_options.mail_class', message: 'field.fallback_registered' });
  }
  const o = input.options.archive;
  if (o.type === 'electronic' && o.retention_years === undefined) errors.push({ field: 'options.archive.retention_years', message: 'field.retention_required' });
  if (o.type !== 'electronic' && o.retention_years !== undefined) errors.push({ field: 'options.archive.retention_years', message: 'field.retention_electronic_only' });
  if (errors.length) {
    const problems = errors.map((e) => message('order.option_problem', { field: e.field, problem: toMessage(e.message) }));
    throw new AppError('business_rule', message('order.options_conflict', { problems }), { errors });
  }
  await checkArchiveOption(tx, organisationId, o.type);
  await checkDocumentsReady(tx, input.documents);
}

function inputOf(row: OrderRow): ElectronicInput {
  return {
    name: row.name,
    documents: row.documents,
    options: row.options as ElectronicInput['options'],
    recipients: row.recipients as unknown as EletterRecipient[],
    fallback: (row.fallback as ElectronicInput['fallback']) ?? null,
  };
}

async function priced(tx: Tx, row: OrderRow, at: Date): Promise<Quote> {
  const input = inputOf(row);
  const n = input.recipients.length;
  const tariff = await tariffFor(tx, row.organisation_id, parisWallClock(at).date);
  const archive = input.options.archive.type === 'none' ? null : { type: input.options.archive.type, retentionYears: input.options.archive.type === 'electronic' ? input.options.archive.retention_years! : 1, documents: n };
  return priceOrder({ mailpieces: [], eletters: { simple: input.options.registered ? 0 : n, registered: input.options.registered ? n : 0 }, archive }, tariff);
}

export async function electronicView(tx: Tx, deps: Pick<EletterDeps, 'clock'>, row: OrderRow): Promise<ElectronicOrderView> {
  if (row.status === 'draft') {
    const problems = (row.recipients as unknown[]).length === 0 ? [{ code: 'no_recipients', message: 'The letter has no recipient yet.', severity: 'error' as const, letter: null }] : [];
    return { row, quote: await priced(tx, row, deps.clock.now()), problems, mailpieces: [] };
  }
  const mps = await tx.selectFrom('mailpieces').selectAll().where('order_id', '=', row.id).orderBy('number').execute();
  const letters = await tx.selectFrom('eletters').selectAll().where('order_id', '=', row.id).execute();
  const evidence = await tx.selectFrom('eletter_evidence').select(['id', 'mailpiece_id', 'event', 'at']).where('mailpiece_id', 'in', mps.length ? mps.map((m) => m.id) : ['']).orderBy('seq').execute();
  const fallbacks = await tx
    .selectFrom('orders')
    .innerJoin('mailpieces', 'mailpieces.order_id', 'orders.id')
    .select(['orders.fallback_of', 'mailpieces.id'])
    .where('orders.fallback_of', 'in', mps.length ? mps.map((m) => m.id) : [''])
    .execute();
  const letterOf = new Map(letters.map((l) => [l.mailpiece_id, l]));
  const fallbackOf = new Map(fallbacks.map((f) => [f.fallback_of!, f.id]));
  const evidenceOf = new Map<string, Array<{ id: string; event: string; at: Date }>>();
  for (const e of evidence) {
    const list = evidenceOf.get(e.mailpiece_id) ?? [];
    list.push({ id: e.id, event: e.event, at: new Date(e.at) });
    evidenceOf.set(e.mailpiece_id, list);
  }
  return {
    row,
    quote: row.quote as unknown as Quote,
    problems: [],
    // Indexed once: an order may hold 10,000 letters.
    mailpieces: mps.map((mp) => ({
      mp,
      letter: letterOf.get(mp.id)!,
      fallbackMailpiece: fallbackOf.get(mp.id) ?? null,
      evidence: evidenceOf.get(mp.id) ?? [],
    })),
  };
}

export async function createElectronicOrder(deps: EletterDeps, principal: UserPrincipal, input: ElectronicInput, within?: Within<ElectronicOrderView>): Promise<ElectronicOrderView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    await validate(tx, principal.organisationId, input);
    const id = await insertDraft(tx, deps, {
      organisationId: principal.organisationId,
      createdBy: principal.userId,
      kind: 'electronic',
      name: input.name,
      documents: input.documents,
      options: input.options,
      addressSource: 'recipients',
      recipients: input.recipients,
      fallback: input.fallback,
    });
    return electronicView(tx, deps, await loadOrder(tx, principal, id));
  }, within);
}

export async function updateElectronicOrder(deps: EletterDeps, principal: UserPrincipal, id: string, changes: Partial<ElectronicInput>): Promise<ElectronicOrderView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await loadOrder(tx, principal, id, true);
    refuseIfNotDraft(row, 'edited');
    const current = inputOf(row);
    const merged: ElectronicInput = {
      name: changes.name ?? current.name,
      documents: changes.documents ?? current.documents,
      options: changes.options ?? current.options,
      recipients: changes.recipients ?? current.recipients,
      fallback: changes.fallback !== undefined ? changes.fallback : current.fallback,
    };
    await validate(tx, principal.organisationId, merged);
    await updateDraft(tx, deps, id, { name: merged.name, documents: merged.documents, options: merged.options, addressSource: 'recipients', recipients: merged.recipients, fallback: merged.fallback });
    return electronicView(tx, deps, await loadOrder(tx, principal, id));
  });
}

export async function getElectronicOrder(deps: EletterDeps, principal: UserPrincipal, id: string): Promise<ElectronicOrderView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => electronicView(tx, deps, await loadOrder(tx, principal, id)));
}

/** An envoi number people can read out: the year, then 12 characters in 3 groups (~60 bits). */
function envoiNumber(year: string): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const raw = Buffer.from(randomSecret(12), 'base64url');
  let out = '';
  for (let i = 0; i < 12; i++) out += alphabet[raw[i]! % 32];
  return `LE${year}-${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8)}`;
}

/**
 * The sender's final validation: the price is frozen, each recipient becomes a mailpiece and an
 * e-letter, and the sending job is enqueued — all in one transaction, or nothing.
 */
export async function submitElectronicOrder(deps: EletterDeps, principal: UserPrincipal, id: string, within?: Within<ElectronicOrderView>): Promise<ElectronicOrderView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await loadOrder(tx, principal, id, true);
    if (row.status !== 'draft') await changeOrderStatus(tx, deps, principal.userId, row, 'submit'); // throws: not a draft
    const input = inputOf(row);
    await validate(tx, row.organisation_id, input);
    if (input.recipients.length === 0) throw new AppError('business_rule', message('order.not_ready', { count: 1 }), { errors: [{ field: 'recipients', message: 'field.no_recipients' }] });
    const now = deps.clock.now();
    const q = await priced(tx, row, now);
    await changeOrderStatus(tx, deps, principal.userId, row, 'submit', { extra: { quote: JSON.stringify(q), submitted_at: now, letters: input.recipients.length } });
    const pages = await tx.selectFrom('documents').select(['id', 'pages']).where('id', 'in', input.documents).execute();
    const totalPages = pages.reduce((a, d) => a + (d.pages ?? 0), 0);
    const year = parisWallClock(now).date.slice(0, 4);
    for (let i = 0; i < input.recipients.length; i += 500) {
      const chunk = input.recipients.slice(i, i + 500).map((r, j) => ({ r, number: i + j + 1, mpId: deps.ids.next('mp') }));
      await tx
        .insertInto('mailpieces')
        .values(
          chunk.map(({ r, number, mpId }) => ({
            id: mpId,
            organisation_id: row.organisation_id,
            order_id: row.id,
            number,
            status: 'pending' as const,
            recipient: JSON.stringify({ address: r.address, country: r.country, name: r.name, email: r.email }),
            first_page: 1,
            last_page: totalPages,
            // Nothing is printed: no sheet, no weight, no postage (a paper fallback has its own).
            sheets: 0,
            weight_mg: 0,
            postage_step: 'none',
            carrier_sheet: false,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      await tx
        .insertInto('eletters')
        .values(
          chunk.map(({ r, mpId }) => ({
            mailpiece_id: mpId,
            organisation_id: row.organisation_id,
            order_id: row.id,
            envoi: envoiNumber(year),
            kind: input.options.registered ? ('registered' as const) : ('simple' as const),
            recipient_email: r.email,
            recipient_name: r.name,
            recipient_phone: r.phone ?? null,
            recipient_kind: r.kind,
            consent_ref: r.consent_ref ?? null,
            link_hash: hashSecret(linkToken(deps.linkKey, mpId)),
            code_hash: null,
            fallback_after_days: input.options.registered ? null : (input.fallback?.after_days ?? null),
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    }
    await deps.queue.enqueue(tx, sendEletterJob, { order_id: row.id });
    return electronicView(tx, deps, await loadOrder(tx, principal, id));
  }, within);
}

/** Withdrawn whole while submitted: before the sending job has notified anybody. */
export async function cancelElectronicOrder(deps: EletterDeps, principal: UserPrincipal, id: string): Promise<ElectronicOrderView> {
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await loadOrder(tx, principal, id, true);
    await changeOrderStatus(tx, deps, principal.userId, row, 'cancel');
    return electronicView(tx, deps, await loadOrder(tx, principal, id));
  });
}

export function isFinal(status: EletterStatus, hasFallback: boolean): boolean {
  return status === 'opened' || status === 'accepted' || status === 'refused' || status === 'fallback_paper' || (status === 'expired' && !hasFallback);
}
