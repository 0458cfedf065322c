/** The event types a webhook can subscribe to, and the patterns that group them. */
export const EVENT_TYPES_LIST = [
  'order.submitted',
  'order.accepted',
  'order.refused',
  'order.cancelled',
  'order.in_production',
  'order.completed',
  'mailpiece.printed',
  'mailpiece.inserted',
  'mailpiece.franked',
  'mailpiece.deposited',
  'mailpiece.reprinted',
  // E-letters (M-4): one per recipient.
  'mailpiece.notified',
  'mailpiece.opened',
  'mailpiece.accepted',
  'mailpiece.refused',
  'mailpiece.expired',
  'mailpiece.fallback_paper',
  // After the handover (M-6.a): La Poste's tracking, the returns desk.
  'mailpiece.postal_event',
  'mailpiece.delivered',
  'mailpiece.returned',
  'mailpiece.ar_received',
] as const;
export const EVENT_PATTERNS_LIST = ['*', 'order.*', 'mailpiece.*', ...EVENT_TYPES_LIST] as const;

/** The order events a person may be told of by e-mail. */
export const NOTIFIABLE_EVENTS = ['order.accepted', 'order.refused', 'order.in_production', 'order.completed', 'mailpiece.returned', 'mailpiece.ar_received'] as const;
