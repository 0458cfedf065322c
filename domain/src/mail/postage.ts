/** Postage steps and mail-class limits (spec M-3.1, §8, §9). Both are data the provider edits
 * when La Poste changes its ranges (production-rules.ts); the functions only read them. */
import { formatWeight } from './paper.js';

export const MAIL_CLASS_NAMES = ['priority', 'registered', 'non_priority'] as const;
export type MailClass = (typeof MAIL_CLASS_NAMES)[number];

export interface MailClassRule {
  maxMg: number;
  /** Postal working days from deposit to delivery (the contract's D+n). */
  deliveryDays: number;
}

export interface PostageStep {
  /** '20g', '100g', …, '1kg', '2kg': the key of the tariff's postage prices. */
  label: string;
  maxMg: number;
}

/** The label follows the bound, so a provider who edits the steps never edits labels too. */
export function stepLabel(maxMg: number): string {
  return maxMg % 1_000_000 === 0 ? `${maxMg / 1_000_000}kg` : `${maxMg / 1_000}g`;
}

/** The step a letter is franked at (`steps`: upper bounds, inclusive: a 20.000 g letter is in
 * the 20 g step); null when it is heavier than the last step. */
export function postageStep(weightMg: number, steps: readonly number[]): PostageStep | null {
  if (!Number.isInteger(weightMg) || weightMg < 0) {
    throw new RangeError(`weightMg must be a whole number of at least 0, got ${weightMg}`);
  }
  const maxMg = [...steps].sort((a, b) => a - b).find((bound) => weightMg <= bound);
  return maxMg === undefined ? null : { label: stepLabel(maxMg), maxMg };
}

const CLASS_WORDS: Record<MailClass, string> = {
  priority: 'priority mail',
  registered: 'registered mail',
  non_priority: 'non-priority mail',
};

export interface ClassLimitProblem {
  code: 'too_heavy_for_class';
  message: string;
  /** A class that accepts this weight; absent when none does (the letter must be split). */
  suggestion?: MailClass;
}

export type ClassLimitCheck = { ok: true } | { ok: false; problem: ClassLimitProblem };

/** Registered mail is never suggested in place of another class: it changes what the sender
 * buys (signature, proof, price), not just the weight allowance. */
const SUGGESTIBLE: Record<MailClass, readonly MailClass[]> = {
  priority: [],
  registered: [],
  non_priority: ['priority'],
};

export function checkClassLimit(
  mailClass: MailClass,
  weightMg: number,
  classes: Record<MailClass, MailClassRule>,
): ClassLimitCheck {
  const limit = classes[mailClass].maxMg;
  if (weightMg <= limit) return { ok: true };
  const head = `This letter weighs ${formatWeight(weightMg)}; ${CLASS_WORDS[mailClass]} is limited to ${formatWeight(limit)}.`;
  const suggestion = SUGGESTIBLE[mailClass].find((other) => weightMg <= classes[other].maxMg);
  if (suggestion === undefined) {
    return {
      ok: false,
      problem: { code: 'too_heavy_for_class', message: `${head} Split it into several letters.` },
    };
  }
  const fix = `Send it as ${CLASS_WORDS[suggestion]} (up to ${formatWeight(classes[suggestion].maxMg)}) or make it lighter.`;
  return { ok: false, problem: { code: 'too_heavy_for_class', message: `${head} ${fix}`, suggestion } };
}
