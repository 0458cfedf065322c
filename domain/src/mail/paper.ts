/** Sheets, envelopes and the weight of a mailpiece (spec §8, §9 "Paper and weight").
 * Everything the production floor can change (paper stock, envelopes, extras) is data the
 * provider edits (production-rules.ts: effective-dated); the functions only combine it. Weights are integer
 * milligrams so sums never drift and a 20.000 g letter stays in the 20 g step. */

export const ENVELOPE_TYPES = ['C5/6', 'C5', 'C4'] as const;
export type EnvelopeType = (typeof ENVELOPE_TYPES)[number];

export const SIDES = ['simplex', 'duplex'] as const;
export type Sides = (typeof SIDES)[number];

export interface EnvelopeSpec {
  weightMg: number;
  /** The inserter's limit for this envelope, in sheets. */
  maxSheets: number;
}

/** The paper part of the production rules (ProductionRules). */
export interface PaperRules {
  /** One A4 sheet of the house paper (80 g/m²: 4.99 g). */
  sheetMg: number;
  envelopes: Record<EnvelopeType, EnvelopeSpec>;
  /** Sheets added in front of the letter when Pli prints the address itself. */
  carrierSheet: number;
  registeredLabelMg: number;
  acknowledgementCardMg: number;
  /** La Poste's letter thickness limit. With 80 g/m² paper (about 0.1 mm a sheet) the
   * inserter's 45-sheet limit binds long before 3 cm, so no rule computes thickness today;
   * the figure stays in the table for a provider who adds thicker stock. */
  maxThicknessMm: number;
}

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number of at least 0, got ${value}`);
  }
}

/** Duplex prints two pages on one sheet, so it halves the sheets, never the pages. */
export function sheetsFor(pages: number, sides: Sides): number {
  assertCount('pages', pages);
  return sides === 'duplex' ? Math.ceil(pages / 2) : pages;
}

export interface MailpieceSheetsInput {
  /** Page counts of the main letter then each attachment. */
  documentPages: readonly number[];
  sides: Sides;
  /** True when Pli prints the address on a sheet of its own (address given as recipients). */
  carrierSheet: boolean;
}

/** Each document starts on a new sheet: an attachment never shares the back of the letter's
 * last page, so a reader can separate them, and the count is computed per document. */
export function mailpieceSheets(input: MailpieceSheetsInput, table: PaperRules): number {
  const documents = input.documentPages.reduce((sum, pages) => sum + sheetsFor(pages, input.sides), 0);
  return documents + (input.carrierSheet ? table.carrierSheet : 0);
}

export interface MailpieceWeightInput {
  /** Every sheet in the envelope, the carrier sheet included (see mailpieceSheets). */
  sheets: number;
  envelope: EnvelopeType;
  registered: boolean;
  acknowledgement: boolean;
}

/** Letter weight = sheets × sheet weight + envelope + extras (registered label, AR card).
 * A background page is printed on the letter's own sheets, so it adds no weight. */
export function mailpieceWeightMg(input: MailpieceWeightInput, table: PaperRules): number {
  assertCount('sheets', input.sheets);
  return (
    input.sheets * table.sheetMg +
    table.envelopes[input.envelope].weightMg +
    (input.registered ? table.registeredLabelMg : 0) +
    (input.acknowledgement ? table.acknowledgementCardMg : 0)
  );
}

/** `weight_g` as shown to people: rounded UP to 0.1 g, so the figure shown never suggests a
 * lighter letter than the one that is franked. */
export function weightForDisplay(weightMg: number): number {
  assertCount('weightMg', weightMg);
  return Math.ceil(weightMg / 100) / 10;
}

/** "312.5 g", "250 g", "2 kg": for sentences, with the same upward rounding as weight_g. */
export function formatWeight(weightMg: number): string {
  if (weightMg >= 1_000_000 && weightMg % 1_000_000 === 0) return `${weightMg / 1_000_000} kg`;
  return `${weightForDisplay(weightMg)} g`;
}

export function envelopeFits(sheets: number, envelope: EnvelopeType, table: PaperRules): boolean {
  assertCount('sheets', sheets);
  return sheets <= table.envelopes[envelope].maxSheets;
}

/** The envelope a letter of this many sheets should use, smallest capacity first; null when
 * even the largest envelope cannot hold it (the letter must be split). */
export function smallestEnvelopeFor(sheets: number, table: PaperRules): EnvelopeType | null {
  const bySize = [...ENVELOPE_TYPES].sort((a, b) => table.envelopes[a].maxSheets - table.envelopes[b].maxSheets);
  return bySize.find((envelope) => envelopeFits(sheets, envelope, table)) ?? null;
}

export interface EnvelopeCapacityProblem {
  code: 'too_many_sheets_for_envelope';
  message: string;
  /** The smallest envelope that holds the letter; absent when none does. */
  suggestion?: EnvelopeType;
}

export type EnvelopeCheck = { ok: true } | { ok: false; problem: EnvelopeCapacityProblem };

/** The inserter refuses past an envelope's limit: say why, and name the envelope that works. */
export function checkEnvelope(sheets: number, envelope: EnvelopeType, table: PaperRules): EnvelopeCheck {
  if (envelopeFits(sheets, envelope, table)) return { ok: true };
  const limit = table.envelopes[envelope].maxSheets;
  const larger = smallestEnvelopeFor(sheets, table);
  const head = `This letter needs ${sheets} sheets; a ${envelope} envelope holds at most ${limit}.`;
  if (larger === null) {
    const largest = Math.max(...ENVELOPE_TYPES.map((e) => table.envelopes[e].maxSheets));
    return {
      ok: false,
      problem: {
        code: 'too_many_sheets_for_envelope',
        message: `${head} No envelope holds more than ${largest} sheets: split it into several letters.`,
      },
    };
  }
  return {
    ok: false,
    problem: {
      code: 'too_many_sheets_for_envelope',
      message: `${head} Choose a ${larger} envelope (up to ${table.envelopes[larger].maxSheets} sheets).`,
      suggestion: larger,
    },
  };
}
