import type { Kysely } from 'kysely';
import { isProviderRole, type Role } from '#domain/roles.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope, type Tx, type Within } from '../../platform/db/scope.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { endSessionsOf } from './sessions.js';
import { sendInvitation, type TokenDeps } from './tokens.js';
import { insertUser } from './users.js';

/** People of an organisation: invitations, deactivation, reactivation (M-2.1). */
export type PeopleDeps = TokenDeps & { db: Kysely<DB> };

export interface PersonView {
  id: string;
  organisation_id: string;
  email: string;
  name: string;
  role: Role;
  status: 'invited' | 'active' | 'deactivated';
  totp_enabled: boolean;
  created_at: Date;
}

function personQuery(tx: Tx) {
  return tx.selectFrom('users').select(['id', 'organisation_id', 'email', 'name', 'role', 'status', 'totp_enabled_at', 'created_at']);
}

const toView = (r: { id: string; organisation_id: string; email: string; name: string; role: Role; status: PersonView['status']; totp_enabled_at: Date | null; created_at: Date }): PersonView => ({
  id: r.id,
  organisation_id: r.organisation_id,
  email: r.email,
  name: r.name,
  role: r.role,
  status: r.status,
  totp_enabled: r.totp_enabled_at !== null,
  created_at: r.created_at,
});

/** Which organisation's people the caller may manage: a client administrator their own only. */
function organisationFor(principal: UserPrincipal, requested: string | undefined): string {
  if (isProviderRole(principal.role)) return requested ?? principal.organisationId;
  if (requested !== undefined && requested !== principal.organisationId) throw notFound('not_found.organisation');
  return principal.organisationId;
}

export async function listPeople(deps: PeopleDeps, principal: UserPrincipal, filter: { organisation?: string | undefined; status?: PersonView['status'] | undefined; limit: number; cursor?: string | undefined }) {
  const organisationId = isProviderRole(principal.role) ? filter.organisation : organisationFor(principal, filter.organisation);
  const after = decodeCursor(filter.cursor);
  const rows = await inScope(deps.db, scopeOf(principal), (tx) => {
    let q = personQuery(tx).orderBy('id', 'desc').limit(filter.limit + 1);
    if (organisationId) q = q.where('organisation_id', '=', organisationId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (after) q = q.where('id', '<', after);
    return q.execute();
  });
  return rows.map(toView);
}

async function loadPerson(tx: Tx, principal: UserPrincipal, id: string) {
  const row = await personQuery(tx).where('id', '=', id).executeTakeFirst();
  // Row-level security already hides other organisations from clients; this also keeps a client
  // administrator's answer identical whether the id exists elsewhere or not.
  if (!row || (!isProviderRole(principal.role) && row.organisation_id !== principal.organisationId)) throw notFound('not_found.person');
  return row;
}

export async function getPerson(deps: PeopleDeps, principal: UserPrincipal, id: string): Promise<PersonView> {
  return toView(await inScope(deps.db, scopeOf(principal), (tx) => loadPerson(tx, principal, id)));
}

export async function invitePerson(
  deps: PeopleDeps,
  principal: UserPrincipal,
  input: { organisation_id?: string | undefined; email: string; name: string; role: Role },
  ip: string | null,
  within?: Within<PersonView>,
): Promise<PersonView> {
  const organisationId = organisationFor(principal, input.organisation_id);
  if (!isProviderRole(principal.role) && isProviderRole(input.role)) {
    throw new AppError('forbidden', 'people.client_roles_only', { errors: [{ field: 'role', message: 'field.provider_role' }] });
  }
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    const org = await tx.selectFrom('organisations').select(['id', 'status']).where('id', '=', organisationId).executeTakeFirst();
    if (!org) throw notFound('not_found.organisation');
    const { id: userId } = await insertUser(tx, deps, { organisationId, email: input.email, name: input.name, role: input.role });
    const user = await tx.selectFrom('users').select(['id', 'organisation_id', 'email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    await sendInvitation(tx, deps, user);
    await recordAudit(tx, deps, { organisationId, actorUserId: principal.userId, action: 'user.invited', subjectId: userId, detail: { email: user.email, role: input.role }, ip });
    return toView(await loadPerson(tx, principal, userId));
  }, within);
}

export async function resendInvitation(deps: PeopleDeps, principal: UserPrincipal, id: string, ip: string | null): Promise<void> {
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    const person = await loadPerson(tx, principal, id);
    if (person.status !== 'invited') throw new AppError('conflict', 'people.already_active');
    await sendInvitation(tx, deps, person);
    await recordAudit(tx, deps, { organisationId: person.organisation_id, actorUserId: principal.userId, action: 'user.invitation_resent', subjectId: id, ip });
  });
}

/** Deactivation takes effect at once: every session ends, API keys stop working (they act as the user). */
export async function setPersonActive(deps: PeopleDeps, principal: UserPrincipal, id: string, active: boolean, ip: string | null): Promise<PersonView> {
  if (id === principal.userId) throw new AppError('business_rule', 'people.not_yourself');
  await inScope(deps.db, scopeOf(principal), async (tx) => {
    const person = await loadPerson(tx, principal, id);
    if (!isProviderRole(principal.role) && isProviderRole(person.role)) throw notFound('not_found.person');
    const hasPassword = await tx.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow();
    const next = active ? (hasPassword.password_hash ? 'active' : 'invited') : 'deactivated';
    if (active ? person.status !== 'deactivated' : person.status === 'deactivated') return;
    await tx.updateTable('users').set({ status: next }).where('id', '=', id).where('status', '=', person.status).execute();
    if (!active) await endSessionsOf(tx, deps, id);
    await recordAudit(tx, deps, { organisationId: person.organisation_id, actorUserId: principal.userId, action: active ? 'user.reactivated' : 'user.deactivated', subjectId: id, ip });
  });
  return getPerson(deps, principal, id);
}
