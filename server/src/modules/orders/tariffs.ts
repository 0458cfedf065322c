import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { postageGaps, type Tariff } from '#domain/mail/index.js';
import { isProviderRole } from '#domain/roles.js';
import type { tariffBody } from '#contracts/tariffs.js';
import { AppError, message, notFound } from '../../errors.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope } from '../../platform/db/scope.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { parisWallClock } from './paris-time.js';
import { rulesFrom } from './production-rules.js';

type TariffBody = z.infer<typeof tariffBody>;

/** The tariffs that apply to an organisation (its own, then the provider's standard ones). */
export async function listTariffs(deps: { db: Kysely<DB> }, principal: UserPrincipal, organisationId: string | undefined) {
  const org = isProviderRole(principal.role) ? organisationId : principal.organisationId;
  if (!isProviderRole(principal.role) && organisationId !== undefined && organisationId !== principal.organisationId) throw notFound('not_found.organisation');
  return inScope(deps.db, scopeOf(principal), (tx) => {
    let q = tx.selectFrom('tariffs').select(['id', 'organisation_id', 'effective_from', 'tariff', 'created_at']).orderBy('effective_from', 'desc');
    q = org ? q.where((eb) => eb.or([eb('organisation_id', 'is', null), eb('organisation_id', '=', org)])) : q.where('organisation_id', 'is', null);
    return q.execute();
  });
}

/** A new tariff from a date; the tariff in force before it keeps pricing what came before. */
export async function createTariff(deps: { db: Kysely<DB>; clock: Clock; ids: IdGenerator }, principal: UserPrincipal, input: { organisation_id: string | null; tariff: TariffBody }) {
  const id = deps.ids.next('trf');
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    if (input.organisation_id) {
      const org = await tx.selectFrom('organisations').select(['kind']).where('id', '=', input.organisation_id).executeTakeFirst();
      if (!org || org.kind !== 'client') throw notFound('not_found.client_organisation');
    }
    const today = parisWallClock(deps.clock.now()).date;
    if (input.tariff.effectiveFrom < today) {
      throw new AppError('business_rule', message('tariff.in_the_past', { date: input.tariff.effectiveFrom }), {
        errors: [{ field: 'tariff.effectiveFrom', message: message('field.date_or_later', { date: today }) }],
      });
    }
    // Every step of the production rules that will apply with it, up to each class's limit.
    const missing = [...new Set((await rulesFrom(tx, input.tariff.effectiveFrom)).flatMap((rules) => postageGaps(input.tariff as Tariff, rules)))];
    if (missing.length) throw new AppError('business_rule', message('tariff.postage_missing', { lines: missing }), { errors: [{ field: 'tariff.lines.postage', message: message('field.postage_missing', { lines: missing }) }] });
    await tx
      .insertInto('tariffs')
      .values({ id, organisation_id: input.organisation_id, effective_from: input.tariff.effectiveFrom, tariff: JSON.stringify(input.tariff), created_by: principal.userId, created_at: deps.clock.now() })
      .execute()
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? new AppError('conflict', message('tariff.date_taken', { date: input.tariff.effectiveFrom })) : err;
      });
    await recordAudit(tx, deps, { organisationId: input.organisation_id, actorUserId: principal.userId, action: 'tariff.created', subjectId: id, detail: { effective_from: input.tariff.effectiveFrom } });
    return tx.selectFrom('tariffs').select(['id', 'organisation_id', 'effective_from', 'tariff', 'created_at']).where('id', '=', id).executeTakeFirstOrThrow();
  });
}
