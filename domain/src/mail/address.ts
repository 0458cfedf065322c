/** Postal address checks (NF Z10-011; spec §8, §9 "Address"). They report, they never fix:
 * Pli prints what the sender wrote (M-3.3), so every problem says what is wrong and how the
 * sender can change it, and the address itself is never rewritten. */

export const ADDRESS_PROBLEM_CODES = [
  'no_lines',
  'too_few_lines',
  'too_many_lines',
  'line_too_long',
  'empty_line',
  'extra_spaces',
  'no_postcode_line',
  'postcode_format',
  'town_not_capitals',
  'punctuation',
  'unknown_postcode',
  'town_does_not_match_postcode',
  'missing_country_line',
  'country_not_capitals',
  'unknown_country',
  'country_line_not_needed',
] as const;
export type AddressProblemCode = (typeof ADDRESS_PROBLEM_CODES)[number];

export interface AddressProblem {
  code: AddressProblemCode;
  /** Errors block the order; warnings are shown and let it through. */
  severity: 'error' | 'warning';
  /** 1-based position in the lines given; null for the address as a whole. */
  line: number | null;
  /** An English sentence for the sender. */
  message: string;
  /** What the sender could write or do instead. */
  suggestion?: string;
  /** Known towns or country names to pick from, in capitals. */
  candidates?: string[];
}

export interface AddressCheck {
  /** True when no problem is an error. */
  ok: boolean;
  problems: AddressProblem[];
}

export interface AddressRules {
  maxLines: number;
  /** An address abroad adds the country line. */
  maxLinesAbroad: number;
  /** Recipient, then postcode and town. */
  minLines: number;
  /** Recipient, town, country. */
  minLinesAbroad: number;
  maxLineLength: number;
  /** Characters NF Z10-011 bars from line 4 on ("no punctuation"). Hyphens and apostrophes are
   * not in it: they are part of names (SAINT-MALO, RUE D'ALSACE) and La Poste's own
   * references keep or drop them without changing the address. The underscore is in it
   * because the norm also bars underlining. */
  punctuation: readonly string[];
  /** ISO 3166 codes addressed in the French form (five-digit postcode, no country line):
   * France, Monaco (980xx) and the overseas territories La Poste serves as domestic mail. */
  domesticCountries: readonly string[];
}

export const DEFAULT_ADDRESS_RULES: AddressRules = {
  maxLines: 6,
  maxLinesAbroad: 7,
  minLines: 2,
  minLinesAbroad: 3,
  maxLineLength: 38,
  punctuation: [',', '.', ';', ':', '!', '?', '"', '«', '»', '“', '”', '(', ')', '[', ']', '{', '}', '_', '…', '*'],
  domesticCountries: ['FR', 'MC', 'GP', 'MQ', 'GF', 'RE', 'YT', 'PM', 'BL', 'MF', 'WF', 'PF', 'NC'],
};

export interface AddressLookups {
  /** The towns a postcode serves (the server backs it with La Poste's dataset); undefined
   * when the postcode does not exist. Without it, membership is not checked. */
  townsForPostcode?: (postcode: string) => readonly string[] | undefined;
  /** Accepted names of a country for the envelope's last line, preferred first (e.g.
   * ALLEMAGNE, GERMANY); undefined for an unknown code. Without it, only capitals are checked. */
  countryNames?: (isoCode: string) => readonly string[] | undefined;
}

export interface AddressInput {
  lines: readonly string[];
  /** ISO 3166-1 alpha-2, as in the API; France when absent. */
  country?: string;
}

/** One spelling for comparing town (and country) names: capitals without accents, ligatures
 * spelt out, any punctuation (hyphen, apostrophe, period) a space, ST/STE read as
 * SAINT/SAINTE, single spaces. "Saint-Étienne", "ST ETIENNE" and "St. Etienne" compare equal. */
export function normaliseTown(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/Œ/g, 'OE')
    .replace(/Æ/g, 'AE')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .map((word) => (word === 'ST' ? 'SAINT' : word === 'STE' ? 'SAINTE' : word))
    .join(' ');
}

const POSTCODE = /^\d{5}$/;
const LOOKS_LIKE_POSTCODE_LINE = /^\d{5}\s+\S/;
const ATTEMPTED_POSTCODE = /\d{4,}|^\d{2}\s\d{3}\b/;
const CEDEX = /\bCEDEX\b/i;
const LOWERCASE = /\p{Ll}/u;
const MAX_TOWNS_IN_MESSAGE = 10;

const quote = (text: string): string => `"${text}"`;
const charCount = (text: string): number => [...text].length;
const isBlank = (line: string): boolean => line.trim() === '';

export function checkAddress(
  input: AddressInput,
  lookups: AddressLookups = {},
  rules: AddressRules = DEFAULT_ADDRESS_RULES,
): AddressCheck {
  const problems: AddressProblem[] = [];
  const add = (problem: AddressProblem): void => {
    problems.push(problem);
  };
  const { lines } = input;
  const country = (input.country ?? 'FR').toUpperCase();

  const first = lines.findIndex((line) => !isBlank(line));
  if (first === -1) {
    add({ code: 'no_lines', severity: 'error', line: null, message: 'The address is empty.' });
    return { ok: false, problems };
  }
  const last = lines.length - 1 - [...lines].reverse().findIndex((line) => !isBlank(line));

  lines.forEach((line, index) => {
    const number = index + 1;
    if (isBlank(line)) {
      // A blank line inside the block prints as a gap the sorting machines read as the end of
      // the address; blank lines before or after it only move it within the window.
      const inside = index > first && index < last;
      add({
        code: 'empty_line',
        severity: inside ? 'error' : 'warning',
        line: number,
        message: inside
          ? `Line ${number} is empty: an address has no blank lines between its lines.`
          : `Line ${number} is empty, ${index < first ? 'before' : 'after'} the address.`,
        suggestion: 'Remove the empty line.',
      });
      return;
    }
    checkSpaces(line, number, add);
    // Trailing spaces print as nothing, so they do not count against the width.
    const length = charCount(line.trimEnd());
    if (length > rules.maxLineLength) {
      add({
        code: 'line_too_long',
        severity: 'error',
        line: number,
        message: `Line ${number} has ${length} characters, more than the ${rules.maxLineLength} an address line may have: ${quote(line.trim())}.`,
        suggestion: `Shorten it to ${rules.maxLineLength} characters, e.g. with the usual abbreviations (BD for BOULEVARD, AV for AVENUE).`,
      });
    }
  });

  // From here on, the address is the block between the first and last non-blank lines.
  const block = lines.slice(first, last + 1).map((text, i) => ({ text: text.trim(), number: first + i + 1 }));

  if (rules.domesticCountries.includes(country)) {
    checkDomestic(block, lookups, rules, add);
  } else {
    checkAbroad(block, country, lookups, rules, add);
  }

  // Stable sort: whole-address problems first, then line by line in the order found.
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { ok: !problems.some((problem) => problem.severity === 'error'), problems };
}

interface Line {
  text: string;
  number: number;
}

type Add = (problem: AddressProblem) => void;

function checkSpaces(line: string, number: number, add: Add): void {
  const edges = line !== line.trim();
  const doubled = /\s{2,}/.test(line.trim());
  if (!edges && !doubled) return;
  const where = [edges ? 'begins or ends with spaces' : '', doubled ? 'has several spaces in a row' : '']
    .filter(Boolean)
    .join(' and ');
  add({
    code: 'extra_spaces',
    severity: 'warning',
    line: number,
    message: `Line ${number} ${where}: address lines are left-aligned with single spaces.`,
    suggestion: 'Remove the extra spaces.',
  });
}

function checkLineCount(count: number, min: number, max: number, abroad: boolean, add: Add): void {
  if (count > max) {
    add({
      code: 'too_many_lines',
      severity: 'error',
      line: null,
      message: `The address has ${count} lines; at most ${max} are allowed${abroad ? ', the country line included' : ''}.`,
      suggestion: 'Merge or drop the least useful lines (e.g. a second complement line).',
    });
  } else if (count < min) {
    add({
      code: 'too_few_lines',
      severity: 'error',
      line: null,
      message: abroad
        ? `The address has ${count} line${count === 1 ? '' : 's'}; an address abroad needs at least the recipient, the town and the country.`
        : `The address has ${count} line${count === 1 ? '' : 's'}; it needs at least the recipient and the postcode with the town.`,
    });
  }
}

function checkDomestic(block: Line[], lookups: AddressLookups, rules: AddressRules, add: Add): void {
  const franceNames = ['FRANCE', ...(lookups.countryNames?.('FR') ?? [])].map(normaliseTown);
  const lastLine = block[block.length - 1] as Line;
  // "FRANCE" under a French address is useless from France but harmless: say so, and check the
  // address above it.
  const countryLine = block.length >= 2 && franceNames.includes(normaliseTown(lastLine.text)) ? lastLine : null;
  const address = countryLine ? block.slice(0, -1) : block;
  if (countryLine) {
    add({
      code: 'country_line_not_needed',
      severity: 'warning',
      line: countryLine.number,
      message: `Line ${countryLine.number} names the country: a letter posted in France to a French address needs no country line.`,
      suggestion: 'Remove the country line.',
    });
  }

  checkLineCount(address.length, rules.minLines, rules.maxLines, false, add);
  if (address.length >= 1) checkPostcodeLine(address, lookups, add);
  checkPunctuation(address, rules, add);
}

function checkPostcodeLine(address: Line[], lookups: AddressLookups, add: Add): void {
  const { text, number } = address[address.length - 1] as Line;
  const example = 'the five-digit postcode, a space and the town in capitals (e.g. "75011 PARIS")';

  // A line with no attempt at a postcode (no run of digits like one) is the wrong line, most
  // often a street below the town; otherwise the postcode is there but malformed.
  if (!ATTEMPTED_POSTCODE.test(text)) {
    const misplaced = address.slice(0, -1).find((line) => LOOKS_LIKE_POSTCODE_LINE.test(line.text));
    add({
      code: 'no_postcode_line',
      severity: 'error',
      line: number,
      message:
        `The last line must be ${example}; it reads ${quote(text)}.` +
        (misplaced ? ` Line ${misplaced.number} looks like the postcode line: it must come last.` : ''),
    });
    return;
  }

  const [postcode = '', ...townWords] = text.split(/\s+/);
  const town = townWords.join(' ');
  if (!POSTCODE.test(postcode)) {
    add({
      code: 'postcode_format',
      severity: 'error',
      line: number,
      message: `The last line must start with ${example}; it starts with ${quote(postcode)}.`,
    });
    return;
  }
  if (postcode.startsWith('00')) {
    add({
      code: 'postcode_format',
      severity: 'error',
      line: number,
      message: `${postcode} is not a French postcode: none begins with 00.`,
    });
    return;
  }
  if (town === '') {
    add({
      code: 'postcode_format',
      severity: 'error',
      line: number,
      message: `The postcode ${postcode} must be followed by a space and the town, on the same line.`,
    });
    return;
  }

  if (LOWERCASE.test(town)) {
    add({
      code: 'town_not_capitals',
      severity: 'error',
      line: number,
      message: `The town on the last line must be in capitals: ${quote(town)}.`,
      suggestion: town.toUpperCase(),
    });
  }

  // CEDEX codes belong to firms and are missing from the public postcode list: their form is
  // checked above, their existence cannot be.
  if (CEDEX.test(town) || !lookups.townsForPostcode) return;
  const towns = lookups.townsForPostcode(postcode);
  if (!towns || towns.length === 0) {
    add({
      code: 'unknown_postcode',
      severity: 'error',
      line: number,
      message: `The postcode ${postcode} does not exist.`,
      suggestion: 'Check the postcode with the recipient.',
    });
    return;
  }
  const wanted = normaliseTown(town);
  if (towns.some((known) => normaliseTown(known) === wanted)) return;
  const candidates = [...new Set(towns.map((known) => known.toUpperCase()))];
  const listed = candidates.slice(0, MAX_TOWNS_IN_MESSAGE).join(', ') + (candidates.length > MAX_TOWNS_IN_MESSAGE ? ', …' : '');
  add({
    code: 'town_does_not_match_postcode',
    severity: 'error',
    line: number,
    message: `The town ${quote(town)} is not served by the postcode ${postcode}, which serves: ${listed}.`,
    suggestion: candidates.length === 1 ? candidates[0] : `One of: ${listed}`,
    candidates,
  });
}

/** NF Z10-011 numbers lines by role (1 recipient … 4 street, 5 lieu-dit/BP, 6 postcode and
 * town) and optional lines are left out, so a short address has no "line 4" by position. What
 * is certain: the last two lines are roles 4 to 6 (street or BP, then postcode and town), and
 * the 4th line or later can only be role 4 or more. Lines in between could be a complement,
 * where punctuation is allowed, so they are not checked: a false alarm blocks an order, a
 * missed comma does not stop the letter. */
function checkPunctuation(address: Line[], rules: AddressRules, add: Add): void {
  const from = Math.max(1, Math.min(3, address.length - 2));
  for (const { text, number } of address.slice(from)) {
    const found = rules.punctuation.filter((mark) => text.includes(mark));
    if (found.length === 0) continue;
    const marks = found.map(quote).join(' ');
    add({
      code: 'punctuation',
      severity: 'error',
      line: number,
      message: `Line ${number} contains punctuation (${marks}); the street, lieu-dit and town lines take none.`,
      suggestion: `Remove ${marks} from this line.`,
    });
  }
}

function checkAbroad(block: Line[], country: string, lookups: AddressLookups, rules: AddressRules, add: Add): void {
  // Formats abroad differ (postcode after the town, punctuation in "Apt. 4B"): only the
  // envelope's own rules apply here, namely size and the country line.
  checkLineCount(block.length, rules.minLinesAbroad, rules.maxLinesAbroad, true, add);
  const { text, number } = block[block.length - 1] as Line;
  const names = lookups.countryNames ? lookups.countryNames(country) : null;
  if (names !== null && (!names || names.length === 0)) {
    add({
      code: 'unknown_country',
      severity: 'error',
      line: null,
      message: `The country code ${quote(country)} is not a known ISO 3166 country.`,
    });
    return;
  }
  const candidates = names ? [...new Set(names.map((name) => name.toUpperCase()))] : [];
  if (names && !names.some((name) => normaliseTown(name) === normaliseTown(text))) {
    const preferred = candidates[0] as string;
    add({
      code: 'missing_country_line',
      severity: 'error',
      line: number,
      message: `The last line of an address abroad must be the country in capitals (${quote(preferred)}); it reads ${quote(text)}.`,
      suggestion: preferred,
      candidates,
    });
    return;
  }
  if (LOWERCASE.test(text)) {
    add({
      code: 'country_not_capitals',
      severity: 'error',
      line: number,
      message: `The country on the last line must be in capitals: ${quote(text)}.`,
      suggestion: text.toUpperCase(),
    });
  }
}
