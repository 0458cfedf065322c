import { describe, expect, it } from 'vitest';
import { DEFAULT_PRODUCTION_RULES } from '../mail/production-rules.js';
import { planLetters, quoteMailpieces, type PlanInput, type PlanOptions } from './letters.js';

const options: PlanOptions = { color: 'bw', sides: 'simplex', envelope: 'C5/6', mailClass: 'priority', registeredLevel: null, acknowledgement: false, background: null };
const address = ['M Jean DUPONT', '12 RUE DES LILAS', '75011 PARIS'];
const ok = () => [];
const doc = (pages: number, windows: Record<number, string[]> = { 1: address }) => ({
  id: 'doc_x',
  pages,
  windowLines: Array.from({ length: pages }, (_, i) => windows[i + 1] ?? []),
});
const base = (over: Partial<PlanInput> = {}): PlanInput => ({ main: doc(1), attachments: [], options, addressSource: 'document', split: null, recipients: [], ...over });

describe('planning letters', () => {
  it('weighs and limits with the rules it is given: a heavier envelope moves the letter up a step', () => {
    const heavier = { ...DEFAULT_PRODUCTION_RULES, envelopes: { ...DEFAULT_PRODUCTION_RULES.envelopes, 'C5/6': { weightMg: 16_000, maxSheets: 5 } } };
    const letter = planLetters(base(), heavier, ok).letters[0]!;
    expect(letter.weightMg).toBe(4_990 + 16_000);
    expect(letter.postageStep).toBe('100g');
  });

  it('one letter from the document’s window: sheets, weight, step', () => {
    const plan = planLetters(base(), DEFAULT_PRODUCTION_RULES, ok);
    expect(plan.problems).toEqual([]);
    expect(plan.letters).toEqual([
      { number: 1, pages: [1, 1], address: { lines: address, country: 'FR' }, carrierSheet: false, sheets: 1, printedPages: 1, weightMg: 4_990 + 5_000, postageStep: '20g' },
    ]);
  });

  it.each([
    // pages, sides, sheets
    [3, 'simplex', 3],
    [3, 'duplex', 2], // duplex halves sheets, an odd page leaves a blank back
    [4, 'duplex', 2],
  ] as const)('%i pages %s → %i sheets', (pages, sides, sheets) => {
    expect(planLetters(base({ main: doc(pages), options: { ...options, sides } }), DEFAULT_PRODUCTION_RULES, ok).letters[0]!.sheets).toBe(sheets);
  });

  it('attachments start on a sheet of their own', () => {
    const plan = planLetters(base({ main: doc(3), attachments: [doc(1)], options: { ...options, sides: 'duplex' } }), DEFAULT_PRODUCTION_RULES, ok);
    expect(plan.letters[0]).toMatchObject({ sheets: 3, printedPages: 4 });
  });

  it('a list of recipients: the same letter to each, with a carrier sheet in front', () => {
    const plan = planLetters(base({ addressSource: 'recipients', recipients: [{ address, country: 'FR' }, { address: ['Mme A', '1 RUE B', '35000 RENNES'], country: 'FR' }] }), DEFAULT_PRODUCTION_RULES, ok);
    expect(plan.letters.map((l) => [l.carrierSheet, l.sheets, l.address.lines[0]])).toEqual([
      [true, 2, 'M Jean DUPONT'],
      [true, 2, 'Mme A'],
    ]);
    expect(plan.letters[0]!.weightMg).toBe(2 * 4_990 + 5_000);
  });

  it('splits every N pages, warning when the last letter is short', () => {
    const plan = planLetters(base({ main: doc(7, { 1: address, 3: address, 5: address, 7: address }), split: { mode: 'every', pages: 2 } }), DEFAULT_PRODUCTION_RULES, ok);
    expect(plan.letters.map((l) => l.pages)).toEqual([[1, 2], [3, 4], [5, 6], [7, 7]]);
    expect(plan.problems).toEqual([expect.objectContaining({ code: 'split_uneven', severity: 'warning', letter: 4 })]);
  });

  it('splits at every page whose window holds an address', () => {
    const plan = planLetters(base({ main: doc(6, { 1: address, 2: [], 3: ['Mme A', '1 RUE B', '35000 RENNES'], 6: ['SARL X', 'BP 12', '44000 NANTES'] }), split: { mode: 'address' } }), DEFAULT_PRODUCTION_RULES, ok);
    expect(plan.letters.map((l) => [l.pages, l.address.lines[0]])).toEqual([
      [[1, 2], 'M Jean DUPONT'],
      [[3, 5], 'Mme A'],
      [[6, 6], 'SARL X'],
    ]);
  });

  it('1,000 pages do not fit a C5/6 envelope: refused with the envelope that would', () => {
    const plan = planLetters(base({ main: doc(1000) }), DEFAULT_PRODUCTION_RULES, ok);
    expect(plan.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'too_many_sheets_for_envelope', severity: 'error', letter: 1 }), expect.objectContaining({ code: 'too_heavy_for_class' })]),
    );
  });

  it('a 300 g non-priority letter is refused, priority suggested (and it needs more than a C4 holds)', () => {
    // The largest envelope holds 45 sheets (≈ 249.6 g): 300 g takes 55 sheets.
    const plan = planLetters(base({ main: doc(55), options: { ...options, envelope: 'C4', mailClass: 'non_priority' } }), DEFAULT_PRODUCTION_RULES, ok);
    expect(plan.letters[0]!.weightMg).toBe(55 * 4_990 + 25_000);
    expect(plan.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'too_heavy_for_class', suggestion: 'priority' }), expect.objectContaining({ code: 'too_many_sheets_for_envelope' })]),
    );
  });

  it.each([
    // sheets in a C4, class, refused for weight
    [45, 'non_priority', false], // 249.55 g: the heaviest non-priority letter that fits
    [46, 'non_priority', true], // 254.54 g
    [45, 'priority', false],
  ] as const)('%i sheets %s → too heavy: %s', (sheets, mailClass, tooHeavy) => {
    const plan = planLetters(base({ main: doc(sheets), options: { ...options, envelope: 'C4', mailClass } }), DEFAULT_PRODUCTION_RULES, ok);
    expect(plan.problems.some((p) => p.code === 'too_heavy_for_class')).toBe(tooHeavy);
  });

  it('no address in the window blocks the letter', () => {
    const plan = planLetters(base({ main: doc(1, {}) }), DEFAULT_PRODUCTION_RULES, ok);
    expect(plan.problems).toEqual([expect.objectContaining({ code: 'no_address', severity: 'error', letter: 1 })]);
  });

  it('address problems come back per letter with their severity', () => {
    const plan = planLetters(base(), DEFAULT_PRODUCTION_RULES, () => [{ code: 'line_too_long', message: 'Line 2 is too long.', severity: 'error' }]);
    expect(plan.problems).toEqual([{ code: 'line_too_long', message: 'Letter 1: Line 2 is too long.', severity: 'error', letter: 1 }]);
  });

  it('registered with acknowledgement adds the label and the card to the weight', () => {
    const plan = planLetters(base({ options: { ...options, mailClass: 'registered', registeredLevel: 'R1', acknowledgement: true } }), DEFAULT_PRODUCTION_RULES, ok);
    expect(plan.letters[0]!.weightMg).toBe(4_990 + 5_000 + 1_000 + 3_000);
  });

  it('a letter its class cannot carry is left out of the quote', () => {
    const input = base({ main: doc(55), options: { ...options, envelope: 'C4', mailClass: 'non_priority' } });
    expect(quoteMailpieces(planLetters(input, DEFAULT_PRODUCTION_RULES, ok), input.options, DEFAULT_PRODUCTION_RULES)).toEqual([]);
    expect(quoteMailpieces(planLetters(base(), DEFAULT_PRODUCTION_RULES, ok), options, DEFAULT_PRODUCTION_RULES)).toHaveLength(1);
  });
});
