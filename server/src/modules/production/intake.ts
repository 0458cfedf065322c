import { z } from 'zod';
import { notFound } from '../../errors.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { defineJob } from '../../platform/jobs/job-queue.js';
import { changeOrderStatus } from '../orders/index.js';
import type { ProductionDeps } from './deps.js';
import { floorSettings } from './floor-settings.js';

/**
 * Intake (M-1.2): submitted orders wait in the floor's queue. Automatic checks accept them when
 * the provider turned automatic acceptance on; otherwise an operator or administrator accepts or
 * refuses each one, with a reason the client reads at once. Acceptance makes the order firm
 * (M-1.1); a refused order is neither produced nor billed.
 */
export const intakeJob = defineJob({ name: 'production.intake', schema: z.object({ order_id: z.string() }), retryLimit: 3, retryDelaySeconds: 5 });

export async function listIntake(deps: ProductionDeps, principal: UserPrincipal) {
  return inScope(deps.db, scopeOf(principal), (tx) =>
    tx
      .selectFrom('orders as o')
      .innerJoin('organisations as org', 'org.id', 'o.organisation_id')
      .select(['o.id', 'o.name', 'o.organisation_id', 'org.name as organisation_name', 'o.letters', 'o.quote', 'o.options', 'o.submitted_at'])
      .where('o.status', '=', 'submitted')
      .orderBy('o.submitted_at')
      .orderBy('o.id')
      .limit(500)
      .execute(),
  );
}

async function lockOrder(tx: Tx, id: string) {
  const row = await tx.selectFrom('orders').select(['id', 'organisation_id', 'status', 'letters', 'documents', 'options']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('not_found.order');
  return row;
}

async function accept(tx: Tx, deps: ProductionDeps, actor: UserPrincipal | null, id: string): Promise<void> {
  const row = await lockOrder(tx, id);
  const now = deps.clock.now();
  await changeOrderStatus(tx, deps, actor?.userId ?? null, row, 'accept', {
    extra: { accepted_at: now, decided_by: actor?.userId ?? null },
    detail: { by: actor ? 'operator' : 'automatic checks' },
  });
  await deps.afterAccept?.(tx, row);
  if (actor) await recordAudit(tx, deps, { organisationId: actor.organisationId, actorUserId: actor.userId, action: 'order.accepted', subjectId: id });
}

export async function acceptOrder(deps: ProductionDeps, principal: UserPrincipal, id: string): Promise<void> {
  await inScope(deps.db, scopeOf(principal), (tx) => accept(tx, deps, principal, id));
}

export async function refuseOrder(deps: ProductionDeps, principal: UserPrincipal, id: string, reason: string): Promise<void> {
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    const row = await lockOrder(tx, id);
    await changeOrderStatus(tx, deps, principal.userId, row, 'refuse', { extra: { refusal_reason: reason, decided_by: principal.userId }, detail: { reason } });
    await recordAudit(tx, deps, { organisationId: principal.organisationId, actorUserId: principal.userId, action: 'order.refused', subjectId: id, detail: { reason } });
  });
}

/** What the automatic checks find wrong with a submitted order (nothing: it can be accepted). */
async function automaticChecks(tx: Tx, order: { id: string; letters: number; documents: string[]; options: Record<string, unknown> }): Promise<string[]> {
  const problems: string[] = [];
  const background = (order.options.background as { document?: string } | null)?.document;
  const ids = [...order.documents, ...(background ? [background] : [])];
  const docs = await tx.selectFrom('documents').select(['id', 'status', 'sha256']).where('id', 'in', ids).execute();
  for (const id of ids) {
    const d = docs.find((x) => x.id === id);
    if (!d || d.status !== 'ready' || !d.sha256) problems.push(`document ${id} is not ready to print`);
  }
  const { count } = await tx.selectFrom('mailpieces').select((eb) => eb.fn.countAll<string>().as('count')).where('order_id', '=', order.id).executeTakeFirstOrThrow();
  if (Number(count) !== order.letters || order.letters === 0) problems.push(`${count} mailpieces for ${order.letters} letters`);
  return problems;
}

/** The intake job, enqueued with each submission: accepts when automatic acceptance is on and the checks pass. */
export async function runIntake(deps: ProductionDeps, orderId: string): Promise<void> {
  await inScope(deps.db, systemScope, async (tx) => {
    if (!(await floorSettings(tx)).autoAccept) return;
    const row = await tx.selectFrom('orders').select(['id', 'status', 'letters', 'documents', 'options']).where('id', '=', orderId).executeTakeFirst();
    if (!row || row.status !== 'submitted') return; // withdrawn, or decided by an operator meanwhile
    // Problems leave the order in the queue for an operator, who sees it like any other.
    if ((await automaticChecks(tx, row)).length > 0) return;
    await accept(tx, deps, null, orderId);
  });
}
