import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ADDRESS_RULES,
  checkAddress,
  normaliseTown,
  type AddressLookups,
  type AddressProblemCode,
} from './address.js';

const TOWNS: Record<string, string[]> = {
  '75011': ['PARIS'],
  '35000': ['RENNES'],
  '42000': ['Saint-Étienne'],
  '42100': ['ST ETIENNE'],
  '13100': ['AIX EN PROVENCE'],
  '01400': ['CHATILLON SUR CHALARONNE', "L'ABERGEMENT-CLÉMENCIAT", 'SANDRANS'],
  '97100': ['BASSE TERRE'],
  '98000': ['MONACO'],
};
const COUNTRIES: Record<string, string[]> = {
  FR: ['FRANCE'],
  DE: ['Allemagne', 'GERMANY', 'DEUTSCHLAND'],
  BE: ['BELGIQUE', 'BELGIUM'],
};
const lookups: AddressLookups = {
  townsForPostcode: (postcode) => TOWNS[postcode],
  countryNames: (code) => COUNTRIES[code],
};

const check = (lines: string[], country?: string) => checkAddress({ lines, country }, lookups);
const codes = (lines: string[], country?: string) => check(lines, country).problems.map((p) => `${p.code}@${p.line}`);

describe('normaliseTown', () => {
  it.each([
    ['Saint-Étienne', 'SAINT ETIENNE'],
    ['ST ETIENNE', 'SAINT ETIENNE'],
    ['St. Étienne', 'SAINT ETIENNE'],
    ['STE MAXIME', 'SAINTE MAXIME'],
    ['Sainte-Maxime', 'SAINTE MAXIME'],
    ["L'Haÿ-les-Roses", 'L HAY LES ROSES'],
    ['L’HAY  LES   ROSES', 'L HAY LES ROSES'],
    ['Œuilly', 'OEUILLY'],
    ['SAINTES', 'SAINTES'], // the town of Saintes is not "Saint" plural
    ['  aix-en-provence ', 'AIX EN PROVENCE'],
    ['ESTRÉES-SAINT-DENIS', 'ESTREES SAINT DENIS'],
  ])('%s → %s', (name, normal) => {
    expect(normaliseTown(name)).toBe(normal);
  });
});

describe('checkAddress: valid French addresses', () => {
  it.each<[string, string[]]>([
    ['three lines', ['M. Jean DUPONT', '12 RUE DES LILAS', '75011 PARIS']],
    ['two lines (a village)', ['Mme Anne MARTIN', '01400 SANDRANS']],
    [
      'six lines',
      ['SOCIETE DUPONT', 'Service comptabilité, 2e étage', 'RESIDENCE LES PINS', '12 RUE DES LILAS', 'BP 45', '35000 RENNES'],
    ],
    ['CEDEX, valid by its form though absent from the list', ['SOCIETE X', 'SERVICE CLIENTS', 'CS 12345', '35901 RENNES CEDEX 9']],
    ['CEDEX without a number', ['SOCIETE X', 'BP 12', '35901 RENNES CEDEX']],
    ['ST written for SAINT', ['M. Paul ROUX', '4 PLACE DU PEUPLE', '42000 ST ETIENNE']],
    ['SAINT written for ST', ['M. Paul ROUX', '4 PLACE DU PEUPLE', '42100 SAINT-ETIENNE']],
    ['accented capitals', ['M. Paul ROUX', '1 RUE VERTE', '42000 SAINT-ÉTIENNE']],
    ['apostrophe and hyphen on the last lines', ['M. Paul ROUX', "12 RUE D'ALSACE-LORRAINE", "01400 L'ABERGEMENT-CLEMENCIAT"]],
    ['exactly 38 characters', ['M. Paul ROUX', `12 RUE ${'A'.repeat(31)}`, '75011 PARIS']],
    ['overseas department', ['M. Paul ROUX', '1 RUE VERTE', '97100 BASSE TERRE'], ],
  ])('%s', (_label, lines) => {
    expect(check(lines)).toEqual({ ok: true, problems: [] });
  });

  it('accepts Monaco in the French form', () => {
    expect(check(['M. Paul ROUX', '1 BD DES MOULINS', '98000 MONACO'], 'MC')).toEqual({ ok: true, problems: [] });
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    expect(check(['M. Paul ROUX', `12 RUE ${'É'.repeat(31)}`, '75011 PARIS']).ok).toBe(true);
  });

  it('never rewrites the lines it is given', () => {
    const lines = Object.freeze(['  M. Jean dupont,', '12, rue des Lilas', '75011 paris']);
    expect(() => checkAddress({ lines }, lookups)).not.toThrow();
    expect(lines).toEqual(['  M. Jean dupont,', '12, rue des Lilas', '75011 paris']);
  });
});

describe('checkAddress: whole-address problems', () => {
  it.each<[string[]]>([[[]], [['']], [['   ', '\t']]])('%j has no lines', (lines) => {
    expect(check(lines)).toEqual({ ok: false, problems: [{ code: 'no_lines', severity: 'error', line: null, message: 'The address is empty.' }] });
  });

  it.each<[string, string[], string | undefined, boolean]>([
    ['6 lines in France', ['A', 'B', 'C', 'D', 'E', '75011 PARIS'], 'FR', true],
    ['7 lines in France', ['A', 'B', 'C', 'D', 'E', 'F', '75011 PARIS'], 'FR', false],
    ['7 lines abroad', ['A', 'B', 'C', 'D', 'E', '10115 BERLIN', 'ALLEMAGNE'], 'DE', true],
    ['8 lines abroad', ['A', 'B', 'C', 'D', 'E', 'F', '10115 BERLIN', 'ALLEMAGNE'], 'DE', false],
    ['6 lines + FRANCE', ['A', 'B', 'C', 'D', 'E', '75011 PARIS', 'FRANCE'], 'FR', true],
  ])('%s: within the line limit %s', (_label, lines, country, ok) => {
    expect(check(lines, country).problems.some((p) => p.code === 'too_many_lines')).toBe(!ok);
  });

  it('says how many lines there are and how many are allowed', () => {
    const problem = check(['A', 'B', 'C', 'D', 'E', 'F', '75011 PARIS']).problems[0];
    expect(problem).toMatchObject({ code: 'too_many_lines', line: null, message: 'The address has 7 lines; at most 6 are allowed.' });
  });

  it.each<[string[], string | undefined]>([
    [['75011 PARIS'], 'FR'],
    [['M. Hans MEIER', 'ALLEMAGNE'], 'DE'],
  ])('%j (%s) has too few lines', (lines, country) => {
    expect(codes(lines, country)).toContain('too_few_lines@null');
  });
});

describe('checkAddress: line by line', () => {
  it.each<[string, string[], string[], boolean]>([
    ['39 characters', ['M. Paul ROUX', `12 RUE ${'A'.repeat(32)}`, '75011 PARIS'], ['line_too_long@2'], false],
    ['38 characters and trailing spaces', ['M. Paul ROUX', `12 RUE ${'A'.repeat(31)}  `, '75011 PARIS'], ['extra_spaces@2'], true],
    ['38 characters after a leading space', ['M. Paul ROUX', ` 12 RUE ${'A'.repeat(31)}`, '75011 PARIS'], ['extra_spaces@2', 'line_too_long@2'], false],
    ['blank line inside', ['M. Paul ROUX', '', '12 RUE VERTE', '75011 PARIS'], ['empty_line@2'], false],
    ['blank lines around', ['', 'M. Paul ROUX', '12 RUE VERTE', '75011 PARIS', '  '], ['empty_line@1', 'empty_line@5'], true],
    ['double space', ['M. Paul  ROUX', '12 RUE VERTE', '75011  PARIS'], ['extra_spaces@1', 'extra_spaces@3'], true],
  ])('%s → %j, ok %s', (_label, lines, expected, ok) => {
    const result = check(lines);
    expect(result.problems.map((p) => `${p.code}@${p.line}`)).toEqual(expected);
    expect(result.ok).toBe(ok);
  });

  it('quotes the long line and counts its characters', () => {
    const line = `12 RUE ${'A'.repeat(32)}`;
    expect(check(['M. Paul ROUX', line, '75011 PARIS']).problems[0]).toMatchObject({
      code: 'line_too_long',
      severity: 'error',
      line: 2,
      message: `Line 2 has 39 characters, more than the 38 an address line may have: "${line}".`,
    });
  });

  it('grades blank lines: an error inside, a warning around', () => {
    const [around, inside] = check(['', 'M. Paul ROUX', '', '75011 PARIS']).problems;
    expect(around).toMatchObject({ code: 'empty_line', severity: 'warning', line: 1 });
    expect(inside).toMatchObject({ code: 'empty_line', severity: 'error', line: 3 });
  });
});

describe('checkAddress: the postcode line', () => {
  it.each<[string, AddressProblemCode]>([
    ['PARIS', 'no_postcode_line'],
    ['RUE DES LILAS', 'no_postcode_line'],
    ['12 RUE DES LILAS', 'no_postcode_line'],
    ['BP 123 PARIS', 'no_postcode_line'],
    ['7501 PARIS', 'postcode_format'],
    ['750110 PARIS', 'postcode_format'],
    ['75 011 PARIS', 'postcode_format'],
    ['F-75011 PARIS', 'postcode_format'],
    ['PARIS 75011', 'postcode_format'],
    ['75011', 'postcode_format'],
    ['00100 NULLEPART', 'postcode_format'],
    ['75011 Paris', 'town_not_capitals'],
    ['35901 Rennes Cedex 9', 'town_not_capitals'],
    ['75999 PARIS', 'unknown_postcode'],
    ['75011 LYON', 'town_does_not_match_postcode'],
    ['75011 PARIS 11', 'town_does_not_match_postcode'],
  ])('%s → %s', (lastLine, code) => {
    const result = check(['M. Paul ROUX', '12 RUE VERTE', lastLine]);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual([code]);
    expect(result.problems[0]?.line).toBe(3);
  });

  it('points at a postcode line that is not last', () => {
    const [problem] = check(['M. Paul ROUX', '75011 PARIS', '12 RUE VERTE']).problems;
    expect(problem?.message).toBe(
      'The last line must be the five-digit postcode, a space and the town in capitals (e.g. "75011 PARIS"); it reads "12 RUE VERTE". Line 2 looks like the postcode line: it must come last.',
    );
  });

  it('suggests the town in capitals without changing the address', () => {
    expect(check(['M. Paul ROUX', '12 RUE VERTE', '13100 Aix-en-Provence']).problems).toEqual([
      {
        code: 'town_not_capitals',
        severity: 'error',
        line: 3,
        message: 'The town on the last line must be in capitals: "Aix-en-Provence".',
        suggestion: 'AIX-EN-PROVENCE',
      },
    ]);
  });

  it('names the towns a postcode serves, in capitals', () => {
    expect(check(['M. Paul ROUX', '1 RUE VERTE', '01400 BOURG EN BRESSE']).problems).toEqual([
      {
        code: 'town_does_not_match_postcode',
        severity: 'error',
        line: 3,
        message:
          'The town "BOURG EN BRESSE" is not served by the postcode 01400, which serves: CHATILLON SUR CHALARONNE, L\'ABERGEMENT-CLÉMENCIAT, SANDRANS.',
        suggestion: "One of: CHATILLON SUR CHALARONNE, L'ABERGEMENT-CLÉMENCIAT, SANDRANS",
        candidates: ['CHATILLON SUR CHALARONNE', "L'ABERGEMENT-CLÉMENCIAT", 'SANDRANS'],
      },
    ]);
    expect(check(['M. Paul ROUX', '1 RUE VERTE', '75011 LYON']).problems[0]?.suggestion).toBe('PARIS');
  });

  it('checks only the form when no postcode list is given', () => {
    expect(checkAddress({ lines: ['M. Paul ROUX', '1 RUE VERTE', '75999 NULLEPART'] }).ok).toBe(true);
    expect(checkAddress({ lines: ['M. Paul ROUX', '1 RUE VERTE', '7599 NULLEPART'] }).ok).toBe(false);
  });

  it('treats an empty town list as an unknown postcode', () => {
    const result = checkAddress({ lines: ['M. Paul ROUX', '75011 PARIS'] }, { townsForPostcode: () => [] });
    expect(result.problems.map((p) => p.code)).toEqual(['unknown_postcode']);
  });

  it('warns about a FRANCE line and still checks the postcode line above it', () => {
    expect(codes(['M. Paul ROUX', '12 RUE VERTE', '75011 PARIS', 'FRANCE'])).toEqual(['country_line_not_needed@4']);
    expect(check(['M. Paul ROUX', '12 RUE VERTE', '75011 PARIS', 'France']).ok).toBe(true);
    expect(codes(['M. Paul ROUX', '12 RUE VERTE', '75011 Paris', 'FRANCE'])).toEqual([
      'town_not_capitals@3',
      'country_line_not_needed@4',
    ]);
  });
});

describe('checkAddress: punctuation', () => {
  // Lines checked: the last two, and the 4th line on. Lines 2-3 of a longer address may be a
  // complement, where NF Z10-011 allows punctuation.
  it.each<[string, string[], string[]]>([
    ['comma after the number, 3 lines', ['M. Paul ROUX', '12, RUE VERTE', '75011 PARIS'], ['punctuation@2']],
    ['period in the town', ['M. Paul ROUX', '1 RUE VERTE', '42100 ST. ETIENNE'], ['punctuation@3']],
    ['recipient line may carry punctuation', ['M. et Mme ROUX, famille', '1 RUE VERTE', '75011 PARIS'], []],
    ['complement line of 4 may carry punctuation', ['M. Paul ROUX', 'Bât. B, 2e étage', '1 RUE VERTE', '75011 PARIS'], []],
    ['street line of 4', ['M. Paul ROUX', 'BAT B', '1, RUE VERTE', '75011 PARIS'], ['punctuation@3']],
    ['line 3 of 5 is not certain', ['M. Paul ROUX', 'APPT 5', 'Résidence (Les Pins)', '1 RUE VERTE', '75011 PARIS'], []],
    ['line 4 of 6', ['M. Paul ROUX', 'APPT 5', 'RESIDENCE LES PINS', '1 RUE VERTE; FOND', 'BP 5', '75011 PARIS'], ['punctuation@4']],
    ['lieu-dit line', ['M. Paul ROUX', 'LIEU-DIT « LE BOURG »', '01400 SANDRANS'], ['punctuation@2']],
    ['underscore (underlining)', ['M. Paul ROUX', '1 RUE_VERTE', '75011 PARIS'], ['punctuation@2']],
  ])('%s → %j', (_label, lines, expected) => {
    expect(codes(lines)).toEqual(expected);
  });

  it('lists the marks found', () => {
    expect(check(['M. Paul ROUX', '12, RUE V. HUGO', '75011 PARIS']).problems[0]).toMatchObject({
      message: 'Line 2 contains punctuation ("," "."); the street, lieu-dit and town lines take none.',
      suggestion: 'Remove "," "." from this line.',
    });
  });

  it('reads the marks from the rules', () => {
    const rules = { ...DEFAULT_ADDRESS_RULES, punctuation: ['-'] };
    expect(checkAddress({ lines: ['M. Paul ROUX', '1 RUE VERTE-CLAIRE', '75011 PARIS'] }, {}, rules).ok).toBe(false);
  });
});

describe('checkAddress: abroad', () => {
  it.each<[string, string[], string, string[]]>([
    ['country in French', ['Herrn Hans MEIER', 'Hauptstraße 5', '10115 Berlin', 'ALLEMAGNE'], 'DE', []],
    ['country in English', ['Herrn Hans MEIER', 'Hauptstraße 5', '10115 Berlin', 'GERMANY'], 'DE', []],
    ['punctuation is not checked abroad', ['Mr. John SMITH', 'Apt. 4B, 12 Main St.', 'B-1000 Brussels', 'BELGIQUE'], 'BE', []],
    ['country not in capitals', ['Herrn Hans MEIER', '10115 Berlin', 'Allemagne'], 'DE', ['country_not_capitals@3']],
    ['no country line', ['Herrn Hans MEIER', 'Hauptstraße 5', '10115 BERLIN'], 'DE', ['missing_country_line@3']],
    ['wrong country', ['M. Jan PEETERS', 'Rue Neuve 1', '1000 Bruxelles', 'ALLEMAGNE'], 'BE', ['missing_country_line@4']],
    ['unknown country code', ['M. X', 'Somewhere', 'NARNIA'], 'XX', ['unknown_country@null']],
    ['lower-case code is read as the code', ['Herrn Hans MEIER', '10115 Berlin', 'DEUTSCHLAND'], 'de', []],
  ])('%s → %j', (_label, lines, country, expected) => {
    expect(codes(lines, country)).toEqual(expected);
  });

  it('suggests the preferred country name in capitals', () => {
    expect(check(['Herrn Hans MEIER', 'Hauptstraße 5', '10115 BERLIN'], 'DE').problems[0]).toEqual({
      code: 'missing_country_line',
      severity: 'error',
      line: 3,
      message: 'The last line of an address abroad must be the country in capitals ("ALLEMAGNE"); it reads "10115 BERLIN".',
      suggestion: 'ALLEMAGNE',
      candidates: ['ALLEMAGNE', 'GERMANY', 'DEUTSCHLAND'],
    });
  });

  it('checks only capitals without a country list', () => {
    expect(checkAddress({ lines: ['Herrn Hans MEIER', '10115 Berlin', 'ALLEMAGNE'], country: 'DE' }).ok).toBe(true);
    expect(checkAddress({ lines: ['Herrn Hans MEIER', '10115 Berlin', 'Allemagne'], country: 'DE' }).ok).toBe(false);
  });
});
