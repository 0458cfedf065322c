import type { Kysely } from 'kysely';
import { looksLikeEmail, normaliseEmail } from '#domain/email.js';
import { roleFitsOrganisation, type Role } from '#domain/roles.js';
import { AppError, message, notFound } from '../../errors.js';
import type { Clock } from '../../platform/clock/clock.js';
import { hashPassword } from '../../platform/crypto/passwords.js';
import type { DB } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import type { UserPrincipal } from '../../platform/http/principal.js';
import { sendInvitation, type TokenDeps } from './tokens.js';

export interface UserDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
}

export interface NewUserInput {
  organisationId: string;
  email: string;
  name: string;
  role: Role;
  /** Without a password the account waits for activation (the accounts issue sends the link). */
  password?: string | undefined;
}

/** Creates one user in the given transaction; the caller's scope decides whether that is allowed. */
export async function insertUser(tx: Tx, deps: UserDeps, input: NewUserInput): Promise<{ id: string }> {
  const email = normaliseEmail(input.email);
  if (!looksLikeEmail(email)) {
    throw new AppError('validation_failed', message('account.email_invalid', { email: input.email }), { errors: [{ field: 'email', message: 'field.not_email' }] });
  }
  const organisation = await tx.selectFrom('organisations').select(['id', 'kind']).where('id', '=', input.organisationId).executeTakeFirst();
  if (!organisation) throw notFound(message('not_found.organisation_id', { id: input.organisationId }));
  if (!roleFitsOrganisation(input.role, organisation.kind)) {
    throw new AppError('business_rule', message('account.role_not_of_kind', { role: input.role, kind: message(`kind.${organisation.kind}`) }), {
      errors: [{ field: 'role', message: message('field.role_not_of_kind', { kind: message(`kind.${organisation.kind}`) }) }],
    });
  }
  const emailTaken = () => new AppError('conflict', message('account.email_taken', { email }), { errors: [{ field: 'email', message: 'field.email_taken' }] });
  if (await tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) throw emailTaken();
  const id = deps.ids.next('usr');
  await tx
    .insertInto('users')
    .values({
      id,
      organisation_id: input.organisationId,
      email,
      name: input.name.trim(),
      role: input.role,
      status: input.password ? 'active' : 'invited',
      password_hash: input.password ? await hashPassword(input.password) : null,
      created_at: deps.clock.now(),
    })
    .execute()
    // Row-level security hides other organisations' people from a client's transaction: the
    // unique index is what sees an e-mail used elsewhere.
    .catch((err: unknown) => {
      throw isUniqueViolation(err, 'users_email') ? emailTaken() : err;
    });
  return { id };
}

/** The operator's `pli user create`: resolves the organisation by id or exact name; without a
 * password the person gets an invitation e-mail with their activation link. */
export async function createUserFromCli(
  deps: TokenDeps,
  input: Omit<NewUserInput, 'organisationId'> & { organisation: string },
): Promise<{ id: string; organisationId: string }> {
  return inScope(deps.db, systemScope, async (tx) => {
    const organisation = await tx
      .selectFrom('organisations')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', input.organisation), eb('name', '=', input.organisation)]))
      .execute();
    if (organisation.length !== 1) {
      throw new AppError('not_found', message(organisation.length === 0 ? 'account.no_organisation_named' : 'account.several_organisations_named', { name: input.organisation }));
    }
    const organisationId = organisation[0]!.id;
    const { id } = await insertUser(tx, deps, { ...input, organisationId });
    if (!input.password) await sendInvitation(tx, deps, { id, organisation_id: organisationId, email: normaliseEmail(input.email), name: input.name.trim() });
    return { id, organisationId };
  });
}

export async function findUserByEmail(db: Kysely<DB>, email: string) {
  return inScope(db, systemScope, (tx) =>
    tx.selectFrom('users').select(['id', 'email', 'organisation_id', 'role', 'status']).where('email', '=', normaliseEmail(email)).executeTakeFirst(),
  );
}

/** The principal a user acts as (the CLI creating a key for them, tests). */
export async function principalOfUser(db: Kysely<DB>, userId: string, via: UserPrincipal['via'] = 'api_key'): Promise<UserPrincipal> {
  const row = await inScope(db, systemScope, (tx) =>
    tx
      .selectFrom('users')
      .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
      .select(['users.id', 'users.email', 'users.name', 'users.role', 'organisations.id as organisation_id', 'organisations.name as organisation_name'])
      .where('users.id', '=', userId)
      .executeTakeFirst(),
  );
  if (!row) throw notFound(message('not_found.user_id', { id: userId }));
  return {
    kind: 'user',
    userId: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    via,
    apiKeyId: null,
    stage: 'signed_in',
    sessionId: null,
    csrfToken: null,
  };
}
