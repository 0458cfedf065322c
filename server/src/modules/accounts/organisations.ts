import { sql, type Kysely } from 'kysely';
import { isProviderRole } from '#domain/roles.js';
import { AppError, message, notFound } from '../../errors.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { ContractOptions, DB } from '../../platform/db/schema.js';
import { inScope, type Tx, type Within } from '../../platform/db/scope.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';

export interface OrganisationDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
}

export interface ContractInput {
  starts_on: string;
  ends_on: string | null;
  onboarding_ends_on: string | null;
  options: ContractOptions;
}

export interface OrganisationView {
  id: string;
  kind: 'provider' | 'client';
  name: string;
  status: 'active' | 'suspended';
  created_at: Date;
  user_count: number;
  contract: ContractInput | null;
}

const dateText = (d: unknown): string | null => (d === null || d === undefined ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

function baseQuery(tx: Tx) {
  return tx
    .selectFrom('organisations')
    .leftJoin('contracts', 'contracts.organisation_id', 'organisations.id')
    .select([
      'organisations.id',
      'organisations.kind',
      'organisations.name',
      'organisations.status',
      'organisations.created_at',
      'contracts.starts_on',
      'contracts.ends_on',
      'contracts.onboarding_ends_on',
      'contracts.options',
      (eb) => eb.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).whereRef('users.organisation_id', '=', 'organisations.id').as('user_count'),
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(row: Row): OrganisationView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    status: row.status,
    created_at: row.created_at,
    user_count: Number(row.user_count ?? 0),
    contract:
      row.starts_on === null
        ? null
        : { starts_on: dateText(row.starts_on)!, ends_on: dateText(row.ends_on), onboarding_ends_on: dateText(row.onboarding_ends_on), options: row.options as ContractOptions },
  };
}

/** Provider staff see every organisation; a client administrator only their own (else 404). */
export async function getOrganisation(deps: OrganisationDeps, principal: UserPrincipal, id: string): Promise<OrganisationView> {
  if (!isProviderRole(principal.role) && id !== principal.organisationId) throw notFound('not_found.organisation');
  const row = await inScope(deps.db, scopeOf(principal), (tx) => baseQuery(tx).where('organisations.id', '=', id).executeTakeFirst());
  if (!row) throw notFound('not_found.organisation');
  return toView(row);
}

export async function listOrganisations(deps: OrganisationDeps, principal: UserPrincipal, page: { limit: number; cursor?: string | undefined; query?: string | undefined }) {
  const after = decodeCursor(page.cursor);
  const rows = await inScope(deps.db, scopeOf(principal), (tx) => {
    let q = baseQuery(tx).where('organisations.kind', '=', 'client').orderBy('organisations.id', 'desc').limit(page.limit + 1);
    if (after) q = q.where('organisations.id', '<', after);
    if (page.query) q = q.where('organisations.name', 'ilike', `%${page.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    return q.execute();
  });
  return rows.map(toView);
}

async function assertNameFree(tx: Tx, name: string, except?: string): Promise<void> {
  let q = tx.selectFrom('organisations').select('id').where(sql`lower(name)`, '=', name.toLowerCase());
  if (except) q = q.where('id', '!=', except);
  if (await q.executeTakeFirst()) {
    throw new AppError('conflict', message('organisation.name_taken', { name }), { errors: [{ field: 'name', message: 'field.name_taken' }] });
  }
}

export async function createOrganisation(
  deps: OrganisationDeps,
  principal: UserPrincipal,
  input: { name: string; contract: ContractInput },
  ip: string | null,
  within?: Within<OrganisationView>,
): Promise<OrganisationView> {
  const id = deps.ids.next('org');
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    await assertNameFree(tx, input.name);
    const now = deps.clock.now();
    await tx.insertInto('organisations').values({ id, kind: 'client', name: input.name, created_at: now }).execute();
    await tx
      .insertInto('contracts')
      .values({ id: deps.ids.next('ctr'), organisation_id: id, starts_on: input.contract.starts_on, ends_on: input.contract.ends_on, onboarding_ends_on: input.contract.onboarding_ends_on, options: JSON.stringify(input.contract.options), created_at: now })
      .execute();
    await recordAudit(tx, deps, { organisationId: id, actorUserId: principal.userId, action: 'organisation.created', subjectId: id, detail: { name: input.name, contract: input.contract }, ip });
    return toView(await baseQuery(tx).where('organisations.id', '=', id).executeTakeFirstOrThrow());
  }, within);
}

export async function updateOrganisation(
  deps: OrganisationDeps,
  principal: UserPrincipal,
  id: string,
  input: { name?: string | undefined; contract?: ContractInput | undefined },
  ip: string | null,
): Promise<OrganisationView> {
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    const org = await tx.selectFrom('organisations').select(['id', 'kind']).where('id', '=', id).executeTakeFirst();
    if (!org) throw notFound('not_found.organisation');
    if (org.kind !== 'client') throw new AppError('business_rule', 'organisation.provider_no_contract');
    if (input.name !== undefined) {
      await assertNameFree(tx, input.name, id);
      await tx.updateTable('organisations').set({ name: input.name }).where('id', '=', id).execute();
    }
    if (input.contract) {
      const c = input.contract;
      const values = { starts_on: c.starts_on, ends_on: c.ends_on, onboarding_ends_on: c.onboarding_ends_on, options: JSON.stringify(c.options) };
      const updated = await tx.updateTable('contracts').set(values).where('organisation_id', '=', id).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        await tx.insertInto('contracts').values({ id: deps.ids.next('ctr'), organisation_id: id, ...values, created_at: deps.clock.now() }).execute();
      }
    }
    // The audit trail keeps what changed: the subscription history the client can be shown.
    await recordAudit(tx, deps, { organisationId: id, actorUserId: principal.userId, action: 'organisation.updated', subjectId: id, detail: { ...input }, ip });
  });
  return getOrganisation(deps, principal, id);
}

/** Suspension ends every session of the organisation's people at once; reactivation lets them back in. */
export async function setOrganisationStatus(deps: OrganisationDeps, principal: UserPrincipal, id: string, status: 'active' | 'suspended', ip: string | null): Promise<OrganisationView> {
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    const org = await tx.selectFrom('organisations').select(['id', 'kind', 'status']).where('id', '=', id).executeTakeFirst();
    if (!org) throw notFound('not_found.organisation');
    if (org.kind !== 'client') throw new AppError('business_rule', 'organisation.provider_not_suspended');
    if (org.status === status) return;
    await tx.updateTable('organisations').set({ status }).where('id', '=', id).where('status', '=', org.status).execute();
    if (status === 'suspended') {
      await tx.updateTable('sessions').set({ ended_at: deps.clock.now() }).where('organisation_id', '=', id).where('ended_at', 'is', null).execute();
    }
    await recordAudit(tx, deps, { organisationId: id, actorUserId: principal.userId, action: status === 'suspended' ? 'organisation.suspended' : 'organisation.reactivated', subjectId: id, ip });
  });
  return getOrganisation(deps, principal, id);
}
