// Problems found in an address or an order (domain/mail/address.ts, domain/orders/letters.ts)
// reach the page as `code` + an English `message`. In English the message is shown as it is (it
// carries the details: lengths, quotes, the towns a postcode serves). In French a sentence is
// chosen by code, with the line or letter number; a code this page does not know keeps the
// server's message rather than say something vague.
import type { TFunction } from 'i18next';

export interface ProblemLike {
  code: string;
  message: string;
  suggestion?: string | undefined;
  /** Address problems: the line concerned. */
  line?: number | null | undefined;
  /** Order problems: the letter concerned (1-based). */
  letter?: number | null | undefined;
}

const FRENCH_CODES = [
  'no_address',
  'no_lines',
  'empty_line',
  'line_too_long',
  'extra_spaces',
  'too_many_lines',
  'too_few_lines',
  'country_line_not_needed',
  'no_postcode_line',
  'postcode_format',
  'town_not_capitals',
  'unknown_postcode',
  'town_does_not_match_postcode',
  'punctuation',
  'unknown_country',
  'missing_country_line',
  'country_not_capitals',
  'no_recipients',
  'split_with_recipients',
  'split_no_first_address',
  'split_uneven',
  'too_many_sheets_for_envelope',
  'too_heavy_for_class',
  'address_flagged_address_error',
  'address_flagged_not_claimed',
  'address_flagged_refused',
] as const;
type FrenchCode = (typeof FRENCH_CODES)[number];

function isFrenchCode(code: string): code is FrenchCode {
  return (FRENCH_CODES as readonly string[]).includes(code);
}

const CLASS_WORDS: Record<string, string> = { priority: 'prioritaire', non_priority: 'non prioritaire', registered: 'recommandé' };

/** A suggestion worth showing in French: an address line, a town, an envelope (no English prose). */
function plainSuggestion(suggestion: string | undefined): string | undefined {
  if (!suggestion) return undefined;
  if (CLASS_WORDS[suggestion]) return CLASS_WORDS[suggestion];
  return /[a-z]{3,}/.test(suggestion) ? undefined : suggestion;
}

/** The problem as one sentence in the interface language, its suggestion included. */
export function problemText(t: TFunction, language: string, problem: ProblemLike): string {
  if (language === 'en' || !isFrenchCode(problem.code)) {
    return problem.suggestion ? `${problem.message} ${t('orders.document.suggestion', { suggestion: problem.suggestion })}` : problem.message;
  }
  const line = problem.line ?? null;
  const body = t(`orders.problems.${problem.code}`) + (line !== null ? t('orders.problems.atLine', { line }) : '') + '.';
  const suggestion = plainSuggestion(problem.suggestion);
  const text = suggestion ? `${body} ${t('orders.document.suggestion', { suggestion })}` : body;
  return problem.letter ? t('orders.problems.forLetter', { letter: problem.letter, text }) : text;
}
