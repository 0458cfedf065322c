import { describe, expect, it } from 'vitest';
import { DEFAULT_PRODUCTION_RULES } from './production-rules.js';
import { checkClassLimit, postageStep, stepLabel, type MailClass } from './postage.js';

const { postageStepsMg: STEPS, classes: CLASSES } = DEFAULT_PRODUCTION_RULES;

describe('postageStep', () => {
  it.each<[number, string | null]>([
    [0, '20g'],
    [19_999, '20g'],
    [20_000, '20g'],
    [20_001, '100g'],
    [100_000, '100g'],
    [100_001, '250g'],
    [250_000, '250g'],
    [250_001, '500g'],
    [500_000, '500g'],
    [500_001, '1kg'],
    [1_000_000, '1kg'],
    [1_000_001, '2kg'],
    [2_000_000, '2kg'],
    [2_000_001, null],
  ])('%i mg → %s', (mg, label) => {
    expect(postageStep(mg, STEPS)?.label ?? null).toBe(label);
  });

  it('returns the bound with the label', () => {
    expect(postageStep(20_970, STEPS)).toEqual({ label: '100g', maxMg: 100_000 });
  });

  it('follows edited steps, in any order', () => {
    expect(postageStep(40_000, [100_000, 50_000])).toEqual({ label: '50g', maxMg: 50_000 });
  });

  it.each([-1, 0.5])('refuses %s mg', (mg) => {
    expect(() => postageStep(mg, STEPS)).toThrow(RangeError);
  });

  it.each([
    [20_000, '20g'],
    [250_000, '250g'],
    [1_000_000, '1kg'],
    [3_000_000, '3kg'],
    [1_500_000, '1500g'],
  ])('the %i mg step is labelled %s', (mg, label) => {
    expect(stepLabel(mg)).toBe(label);
  });
});

describe('checkClassLimit', () => {
  it.each<[MailClass, number, boolean]>([
    ['non_priority', 250_000, true],
    ['non_priority', 250_001, false],
    ['priority', 2_000_000, true],
    ['priority', 2_000_001, false],
    ['registered', 2_000_000, true],
    ['registered', 2_000_001, false],
  ])('%s at %i mg is allowed: %s', (mailClass, mg, ok) => {
    expect(checkClassLimit(mailClass, mg, CLASSES).ok).toBe(ok);
  });

  it('suggests priority for a non-priority letter over 250 g, with both weights', () => {
    expect(checkClassLimit('non_priority', 312_450, CLASSES)).toEqual({
      ok: false,
      problem: {
        code: 'too_heavy_for_class',
        message:
          'This letter weighs 312.5 g; non-priority mail is limited to 250 g. Send it as priority mail (up to 2 kg) or make it lighter.',
        suggestion: 'priority',
      },
    });
  });

  it.each<[MailClass, string]>([
    ['priority', 'This letter weighs 2000.1 g; priority mail is limited to 2 kg. Split it into several letters.'],
    ['registered', 'This letter weighs 2000.1 g; registered mail is limited to 2 kg. Split it into several letters.'],
    ['non_priority', 'This letter weighs 2000.1 g; non-priority mail is limited to 250 g. Split it into several letters.'],
  ])('over 2 kg as %s: no class fits, no suggestion', (mailClass, message) => {
    expect(checkClassLimit(mailClass, 2_000_001, CLASSES)).toEqual({ ok: false, problem: { code: 'too_heavy_for_class', message } });
  });

  it('reads the limits from the table', () => {
    const classes = { ...CLASSES, non_priority: { maxMg: 100_000, deliveryDays: 4 } };
    expect(checkClassLimit('non_priority', 100_001, classes).ok).toBe(false);
  });

  it('registered travels at priority speed', () => {
    expect(CLASSES.registered.deliveryDays).toBe(CLASSES.priority.deliveryDays);
  });
});
