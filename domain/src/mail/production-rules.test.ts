import { describe, expect, it } from 'vitest';
import { DEFAULT_TARIFF } from './pricing.js';
import { DEFAULT_PRODUCTION_RULES, checkProductionRules, deliveryDaysOf, postageGaps, rulesOn, type ProductionRules, type ProductionRulesDraft, type RulesProblem } from './production-rules.js';

describe('rulesOn: the version in force on a day', () => {
  const first: ProductionRules = { ...DEFAULT_PRODUCTION_RULES, effectiveFrom: '2026-01-01' };
  const heavierPaper: ProductionRules = { ...DEFAULT_PRODUCTION_RULES, effectiveFrom: '2026-07-01', sheetMg: 5_200 };
  const versions = [heavierPaper, first]; // order does not matter

  it.each<[string, ProductionRules | null]>([
    ['2025-12-31', null],
    ['2026-01-01', first],
    ['2026-06-30', first],
    ['2026-07-01', heavierPaper],
    ['2031-01-01', heavierPaper],
  ])('on %s', (date, expected) => expect(rulesOn(versions, date)).toBe(expected));

  it('refuses two versions from the same day in force', () => {
    expect(() => rulesOn([first, { ...first }], '2026-03-01')).toThrow(RangeError);
  });
});

describe('checkProductionRules', () => {
  const d = DEFAULT_PRODUCTION_RULES;
  it('accepts the defaults', () => {
    expect(checkProductionRules(d)).toEqual({ ok: true, rules: d });
  });

  it.each<[string, Partial<ProductionRulesDraft>, RulesProblem[]]>([
    ['a sheet of no weight', { sheetMg: 0 }, [{ field: 'sheetMg', code: 'weight_mg' }]],
    ['a weight with a fraction of a milligram', { registeredLabelMg: 1_000.5 }, [{ field: 'registeredLabelMg', code: 'weight_mg' }]],
    ['a negative AR card', { acknowledgementCardMg: -3_000 }, [{ field: 'acknowledgementCardMg', code: 'weight_mg' }]],
    ['an envelope holding no sheet', { envelopes: { ...d.envelopes, C5: { weightMg: 9_000, maxSheets: 0 } } }, [{ field: 'envelopes.C5.maxSheets', code: 'at_least_one' }]],
    ['an envelope of no weight', { envelopes: { ...d.envelopes, C4: { weightMg: 0, maxSheets: 45 } } }, [{ field: 'envelopes.C4.weightMg', code: 'weight_mg' }]],
    ['a missing envelope', { envelopes: { C4: d.envelopes.C4, C5: d.envelopes.C5 } }, [{ field: 'envelopes.C5/6', code: 'envelope_missing' }]],
    ['no carrier sheet', { carrierSheet: 0 }, [{ field: 'carrierSheet', code: 'at_least_one' }]],
    ['no thickness', { maxThicknessMm: 0 }, [{ field: 'maxThicknessMm', code: 'at_least_one' }]],
    ['no postage step', { postageStepsMg: [], classes: d.classes }, [
      { field: 'postageStepsMg', code: 'steps_missing' },
      { field: 'classes.priority.maxMg', code: 'class_max_not_a_step' },
      { field: 'classes.registered.maxMg', code: 'class_max_not_a_step' },
      { field: 'classes.non_priority.maxMg', code: 'class_max_not_a_step' },
    ]],
    ['steps out of order', { postageStepsMg: [20_000, 250_000, 100_000, 500_000, 1_000_000, 2_000_000] }, [{ field: 'postageStepsMg.2', code: 'steps_increasing' }]],
    ['the same step twice', { postageStepsMg: [20_000, 20_000, 100_000, 250_000, 500_000, 1_000_000, 2_000_000] }, [{ field: 'postageStepsMg.1', code: 'steps_increasing' }]],
    ['a step of no weight', { postageStepsMg: [0, ...d.postageStepsMg] }, [{ field: 'postageStepsMg.0', code: 'weight_mg' }]],
    ['a class limit between two steps', { classes: { ...d.classes, non_priority: { maxMg: 300_000, deliveryDays: 4 } } }, [{ field: 'classes.non_priority.maxMg', code: 'class_max_not_a_step' }]],
    ['a delivery target of 0 days', { classes: { ...d.classes, priority: { maxMg: 2_000_000, deliveryDays: 0 } } }, [{ field: 'classes.priority.deliveryDays', code: 'delivery_days' }]],
    ['a delivery target of 11 days', { classes: { ...d.classes, non_priority: { maxMg: 250_000, deliveryDays: 11 } } }, [{ field: 'classes.non_priority.deliveryDays', code: 'delivery_days' }]],
    ['a delivery target of half a day', { classes: { ...d.classes, registered: { maxMg: 2_000_000, deliveryDays: 1.5 } } }, [{ field: 'classes.registered.deliveryDays', code: 'delivery_days' }]],
  ])('refuses %s, naming the field', (_label, change, problems) => {
    expect(checkProductionRules({ ...d, ...change })).toEqual({ ok: false, problems });
  });

  it.each<[string, Partial<ProductionRules>]>([
    ['a 50 g step La Poste adds', { postageStepsMg: [20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_000_000] }],
    ['10 days for non-priority', { classes: { ...d.classes, non_priority: { maxMg: 250_000, deliveryDays: 10 } } }],
    ['one-sheet envelopes', { envelopes: { ...d.envelopes, 'C5/6': { weightMg: 5_000, maxSheets: 1 } } }],
  ])('accepts %s', (_label, change) => {
    expect(checkProductionRules({ ...d, ...change }).ok).toBe(true);
  });
});

describe('deliveryDaysOf', () => {
  it('reads each class’s target (registered travels at priority speed)', () => {
    expect(deliveryDaysOf(DEFAULT_PRODUCTION_RULES)).toEqual({ priority: 2, registered: 2, non_priority: 4 });
  });
});

describe('postageGaps: the prices a tariff needs under the rules', () => {
  const d = DEFAULT_PRODUCTION_RULES;
  const withSteps = (postageStepsMg: number[]) => ({ ...d, postageStepsMg });
  it.each<[string, typeof d, string[]]>([
    ['the default tariff under the default rules', d, []],
    ['a 50 g step La Poste adds', withSteps([20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_000_000]), ['priority 50g', 'registered 50g', 'non_priority 50g']],
    ['a step past non-priority’s limit', withSteps([20_000, 100_000, 250_000, 500_000, 1_000_000, 1_500_000, 2_000_000]), ['priority 1500g', 'registered 1500g']],
    ['non-priority up to 500 g', { ...d, classes: { ...d.classes, non_priority: { maxMg: 500_000, deliveryDays: 4 } } }, ['non_priority 500g']],
  ])('%s', (_label, rules, gaps) => expect(postageGaps(DEFAULT_TARIFF, rules)).toEqual(gaps));
});
