import type { TFunction } from 'i18next';
import type { ChaseItem, ReturnKind, ReturnReason } from './api';

export const REASON_LABEL = {
  address_error: 'returns.reason.address_error',
  not_claimed: 'returns.reason.not_claimed',
  refused: 'returns.reason.refused',
} as const satisfies Record<ReturnReason, string>;

/** The reasons as a short word (a table cell, a count). */
export const REASON_SHORT = {
  address_error: 'returns.reasonShort.address_error',
  not_claimed: 'returns.reasonShort.not_claimed',
  refused: 'returns.reasonShort.refused',
} as const satisfies Record<ReturnReason, string>;

export const KIND_LABEL = {
  returned: 'returns.kind.returned',
  ar: 'returns.kind.ar',
} as const satisfies Record<ReturnKind, string>;

export const KIND_COLOR = {
  returned: 'red',
  ar: 'teal',
} as const satisfies Record<ReturnKind, string>;

export const CHASE_LABEL = {
  no_delivery: 'returns.chase.kind.no_delivery',
  no_ar: 'returns.chase.kind.no_ar',
} as const satisfies Record<ChaseItem['kind'], string>;

/** A reason the API may send and this page does not know yet is shown as it comes. */
export function reasonText(t: TFunction, reason: string | null, short = false): string {
  if (reason === null) return '—';
  const labels = short ? REASON_SHORT : REASON_LABEL;
  return Object.hasOwn(labels, reason) ? t(labels[reason as ReturnReason]) : reason;
}

const REGISTERED = /^([0-9A-Z]{2})(\d{3})(\d{3})(\d{4})(\d)$/;

/** A registered number as printed on the coupon: « 1E 002 320 6214 2 ». */
export function registeredNumber(number: string | null): string | null {
  if (number === null) return null;
  const m = REGISTERED.exec(number);
  return m ? m.slice(1).join(' ') : number;
}
