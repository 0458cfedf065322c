import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { checkProductionRules, DEFAULT_PRODUCTION_RULES, postageGaps, rulesOn, versionsFrom, type ProductionRules, type RulesProblem, type Tariff } from '#domain/mail/index.js';
import type { CivilDate } from '#domain/mail/index.js';
import type { productionRulesBody } from '#contracts/production-rules.js';
import { AppError, message, type FieldError } from '../../errors.js';
import type { Message } from '../../i18n/index.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import { inScope, systemScope, type Tx } from '../../platform/db/scope.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { scopeOf, type UserPrincipal } from '../../platform/http/principal.js';
import { parisWallClock } from './paris-time.js';

/**
 * The production rules (weights, capacities, postage steps, class limits and delivery targets):
 * effective-dated versions the provider administrator adds, never edits. Orders plan and quote
 * with the version in force on their day (a draft: today; a submission: its moment, then frozen
 * in the order's letters and price).
 */
type Deps = { db: Kysely<DB>; clock: Clock; ids: IdGenerator };
type RulesBody = z.infer<typeof productionRulesBody>;

async function versions(tx: Tx) {
  return tx.selectFrom('production_rules').select(['id', 'effective_from', 'rules', 'created_at']).orderBy('effective_from', 'desc').execute();
}

/** The rules in force on a date, read in the caller's transaction; before the first version, the
 * defaults (a fresh install gets them as its first version, ensureProductionRules). */
export async function rulesInForce(tx: Tx, date: CivilDate): Promise<ProductionRules> {
  const rows = await versions(tx);
  return rulesOn(rows.map((r) => r.rules as ProductionRules), date) ?? DEFAULT_PRODUCTION_RULES;
}

/** The rules that apply on a date or after it (a tariff from that date must price their steps). */
export async function rulesFrom(tx: Tx, date: CivilDate): Promise<ProductionRules[]> {
  const all = (await versions(tx)).map((r) => r.rules as ProductionRules);
  const from = versionsFrom(all, date);
  return rulesOn(all, date) ? from : [DEFAULT_PRODUCTION_RULES, ...from];
}

/** A version whose steps a tariff that applies with it does not price would make quotes fail:
 * refused, naming the tariff, so the provider publishes the tariff's new prices first. */
async function refuseTariffGaps(tx: Tx, rules: ProductionRules): Promise<void> {
  const rows = await tx.selectFrom('tariffs').select(['organisation_id', 'tariff']).execute();
  // Each organisation's own tariffs, and the standard ones (null), are versions of their own.
  const byOwner = new Map<string | null, Tariff[]>();
  for (const row of rows) byOwner.set(row.organisation_id, [...(byOwner.get(row.organisation_id) ?? []), row.tariff as Tariff]);
  for (const owned of byOwner.values()) {
    for (const tariff of versionsFrom(owned, rules.effectiveFrom)) {
      const lines = postageGaps(tariff, rules);
      if (lines.length === 0) continue;
      throw new AppError('business_rule', message('production_rules.tariff_gaps', { date: tariff.effectiveFrom, lines }), {
        errors: [{ field: 'postageStepsMg', message: message('field.postage_missing', { lines }) }],
      });
    }
  }
}

export async function listProductionRules(deps: Deps, principal: UserPrincipal) {
  const today = parisWallClock(deps.clock.now()).date;
  const rows = await inScope(deps.db, scopeOf(principal), versions);
  const inForce = rulesOn(rows.map((r) => r.rules as ProductionRules), today);
  return rows.map((row) => {
    const rules = row.rules as ProductionRules;
    const status = rules === inForce ? ('in_force' as const) : rules.effectiveFrom > today ? ('scheduled' as const) : ('past' as const);
    return { ...row, rules, status };
  });
}

const PROBLEM_MESSAGES: Record<RulesProblem['code'], Message> = {
  weight_mg: message('field.weight_mg'),
  at_least_one: message('field.whole_at_least_one'),
  envelope_missing: message('field.envelope_missing'),
  steps_missing: message('field.too_few', { count: 1 }),
  steps_increasing: message('field.steps_increasing'),
  class_max_not_a_step: message('field.class_max_not_a_step'),
  delivery_days: message('field.delivery_days'),
};

/** A new version from a date, never in the past: what was shown or planned before keeps the
 * version it was computed with. */
export async function createProductionRules(deps: Deps, principal: UserPrincipal, body: RulesBody) {
  const today = parisWallClock(deps.clock.now()).date;
  if (body.effectiveFrom < today) {
    throw new AppError('business_rule', message('production_rules.in_the_past', { date: body.effectiveFrom }), {
      errors: [{ field: 'effectiveFrom', message: message('field.date_or_later', { date: today }) }],
    });
  }
  const check = checkProductionRules(body);
  if (!check.ok) {
    const errors: FieldError[] = check.problems.map((p) => ({ field: p.field, message: PROBLEM_MESSAGES[p.code] }));
    const problems = check.problems.map((p) => message('production_rules.problem', { field: p.field, problem: PROBLEM_MESSAGES[p.code] }));
    throw new AppError('validation_failed', message('production_rules.invalid', { problems }), { errors });
  }
  const id = deps.ids.next('prr');
  return inScope(deps.db, scopeOf(principal), async (tx) => {
    await refuseTariffGaps(tx, check.rules);
    await tx
      .insertInto('production_rules')
      .values({ id, effective_from: check.rules.effectiveFrom, rules: JSON.stringify(check.rules), created_by: principal.userId, created_at: deps.clock.now() })
      .execute()
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? new AppError('conflict', message('production_rules.date_taken', { date: check.rules.effectiveFrom })) : err;
      });
    await recordAudit(tx, deps, { organisationId: null, actorUserId: principal.userId, action: 'production_rules.created', subjectId: id, detail: { effective_from: check.rules.effectiveFrom } });
    const row = await tx.selectFrom('production_rules').select(['id', 'effective_from', 'rules', 'created_at']).where('id', '=', id).executeTakeFirstOrThrow();
    return { ...row, rules: check.rules, status: check.rules.effectiveFrom > today ? ('scheduled' as const) : ('in_force' as const) };
  });
}

/** The defaults exist as the first version from the first start, so the provider sees and
 * edits what applies rather than an empty list. */
export async function ensureProductionRules(deps: Deps): Promise<void> {
  await inScope(deps.db, systemScope, async (tx) => {
    if (await tx.selectFrom('production_rules').select('id').executeTakeFirst()) return;
    const rules = DEFAULT_PRODUCTION_RULES;
    await tx.insertInto('production_rules').values({ id: deps.ids.next('prr'), effective_from: rules.effectiveFrom, rules: JSON.stringify(rules), created_at: deps.clock.now() }).execute();
  });
}
