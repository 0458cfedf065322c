/**
 * The electronic archive's retention rules (M-6.c, NF Z42-013 / ISO 14641): a retention of 1, 3,
 * 5, 10 or 30 years from deposit; extended, never shortened; a legal hold blocks destruction;
 * destruction in two steps — a proposal once the retention has ended, then a client
 * administrator's approval after a waiting period — and nothing else ever deletes an archived file.
 */
import { ELECTRONIC_RETENTION_YEARS } from '../mail/pricing.js';

export { ELECTRONIC_RETENTION_YEARS };
export type RetentionYears = 1 | 3 | 5 | 10 | 30;

export function isRetentionYears(n: number): n is RetentionYears {
  return ELECTRONIC_RETENTION_YEARS.includes(n);
}

/**
 * The end of a retention of `years` from `depositedAt`: the same instant `years` calendar years
 * later; a deposit on 29 February ends on 1 March of a common year (never before the full term).
 */
export function retainUntil(depositedAt: Date, years: number): Date {
  const end = new Date(depositedAt.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + years);
  return end;
}

/** Days between a destruction's proposal and the earliest approval: time to object or hold. */
export const DESTRUCTION_WAITING_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

export const ARCHIVE_STATUSES = ['kept', 'destruction_proposed', 'destroyed'] as const;
export type ArchiveStatus = (typeof ARCHIVE_STATUSES)[number];

export type ArchiveAction = 'propose_destruction' | 'cancel_destruction' | 'approve_destruction';

export const ARCHIVE_TRANSITIONS: Readonly<Record<ArchiveAction, { from: readonly ArchiveStatus[]; to: ArchiveStatus }>> = {
  propose_destruction: { from: ['kept'], to: 'destruction_proposed' },
  // Extending the retention or setting a legal hold withdraws a pending proposal.
  cancel_destruction: { from: ['destruction_proposed'], to: 'kept' },
  approve_destruction: { from: ['destruction_proposed'], to: 'destroyed' },
};

export function nextArchiveStatus(current: ArchiveStatus, action: ArchiveAction): ArchiveStatus | null {
  const t = ARCHIVE_TRANSITIONS[action];
  return t.from.includes(current) ? t.to : null;
}

/** What an archived item's state says about a request; `null` means allowed. */
export type ArchiveRefusal =
  | { readonly kind: 'retained'; readonly until: Date }
  | { readonly kind: 'legal_hold'; readonly reason: string }
  | { readonly kind: 'not_proposed' }
  | { readonly kind: 'waiting'; readonly until: Date }
  | { readonly kind: 'destroyed' }
  | { readonly kind: 'shorter'; readonly until: Date };

export interface ArchiveState {
  readonly status: ArchiveStatus;
  readonly retainUntil: Date;
  readonly legalHold: string | null;
  readonly destructionProposedAt: Date | null;
}

export function refuseProposal(item: ArchiveState, now: Date): ArchiveRefusal | null {
  if (item.status === 'destroyed') return { kind: 'destroyed' };
  if (now.getTime() < item.retainUntil.getTime()) return { kind: 'retained', until: item.retainUntil };
  if (item.legalHold !== null) return { kind: 'legal_hold', reason: item.legalHold };
  return null;
}

/** When a proposal made at `proposedAt` may be approved. */
export function approvableFrom(proposedAt: Date): Date {
  return new Date(proposedAt.getTime() + DESTRUCTION_WAITING_DAYS * DAY_MS);
}

export function refuseApproval(item: ArchiveState, now: Date): ArchiveRefusal | null {
  if (item.status === 'destroyed') return { kind: 'destroyed' };
  if (item.legalHold !== null) return { kind: 'legal_hold', reason: item.legalHold };
  if (now.getTime() < item.retainUntil.getTime()) return { kind: 'retained', until: item.retainUntil };
  if (item.status !== 'destruction_proposed' || item.destructionProposedAt === null) return { kind: 'not_proposed' };
  const from = approvableFrom(item.destructionProposedAt);
  if (now.getTime() < from.getTime()) return { kind: 'waiting', until: from };
  return null;
}

/**
 * A new retention: counted from the deposit like the first, and only ever longer. Returns the
 * new end, or the refusal.
 */
export function extendRetention(item: ArchiveState & { readonly depositedAt: Date }, years: number): { until: Date } | ArchiveRefusal {
  if (item.status === 'destroyed') return { kind: 'destroyed' };
  const until = retainUntil(item.depositedAt, years);
  if (until.getTime() <= item.retainUntil.getTime()) return { kind: 'shorter', until: item.retainUntil };
  return { until };
}
