import { checkClassLimit, postageStep, type MailClass } from '../mail/postage.js';
import { checkEnvelope, mailpieceSheets, mailpieceWeightMg, type EnvelopeType, type Sides } from '../mail/paper.js';
import type { QuoteMailpiece, RegisteredLevel, Color } from '../mail/pricing.js';
import type { ProductionRules } from '../mail/production-rules.js';

/**
 * From an order's set-up to the letters it will make: which pages go in which envelope, to which
 * address, how many sheets, how heavy, which postage step, and what stops it. Pure: the server
 * gives the documents' page counts and the text it read in their window zones.
 */
export interface PlanDocument {
  id: string;
  pages: number;
  /** Lines read in the window zone of each page (index 0 = page 1); only page 1 is needed
   * unless the order splits at every address. */
  windowLines: ReadonlyArray<readonly string[]>;
}

export interface PlanOptions {
  color: Color;
  sides: Sides;
  envelope: EnvelopeType;
  mailClass: MailClass;
  registeredLevel: RegisteredLevel | null;
  acknowledgement: boolean;
  background: { pages: 'all' | 'first' } | null;
}

export type Split = { mode: 'every'; pages: number } | { mode: 'address' } | null;

export interface PlanInput {
  main: PlanDocument;
  attachments: readonly PlanDocument[];
  options: PlanOptions;
  addressSource: 'document' | 'recipients';
  split: Split;
  recipients: ReadonlyArray<{ address: readonly string[]; country: string }>;
}

export interface LetterProblem {
  code: string;
  message: string;
  severity: 'error' | 'warning';
  /** 1-based letter number; null for the order as a whole. */
  letter: number | null;
  suggestion?: string;
}

export interface PlannedLetter {
  /** 1-based. */
  number: number;
  /** The main document's pages in this letter, inclusive. */
  pages: [number, number];
  address: { lines: string[]; country: string };
  carrierSheet: boolean;
  sheets: number;
  printedPages: number;
  weightMg: number;
  postageStep: string | null;
}

export interface LetterPlan {
  letters: PlannedLetter[];
  problems: LetterProblem[];
}

export type AddressChecker = (lines: readonly string[], country: string) => ReadonlyArray<{ code: string; message: string; severity?: 'error' | 'warning'; suggestion?: string }>;

/** Where each letter's pages start and end in the main document. */
function letterRanges(input: PlanInput, problems: LetterProblem[]): Array<[number, number]> {
  const total = input.main.pages;
  const split = input.split;
  if (split === null || input.addressSource === 'recipients') return [[1, total]];
  if (split.mode === 'every') {
    const ranges: Array<[number, number]> = [];
    for (let first = 1; first <= total; first += split.pages) ranges.push([first, Math.min(total, first + split.pages - 1)]);
    if (total % split.pages !== 0) {
      problems.push({
        code: 'split_uneven',
        severity: 'warning',
        letter: ranges.length,
        message: `The document has ${total} pages, not a multiple of ${split.pages}: the last letter will have ${total % split.pages} page(s).`,
      });
    }
    return ranges;
  }
  const starts: number[] = [];
  input.main.windowLines.forEach((lines, i) => {
    if (lines.length > 0) starts.push(i + 1);
  });
  if (starts[0] !== 1) {
    problems.push({ code: 'split_no_first_address', severity: 'error', letter: null, message: 'Page 1 has no address in its window zone, so the split cannot know who the first pages are for.' });
    if (starts.length === 0) return [[1, total]];
    starts.unshift(1);
  }
  return starts.map((first, i) => [first, (starts[i + 1] ?? total + 1) - 1]);
}

/** `rules`: the production rules in force on the day the letters are planned for. */
export function planLetters(input: PlanInput, rules: ProductionRules, checkAddress: AddressChecker): LetterPlan {
  const problems: LetterProblem[] = [];
  const o = input.options;
  if (input.addressSource === 'recipients' && input.split !== null) {
    problems.push({ code: 'split_with_recipients', severity: 'error', letter: null, message: 'A document is split by the addresses in it; with a list of recipients, each gets the whole document. Choose one.' });
  }
  if (input.addressSource === 'recipients' && input.recipients.length === 0) {
    problems.push({ code: 'no_recipients', severity: 'error', letter: null, message: 'Add at least one recipient, or read the address from the document.' });
  }
  const attachmentPages = input.attachments.map((a) => a.pages);
  const ranges = letterRanges(input, problems);
  const destinations =
    input.addressSource === 'recipients'
      ? input.recipients.map((r) => ({ lines: [...r.address], country: r.country, range: ranges[0]! }))
      : ranges.map((range) => ({ lines: [...(input.main.windowLines[range[0] - 1] ?? [])], country: 'FR', range }));

  const letters: PlannedLetter[] = destinations.map((d, i) => {
    const number = i + 1;
    const mainPages = d.range[1] - d.range[0] + 1;
    const carrierSheet = input.addressSource === 'recipients';
    const sheets = mailpieceSheets({ documentPages: [mainPages, ...attachmentPages], sides: o.sides, carrierSheet }, rules);
    const weightMg = mailpieceWeightMg({ sheets, envelope: o.envelope, registered: o.mailClass === 'registered', acknowledgement: o.acknowledgement }, rules);
    const step = postageStep(weightMg, rules.postageStepsMg);
    if (d.lines.length === 0) {
      problems.push({ code: 'no_address', severity: 'error', letter: number, message: `Letter ${number}: no address in the window zone of its first page.` });
    } else {
      for (const p of checkAddress(d.lines, d.country)) {
        problems.push({ code: p.code, severity: p.severity ?? 'error', letter: number, message: `Letter ${number}: ${p.message}`, ...(p.suggestion ? { suggestion: p.suggestion } : {}) });
      }
    }
    const envelope = checkEnvelope(sheets, o.envelope, rules);
    if (!envelope.ok) problems.push({ code: envelope.problem.code, severity: 'error', letter: number, message: `Letter ${number}: ${envelope.problem.message}`, ...(envelope.problem.suggestion ? { suggestion: envelope.problem.suggestion } : {}) });
    const limit = checkClassLimit(o.mailClass, weightMg, rules.classes);
    if (!limit.ok) problems.push({ code: limit.problem.code, severity: 'error', letter: number, message: `Letter ${number}: ${limit.problem.message}`, ...(limit.problem.suggestion ? { suggestion: limit.problem.suggestion } : {}) });
    return {
      number,
      pages: d.range,
      address: { lines: d.lines, country: d.country },
      carrierSheet,
      sheets,
      printedPages: mainPages + attachmentPages.reduce((a, b) => a + b, 0),
      weightMg,
      postageStep: step?.label ?? null,
    };
  });
  return { letters, problems };
}

/** The quote's view of the letters: a letter its class cannot carry is not priced (it cannot be
 * sent as set up, and the problems say so). */
export function quoteMailpieces(plan: LetterPlan, o: PlanOptions, rules: ProductionRules): QuoteMailpiece[] {
  return plan.letters
    .filter((l) => l.postageStep !== null && checkClassLimit(o.mailClass, l.weightMg, rules.classes).ok)
    .map((l) => ({
      sheets: l.sheets,
      printedPages: l.printedPages,
      color: o.color,
      envelope: o.envelope,
      carrierSheet: l.carrierSheet,
      backgroundPages: o.background === null ? 0 : o.background.pages === 'all' ? l.printedPages : 1,
      mailClass: o.mailClass,
      postageStep: l.postageStep!,
      registeredLevel: o.mailClass === 'registered' ? o.registeredLevel : null,
      acknowledgement: o.mailClass === 'registered' && o.acknowledgement,
    }));
}

export function blocking(problems: readonly LetterProblem[]): LetterProblem[] {
  return problems.filter((p) => p.severity === 'error');
}
