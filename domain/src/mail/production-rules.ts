/** The production rules (spec §9 "defaults are data, editable by the provider"): paper and
 * envelope weights, the inserter's capacities, the extras' weights, La Poste's postage steps and
 * each class's weight limit and delivery target. Effective-dated like tariffs, because La Poste
 * changes its ranges and targets on a date and a quote must say what applies on its day. */
import { versionOn } from './calendar.js';
import type { CivilDate } from './calendar.js';
import { ENVELOPE_TYPES } from './paper.js';
import type { EnvelopeSpec, EnvelopeType, PaperRules } from './paper.js';
import { MAIL_CLASS_NAMES, stepLabel } from './postage.js';
import type { MailClass, MailClassRule } from './postage.js';
import type { Tariff } from './pricing.js';

export interface ProductionRules extends PaperRules {
  /** First day the rules apply, inclusive. */
  effectiveFrom: CivilDate;
  /** Upper bound of each postage step in mg, inclusive, lightest first. */
  postageStepsMg: readonly number[];
  classes: Record<MailClass, MailClassRule>;
}

/** The figures of spec §9 and M-3.1: what a fresh install applies until the provider edits them.
 * Registered mail travels at priority speed, hence D+2 too. */
export const DEFAULT_PRODUCTION_RULES: ProductionRules = {
  effectiveFrom: '2026-01-01',
  sheetMg: 4_990,
  envelopes: {
    'C5/6': { weightMg: 5_000, maxSheets: 5 },
    C5: { weightMg: 9_000, maxSheets: 10 },
    C4: { weightMg: 25_000, maxSheets: 45 },
  },
  carrierSheet: 1,
  registeredLabelMg: 1_000,
  acknowledgementCardMg: 3_000,
  maxThicknessMm: 30,
  postageStepsMg: [20_000, 100_000, 250_000, 500_000, 1_000_000, 2_000_000],
  classes: {
    priority: { maxMg: 2_000_000, deliveryDays: 2 },
    registered: { maxMg: 2_000_000, deliveryDays: 2 },
    non_priority: { maxMg: 250_000, deliveryDays: 4 },
  },
};

/** The rules in force on a date (calendar.versionOn); null before the first version. */
export function rulesOn(versions: readonly ProductionRules[], date: CivilDate): ProductionRules | null {
  return versionOn(versions, date);
}

/** The delivery targets of the rules, as the delivery estimate reads them. */
export function deliveryDaysOf(rules: ProductionRules): Record<MailClass, number> {
  return { priority: rules.classes.priority.deliveryDays, registered: rules.classes.registered.deliveryDays, non_priority: rules.classes.non_priority.deliveryDays };
}

/** A version as the provider sends it: an envelope may be missing, which is refused. */
export type ProductionRulesDraft = Omit<ProductionRules, 'envelopes'> & { envelopes: Partial<Record<EnvelopeType, EnvelopeSpec>> };

export type RulesProblemCode =
  /** A weight must be a whole number of milligrams, more than 0. */
  | 'weight_mg'
  /** A count (sheets an envelope holds, carrier sheets, millimetres) must be a whole number of at least 1. */
  | 'at_least_one'
  | 'envelope_missing'
  | 'steps_missing'
  | 'steps_increasing'
  /** A class's limit must be one of the steps, or a letter could be accepted with no step to frank it at. */
  | 'class_max_not_a_step'
  | 'delivery_days';

/** `field` is the path in the version (`envelopes.C4.maxSheets`), for the form to point at. */
export interface RulesProblem {
  field: string;
  code: RulesProblemCode;
}

export type RulesCheck = { ok: true; rules: ProductionRules } | { ok: false; problems: RulesProblem[] };

const MAX_DELIVERY_DAYS = 10;

const isPositiveInteger = (value: number): boolean => Number.isInteger(value) && value >= 1;

/** Every problem at once, so the provider fixes the form in one go. */
export function checkProductionRules(draft: ProductionRulesDraft): RulesCheck {
  const problems: RulesProblem[] = [];
  const weight = (field: string, value: number) => {
    if (!isPositiveInteger(value)) problems.push({ field, code: 'weight_mg' });
  };
  const count = (field: string, value: number) => {
    if (!isPositiveInteger(value)) problems.push({ field, code: 'at_least_one' });
  };
  weight('sheetMg', draft.sheetMg);
  for (const envelope of ENVELOPE_TYPES) {
    const spec = draft.envelopes[envelope];
    if (spec === undefined) {
      problems.push({ field: `envelopes.${envelope}`, code: 'envelope_missing' });
      continue;
    }
    weight(`envelopes.${envelope}.weightMg`, spec.weightMg);
    count(`envelopes.${envelope}.maxSheets`, spec.maxSheets);
  }
  count('carrierSheet', draft.carrierSheet);
  weight('registeredLabelMg', draft.registeredLabelMg);
  weight('acknowledgementCardMg', draft.acknowledgementCardMg);
  count('maxThicknessMm', draft.maxThicknessMm);
  const steps = draft.postageStepsMg;
  if (steps.length === 0) problems.push({ field: 'postageStepsMg', code: 'steps_missing' });
  steps.forEach((step, i) => {
    if (!isPositiveInteger(step)) problems.push({ field: `postageStepsMg.${i}`, code: 'weight_mg' });
    else if (i > 0 && step <= steps[i - 1]!) problems.push({ field: `postageStepsMg.${i}`, code: 'steps_increasing' });
  });
  for (const mailClass of MAIL_CLASS_NAMES) {
    const rule = draft.classes[mailClass];
    if (!steps.includes(rule.maxMg)) problems.push({ field: `classes.${mailClass}.maxMg`, code: 'class_max_not_a_step' });
    if (!Number.isInteger(rule.deliveryDays) || rule.deliveryDays < 1 || rule.deliveryDays > MAX_DELIVERY_DAYS) {
      problems.push({ field: `classes.${mailClass}.deliveryDays`, code: 'delivery_days' });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, rules: { ...draft, envelopes: draft.envelopes as Record<EnvelopeType, EnvelopeSpec> } };
}

/** The postage prices a tariff lacks under these rules ('priority 50g'): every step up to each
 * class's limit must have one, or a letter of that step could not be quoted. Checked both ways
 * when either is published, since a tariff and a version of the rules apply together. */
export function postageGaps(tariff: Tariff, rules: ProductionRules): string[] {
  return MAIL_CLASS_NAMES.flatMap((mailClass) =>
    rules.postageStepsMg
      .filter((mg) => mg <= rules.classes[mailClass].maxMg)
      .map(stepLabel)
      .filter((step) => tariff.lines.postage[mailClass][step] === undefined)
      .map((step) => `${mailClass} ${step}`),
  );
}
