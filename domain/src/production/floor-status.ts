/**
 * The production floor's two state machines (api.md status words): a paper mailpiece and a print
 * batch move one floor step at a time, by scanning. One transition table each; the server applies
 * them by compare-and-set with an event in the same transaction.
 */
export const MAILPIECE_STATUSES = ['pending', 'printed', 'inserted', 'franked', 'deposited', 'delivered', 'returned', 'ar_received'] as const;
export type MailpieceStatus = (typeof MAILPIECE_STATUSES)[number];

/** What an operator scans a mailpiece or a batch as, in floor order. */
export const FLOOR_STEPS = ['printed', 'inserted', 'franked', 'deposited'] as const;
export type FloorStep = (typeof FLOOR_STEPS)[number];

export const MAILPIECE_TRANSITIONS: Readonly<Record<FloorStep, { from: MailpieceStatus }>> = {
  printed: { from: 'pending' },
  inserted: { from: 'printed' },
  franked: { from: 'inserted' },
  deposited: { from: 'franked' },
};

export const BATCH_STATUSES = ['building', 'ready_to_print', 'printed', 'inserted', 'franked', 'deposited'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** `ready` is not scanned: the print-file job takes a closed batch there once its file is stored. */
export type BatchAction = 'ready' | FloorStep;

export const BATCH_TRANSITIONS: Readonly<Record<BatchAction, { from: BatchStatus; to: BatchStatus }>> = {
  ready: { from: 'building', to: 'ready_to_print' },
  printed: { from: 'ready_to_print', to: 'printed' },
  inserted: { from: 'printed', to: 'inserted' },
  franked: { from: 'inserted', to: 'franked' },
  deposited: { from: 'franked', to: 'deposited' },
};

const rank = (s: MailpieceStatus) => (s === 'pending' ? 0 : FLOOR_STEPS.indexOf(s as FloorStep) + 1 || FLOOR_STEPS.length + 1);

export type ScanVerdict =
  | { ok: true }
  /** Scanned twice for the same step. */
  | { ok: false; reason: 'repeated' }
  /** A step skipped (e.g. franked before inserted): the earlier step comes first. */
  | { ok: false; reason: 'too_early'; expected: FloorStep }
  /** Already past this step (e.g. scanned as printed once deposited). */
  | { ok: false; reason: 'already_past' };

export function scanMailpiece(current: MailpieceStatus, step: FloorStep): ScanVerdict {
  if (current === MAILPIECE_TRANSITIONS[step].from) return { ok: true };
  if (current === step) return { ok: false, reason: 'repeated' };
  if (rank(current) > rank(step)) return { ok: false, reason: 'already_past' };
  return { ok: false, reason: 'too_early', expected: FLOOR_STEPS[rank(current)]! };
}

export function scanBatch(current: BatchStatus, step: FloorStep): ScanVerdict | { ok: false; reason: 'not_ready' } {
  if (current === BATCH_TRANSITIONS[step].from) return { ok: true };
  if (current === 'building') return { ok: false, reason: 'not_ready' };
  if (current === step) return { ok: false, reason: 'repeated' };
  const order = BATCH_STATUSES.indexOf(current) - BATCH_STATUSES.indexOf(BATCH_TRANSITIONS[step].from);
  if (order > 0) return { ok: false, reason: 'already_past' };
  return { ok: false, reason: 'too_early', expected: BATCH_STATUSES[BATCH_STATUSES.indexOf(current) + 1] as FloorStep };
}

/**
 * Where an order stands from its mailpieces (M-3.4): in production from the first mailpiece
 * printed, completed when every one is deposited or further on (delivered, returned, AR back).
 */
export function orderRollup(orderStatus: string, mailpieces: readonly MailpieceStatus[]): 'start_production' | 'complete' | null {
  if (orderStatus !== 'accepted' && orderStatus !== 'in_production') return null;
  const done = mailpieces.length > 0 && mailpieces.every((s) => rank(s) >= rank('deposited'));
  if (orderStatus === 'accepted') return mailpieces.some((s) => s !== 'pending') ? 'start_production' : null;
  return done ? 'complete' : null;
}
