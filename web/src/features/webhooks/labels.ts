import { EVENT_PATTERNS_LIST, type EVENT_TYPES_LIST } from '#contracts/tracking-events.js';
import type { TFunction } from 'i18next';
import type { DeliveryStatus } from './api';

export type EventType = (typeof EVENT_TYPES_LIST)[number];
export type EventPattern = (typeof EVENT_PATTERNS_LIST)[number];
export type GroupPattern = 'order.*' | 'mailpiece.*';

// Each event type of the event log (contracts/src/tracking-events.ts) in words.
export const EVENT_LABEL = {
  'order.submitted': 'webhooks.events.order_submitted',
  'order.accepted': 'webhooks.events.order_accepted',
  'order.refused': 'webhooks.events.order_refused',
  'order.cancelled': 'webhooks.events.order_cancelled',
  'order.in_production': 'webhooks.events.order_in_production',
  'order.completed': 'webhooks.events.order_completed',
  'mailpiece.printed': 'webhooks.events.mailpiece_printed',
  'mailpiece.inserted': 'webhooks.events.mailpiece_inserted',
  'mailpiece.franked': 'webhooks.events.mailpiece_franked',
  'mailpiece.deposited': 'webhooks.events.mailpiece_deposited',
  'mailpiece.reprinted': 'webhooks.events.mailpiece_reprinted',
  'mailpiece.notified': 'webhooks.events.mailpiece_notified',
  'mailpiece.opened': 'webhooks.events.mailpiece_opened',
  'mailpiece.accepted': 'webhooks.events.mailpiece_accepted',
  'mailpiece.refused': 'webhooks.events.mailpiece_refused',
  'mailpiece.expired': 'webhooks.events.mailpiece_expired',
  'mailpiece.fallback_paper': 'webhooks.events.mailpiece_fallback_paper',
  'mailpiece.postal_event': 'webhooks.events.mailpiece_postal_event',
  'mailpiece.delivered': 'webhooks.events.mailpiece_delivered',
  'mailpiece.returned': 'webhooks.events.mailpiece_returned',
  'mailpiece.ar_received': 'webhooks.events.mailpiece_ar_received',
} as const satisfies Record<EventType, string>;

const PATTERN_LABEL = {
  '*': 'webhooks.events.all',
  'order.*': 'webhooks.events.allOrders',
  'mailpiece.*': 'webhooks.events.allMailpieces',
} as const satisfies Record<Exclude<EventPattern, EventType>, string>;

const LABELS: Record<string, (typeof EVENT_LABEL)[EventType] | (typeof PATTERN_LABEL)[keyof typeof PATTERN_LABEL]> = {
  ...EVENT_LABEL,
  ...PATTERN_LABEL,
};

/** An event type or pattern in words; one this page does not know yet is shown as the API gives it. */
export function eventLabel(t: TFunction, value: string): string {
  const key = Object.hasOwn(LABELS, value) ? LABELS[value] : undefined;
  return key ? t(key) : value;
}

/** A webhook's events in words, widest first (`*`, the groups, then the types as the API lists them). */
export function eventsLabel(t: TFunction, events: readonly string[]): string {
  const rank = (e: string) => {
    const i = (EVENT_PATTERNS_LIST as readonly string[]).indexOf(e);
    return i === -1 ? EVENT_PATTERNS_LIST.length : i;
  };
  return [...events]
    .sort((a, b) => rank(a) - rank(b))
    .map((e) => eventLabel(t, e))
    .join(', ');
}

export const DELIVERY_STATUS = {
  pending: { label: 'webhooks.log.status.pending', color: 'yellow' },
  delivered: { label: 'webhooks.log.status.delivered', color: 'green' },
  failed: { label: 'webhooks.log.status.failed', color: 'red' },
} as const satisfies Record<DeliveryStatus, { label: string; color: string }>;
