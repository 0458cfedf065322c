import type { TFunction } from 'i18next';
import { mailpieceStatus } from '../orders/labels';
import type { TrackedMailpiece } from './api';

// A tracked mailpiece in words and colours: paper statuses as the order's page says them,
// e-letters' as their order's page does.

const PAPER_COLOR: Record<string, string> = {
  pending: 'gray',
  printed: 'violet',
  inserted: 'violet',
  franked: 'violet',
  deposited: 'blue',
  delivered: 'green',
  returned: 'red',
  ar_received: 'teal',
  cancelled: 'dark',
};

const ELETTER_COLOR: Record<string, string> = {
  pending: 'gray',
  notified: 'blue',
  opened: 'green',
  accepted: 'green',
  refused: 'orange',
  expired: 'yellow',
  fallback_paper: 'violet',
};

const ELETTER_STATUS = {
  pending: 'eletters.status.pending',
  notified: 'eletters.status.notified',
  opened: 'eletters.status.opened',
  accepted: 'eletters.status.accepted',
  refused: 'eletters.status.refused',
  expired: 'eletters.status.expired',
  fallback_paper: 'eletters.status.fallback_paper',
} as const;

/** A status in words for a kind of mailpiece; a word this page does not know is shown as the API gives it. */
export function statusWords(t: TFunction, kind: TrackedMailpiece['kind'], status: string): string {
  if (kind === 'paper') return mailpieceStatus(t, status);
  return Object.hasOwn(ELETTER_STATUS, status) ? t(ELETTER_STATUS[status as keyof typeof ELETTER_STATUS]) : status;
}

export function statusColor(kind: TrackedMailpiece['kind'], status: string): string {
  return (kind === 'paper' ? PAPER_COLOR[status] : ELETTER_COLOR[status]) ?? 'gray';
}

const KIND = { paper: 'tracking.kind.paper', electronic: 'tracking.kind.electronic' } as const;

export function kindWords(t: TFunction, kind: TrackedMailpiece['kind']): string {
  return t(KIND[kind]);
}

const CLASS = {
  priority: 'tracking.class.priority',
  non_priority: 'tracking.class.non_priority',
  registered: 'tracking.class.registered',
  simple: 'tracking.class.simple',
} as const;

export function classWords(t: TFunction, mailClass: string | null): string {
  if (mailClass === null) return '—';
  return Object.hasOwn(CLASS, mailClass) ? t(CLASS[mailClass as keyof typeof CLASS]) : mailClass;
}

/** Who a mailpiece goes to, in a few words: the name, else the first address line, else the e-mail. */
export function recipientWords(m: TrackedMailpiece): string {
  return m.recipient.name ?? m.recipient.address[0] ?? m.recipient.email ?? m.id;
}
