import { describe, expect, it } from 'vitest';
import {
  checkEnvelope,
  envelopeFits,
  formatWeight,
  mailpieceSheets,
  mailpieceWeightMg,
  sheetsFor,
  smallestEnvelopeFor,
  weightForDisplay,
  type EnvelopeType,
  type MailpieceSheetsInput,
  type MailpieceWeightInput,
  type Sides,
} from './paper.js';
import { DEFAULT_PRODUCTION_RULES, type ProductionRules } from './production-rules.js';

describe('sheetsFor', () => {
  it.each<[number, Sides, number]>([
    [0, 'simplex', 0],
    [0, 'duplex', 0],
    [1, 'simplex', 1],
    [1, 'duplex', 1],
    [2, 'duplex', 1],
    [3, 'duplex', 2],
    [4, 'duplex', 2],
    [5, 'simplex', 5],
    [89, 'duplex', 45],
    [90, 'duplex', 45],
  ])('%i pages %s → %i sheets', (pages, sides, sheets) => {
    expect(sheetsFor(pages, sides)).toBe(sheets);
  });

  it.each([-1, 1.5, Number.NaN])('refuses %s pages', (pages) => {
    expect(() => sheetsFor(pages, 'simplex')).toThrow(RangeError);
  });
});

describe('mailpieceSheets', () => {
  it.each<[string, MailpieceSheetsInput, number]>([
    ['one page', { documentPages: [1], sides: 'simplex', carrierSheet: false }, 1],
    ['one page with carrier sheet', { documentPages: [1], sides: 'duplex', carrierSheet: true }, 2],
    // 3 + 3 pages duplex: 2 sheets each, not ceil(6 / 2) = 3, as the attachment starts a new sheet.
    ['two odd documents duplex', { documentPages: [3, 3], sides: 'duplex', carrierSheet: false }, 4],
    ['two even documents duplex', { documentPages: [2, 4], sides: 'duplex', carrierSheet: false }, 3],
    ['letter and attachment simplex + carrier', { documentPages: [2, 3], sides: 'simplex', carrierSheet: true }, 6],
    ['no documents, carrier only', { documentPages: [], sides: 'simplex', carrierSheet: true }, 1],
  ])('%s → %i sheets', (_label, input, sheets) => {
    expect(mailpieceSheets(input, DEFAULT_PRODUCTION_RULES)).toBe(sheets);
  });

  it('takes the carrier sheet count from the table', () => {
    const table: ProductionRules = { ...DEFAULT_PRODUCTION_RULES, carrierSheet: 2 };
    expect(mailpieceSheets({ documentPages: [1], sides: 'simplex', carrierSheet: true }, table)).toBe(3);
  });
});

describe('mailpieceWeightMg', () => {
  it.each<[string, MailpieceWeightInput, number]>([
    ['1 sheet C5/6', { sheets: 1, envelope: 'C5/6', registered: false, acknowledgement: false }, 9_990],
    ['3 sheets C5/6: 19.97 g, still under 20 g', { sheets: 3, envelope: 'C5/6', registered: false, acknowledgement: false }, 19_970],
    ['3 sheets C5/6 registered: 20.97 g', { sheets: 3, envelope: 'C5/6', registered: true, acknowledgement: false }, 20_970],
    ['3 sheets C5/6 registered with AR', { sheets: 3, envelope: 'C5/6', registered: true, acknowledgement: true }, 23_970],
    ['2 sheets C5', { sheets: 2, envelope: 'C5', registered: false, acknowledgement: false }, 18_980],
    ['45 sheets C4', { sheets: 45, envelope: 'C4', registered: false, acknowledgement: false }, 249_550],
    ['0 sheets C4 (empty envelope)', { sheets: 0, envelope: 'C4', registered: false, acknowledgement: false }, 25_000],
  ])('%s → %i mg', (_label, input, mg) => {
    expect(mailpieceWeightMg(input, DEFAULT_PRODUCTION_RULES)).toBe(mg);
  });

  it('reads every figure from the table', () => {
    const table: ProductionRules = {
      ...DEFAULT_PRODUCTION_RULES,
      sheetMg: 6_240, // 100 g/m² paper
      envelopes: { ...DEFAULT_PRODUCTION_RULES.envelopes, C5: { weightMg: 10_000, maxSheets: 8 } },
      registeredLabelMg: 2_000,
      acknowledgementCardMg: 4_000,
    };
    expect(mailpieceWeightMg({ sheets: 2, envelope: 'C5', registered: true, acknowledgement: true }, table)).toBe(28_480);
  });
});

describe('weightForDisplay', () => {
  it.each([
    [0, 0],
    [1, 0.1],
    [19_970, 20],
    [20_000, 20],
    [20_001, 20.1],
    [20_010, 20.1],
    [20_099, 20.1],
    [20_100, 20.1],
    [20_101, 20.2],
    [249_550, 249.6],
    [2_000_000, 2000],
  ])('%i mg shows as %d g', (mg, g) => {
    expect(weightForDisplay(mg)).toBe(g);
  });
});

describe('formatWeight', () => {
  it.each([
    [250_000, '250 g'],
    [312_450, '312.5 g'],
    [1_000_000, '1 kg'],
    [2_000_000, '2 kg'],
    [2_000_001, '2000.1 g'],
  ])('%i mg reads %s', (mg, text) => {
    expect(formatWeight(mg)).toBe(text);
  });
});

describe('envelope capacity', () => {
  it.each<[number, EnvelopeType, boolean]>([
    [5, 'C5/6', true],
    [6, 'C5/6', false],
    [10, 'C5', true],
    [11, 'C5', false],
    [45, 'C4', true],
    [46, 'C4', false],
  ])('%i sheets in %s fit: %s', (sheets, envelope, fits) => {
    expect(envelopeFits(sheets, envelope, DEFAULT_PRODUCTION_RULES)).toBe(fits);
  });

  it.each<[number, EnvelopeType | null]>([
    [0, 'C5/6'],
    [1, 'C5/6'],
    [5, 'C5/6'],
    [6, 'C5'],
    [10, 'C5'],
    [11, 'C4'],
    [45, 'C4'],
    [46, null],
  ])('%i sheets → smallest envelope %s', (sheets, envelope) => {
    expect(smallestEnvelopeFor(sheets, DEFAULT_PRODUCTION_RULES)).toBe(envelope);
  });

  it('orders envelopes by the capacities in the table, not by name', () => {
    const table: ProductionRules = {
      ...DEFAULT_PRODUCTION_RULES,
      envelopes: { ...DEFAULT_PRODUCTION_RULES.envelopes, C5: { weightMg: 9_000, maxSheets: 3 } },
    };
    expect(smallestEnvelopeFor(3, table)).toBe('C5');
    expect(smallestEnvelopeFor(4, table)).toBe('C5/6');
  });
});

describe('checkEnvelope', () => {
  it('accepts a letter within the limit', () => {
    expect(checkEnvelope(5, 'C5/6', DEFAULT_PRODUCTION_RULES)).toEqual({ ok: true });
  });

  it.each<[number, EnvelopeType, EnvelopeType]>([
    [6, 'C5/6', 'C5'],
    [11, 'C5/6', 'C4'],
    [11, 'C5', 'C4'],
  ])('%i sheets in %s: refused, suggests %s', (sheets, envelope, suggestion) => {
    const check = checkEnvelope(sheets, envelope, DEFAULT_PRODUCTION_RULES);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem.code).toBe('too_many_sheets_for_envelope');
    expect(check.problem.suggestion).toBe(suggestion);
    expect(check.problem.message).toContain(`${sheets} sheets`);
    expect(check.problem.message).toContain(`Choose a ${suggestion} envelope`);
  });

  it('says to split a letter no envelope holds', () => {
    const check = checkEnvelope(46, 'C4', DEFAULT_PRODUCTION_RULES);
    expect(check).toEqual({
      ok: false,
      problem: {
        code: 'too_many_sheets_for_envelope',
        message:
          'This letter needs 46 sheets; a C4 envelope holds at most 45. No envelope holds more than 45 sheets: split it into several letters.',
      },
    });
  });
});
