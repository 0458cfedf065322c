import type { MailpieceStatus } from './floor-status.js';

/**
 * After the handover to La Poste (M-6.a, spec §9): a deposited paper mailpiece may be delivered
 * (the postal tracking says so), come back undelivered (the returns desk scans it), or see its
 * acknowledgement card come back signed. One transition table; the server applies it by
 * compare-and-set with an event in the same transaction.
 */
export const HANDOVER_OUTCOMES = ['delivered', 'returned', 'ar_received'] as const;
export type HandoverOutcome = (typeof HANDOVER_OUTCOMES)[number];

/** Why a letter came back (api.md `reason`): "NPAI" (addressee unknown), not claimed, refused. */
export const RETURN_REASONS = ['address_error', 'not_claimed', 'refused'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export const HANDOVER_TRANSITIONS: Readonly<Record<HandoverOutcome, { from: readonly MailpieceStatus[] }>> = {
  delivered: { from: ['deposited'] },
  // The envelope itself is the stronger witness: a letter the tracking called delivered can
  // still come back (delivered to the wrong door, then returned by the neighbour).
  returned: { from: ['deposited', 'delivered'] },
  // The card may come back before the tracking says delivered.
  ar_received: { from: ['deposited', 'delivered'] },
};

export type HandoverVerdict =
  | { ok: true }
  /** Still on the floor: nothing can come back from La Poste yet. */
  | { ok: false; reason: 'not_deposited' }
  /** The same outcome recorded already (a second scan of the same envelope or card). */
  | { ok: false; reason: 'repeated' }
  /** Another outcome closed it (a returned letter has no AR card; an AR'd letter does not return). */
  | { ok: false; reason: 'closed'; status: MailpieceStatus };

const FLOOR: readonly MailpieceStatus[] = ['pending', 'printed', 'inserted', 'franked'];

export function afterHandover(current: MailpieceStatus, outcome: HandoverOutcome): HandoverVerdict {
  if (HANDOVER_TRANSITIONS[outcome].from.includes(current)) return { ok: true };
  if (FLOOR.includes(current)) return { ok: false, reason: 'not_deposited' };
  if (current === outcome) return { ok: false, reason: 'repeated' };
  return { ok: false, reason: 'closed', status: current };
}

/** When the provider chases La Poste (the watchdog): days after the deposit, as data. */
export interface ChaseSettings {
  /** A registered letter with no delivery event after this many days. */
  deliveryDays: number;
  /** A letter with AR whose card is not back after this many days. */
  arDays: number;
}

export const DEFAULT_CHASE_SETTINGS: ChaseSettings = { deliveryDays: 7, arDays: 21 };

export type ChaseKind = 'no_delivery' | 'no_ar';

const DAY_MS = 86_400_000;

/**
 * What the watchdog flags for one registered mailpiece: nothing once it came back or its card
 * did; no delivery N days after the deposit; no card M days after it.
 */
export function chaseDue(
  m: { status: MailpieceStatus; acknowledgement: boolean; depositedAt: Date; deliveredByTracking: boolean },
  settings: ChaseSettings,
  now: Date,
): ChaseKind[] {
  if (m.status === 'returned' || m.status === 'ar_received' || FLOOR.includes(m.status)) return [];
  const days = (now.getTime() - m.depositedAt.getTime()) / DAY_MS;
  const due: ChaseKind[] = [];
  if (!m.deliveredByTracking && m.status !== 'delivered' && days >= settings.deliveryDays) due.push('no_delivery');
  if (m.acknowledgement && days >= settings.arDays) due.push('no_ar');
  return due;
}

/**
 * When a tracked number is asked again: soon while it travels, rarely once unknown to La Poste
 * (it learns a number at its first scan), and with doubling back-off after failures.
 */
export function nextPollDelayMs(outcome: { kind: 'moving' } | { kind: 'unknown' } | { kind: 'failed'; failures: number; retryAfterMs: number | null }): number {
  const MIN = 60_000;
  if (outcome.kind === 'moving') return 4 * 60 * MIN;
  if (outcome.kind === 'unknown') return 6 * 60 * MIN;
  const backoff = Math.min(15 * MIN * 2 ** Math.max(0, outcome.failures - 1), 24 * 60 * MIN);
  return Math.max(backoff, outcome.retryAfterMs ?? 0);
}

/**
 * The key under which an address is flagged in an organisation's address book: its lines as the
 * post reads them (upper case, no accents, punctuation and spacing folded), and its country.
 */
export function addressKey(lines: readonly string[], country: string): string {
  const fold = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, ' ')
      .trim();
  return [...lines.map(fold).filter((l) => l.length > 0), country.toUpperCase()].join('|');
}
