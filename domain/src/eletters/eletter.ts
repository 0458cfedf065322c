/**
 * Electronic letters (M-4, spec §9 "Registered e-letters"): one mailpiece per recipient, its life
 * in one transition table, the recipient's decision window, reminders, the paper fallback's
 * moment, and the ETSI EN 319 522 names of the evidence each event leaves.
 *
 * The window (CPCE R.53-3): notified on day D, the recipient has until the end of D+15 — fifteen
 * days counted from the day after the notification — to accept or refuse; a decision on D itself
 * is taken too (the delay is a deadline, not a waiting period). Days are Paris calendar days.
 */
import { addDays, parisDay, parisMidnight } from '../time/paris.js';

export const ELETTER_KINDS = ['simple', 'registered'] as const;
export type EletterKind = (typeof ELETTER_KINDS)[number];

export const ELETTER_STATUSES = ['pending', 'notified', 'opened', 'accepted', 'refused', 'expired', 'fallback_paper'] as const;
export type EletterStatus = (typeof ELETTER_STATUSES)[number];

export type EletterAction = 'notify' | 'open' | 'accept' | 'refuse' | 'expire' | 'bounce' | 'fall_back';

export const ELETTER_TRANSITIONS: Readonly<Record<EletterAction, { from: readonly EletterStatus[]; to: EletterStatus; kinds: readonly EletterKind[] }>> = {
  notify: { from: ['pending'], to: 'notified', kinds: ['simple', 'registered'] },
  // A simple letter is delivered when read; a registered one only by the recipient's acceptance.
  open: { from: ['notified'], to: 'opened', kinds: ['simple'] },
  accept: { from: ['notified'], to: 'accepted', kinds: ['registered'] },
  refuse: { from: ['notified'], to: 'refused', kinds: ['registered'] },
  // Not claimed in the window (registered), not opened in the sender's delay (simple with a fallback).
  expire: { from: ['notified'], to: 'expired', kinds: ['simple', 'registered'] },
  // The notification could not be delivered (refused by the mail server, or a bounce report
  // after it was accepted): the letter cannot reach its recipient electronically.
  bounce: { from: ['pending', 'notified'], to: 'expired', kinds: ['simple', 'registered'] },
  fall_back: { from: ['expired'], to: 'fallback_paper', kinds: ['simple', 'registered'] },
};

export function nextEletterStatus(kind: EletterKind, current: EletterStatus, action: EletterAction): EletterStatus | null {
  const t = ELETTER_TRANSITIONS[action];
  return t.kinds.includes(kind) && t.from.includes(current) ? t.to : null;
}

/** Days the recipient of a registered letter has, from the day after the notification. */
export const DECISION_DAYS = 15;
/** Days between reminders, until a decision (or, for a simple letter, until it is read). */
export const REMINDER_EVERY_DAYS = 3;

/** The end of the day `days` after the notification's Paris day: when a delay of `days` days runs out. */
export function endOfDayAfter(notifiedAt: Date, days: number): Date {
  return parisMidnight(addDays(parisDay(notifiedAt), days + 1));
}

/** When a registered letter's window closes: the end of D+15, Paris time. */
export function decisionClosesAt(notifiedAt: Date): Date {
  return endOfDayAfter(notifiedAt, DECISION_DAYS);
}

/** When a simple letter not read falls back to paper, for a sender's delay of `afterDays` days. */
export function simpleFallbackAt(notifiedAt: Date, afterDays: number): Date {
  return endOfDayAfter(notifiedAt, afterDays);
}

/** Why a recipient's decision is refused, or null when it may be taken. */
export type DecisionRefusal = { readonly kind: 'not_registered' } | { readonly kind: 'not_notified' } | { readonly kind: 'decided'; readonly status: EletterStatus } | { readonly kind: 'closed'; readonly closedAt: Date };

export function refuseDecision(letter: { kind: EletterKind; status: EletterStatus; notifiedAt: Date | null }, now: Date): DecisionRefusal | null {
  if (letter.kind !== 'registered') return { kind: 'not_registered' };
  if (letter.status === 'pending' || letter.notifiedAt === null) return { kind: 'not_notified' };
  if (letter.status !== 'notified') return { kind: 'decided', status: letter.status };
  const closedAt = decisionClosesAt(letter.notifiedAt);
  if (now.getTime() >= closedAt.getTime()) return { kind: 'closed', closedAt };
  return null;
}

/**
 * When the next reminder is due, or null when none is: every 3 days after the notification, for a
 * letter still waiting (notified), while its window (or the simple letter's fallback delay) is open.
 */
export function nextReminderAt(letter: { kind: EletterKind; status: EletterStatus; notifiedAt: Date | null; remindersSent: number; fallbackAfterDays: number | null }): Date | null {
  if (letter.status !== 'notified' || letter.notifiedAt === null) return null;
  const at = new Date(letter.notifiedAt.getTime() + (letter.remindersSent + 1) * REMINDER_EVERY_DAYS * 86_400_000);
  const end = letter.kind === 'registered' ? decisionClosesAt(letter.notifiedAt) : letter.fallbackAfterDays !== null ? simpleFallbackAt(letter.notifiedAt, letter.fallbackAfterDays) : endOfDayAfter(letter.notifiedAt, DECISION_DAYS);
  return at.getTime() < end.getTime() ? at : null;
}

/** When the letter's deadline job fires, or null when it has none (a simple letter without fallback). */
export function deadlineAt(letter: { kind: EletterKind; notifiedAt: Date; fallbackAfterDays: number | null }): Date | null {
  if (letter.kind === 'registered') return decisionClosesAt(letter.notifiedAt);
  return letter.fallbackAfterDays === null ? null : simpleFallbackAt(letter.notifiedAt, letter.fallbackAfterDays);
}

/** The evidence each event leaves, by its ETSI EN 319 522-2 name (spec §9). */
export const EVIDENCE_EVENTS = {
  deposit: 'SubmissionAcceptance',
  notification: 'NotificationForAcceptance',
  notification_failure: 'NotificationForAcceptanceFailure',
  acceptance: 'ConsignmentAcceptance',
  refusal: 'ConsignmentRejection',
  non_claim: 'AcceptanceRejectionExpiry',
  download: 'ContentAccessTracking',
  paper_fallback: 'RelayToNonERDS',
} as const;
export type EvidenceEvent = keyof typeof EVIDENCE_EVENTS;
