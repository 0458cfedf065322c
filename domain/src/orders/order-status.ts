/**
 * The order's life (api.md status words, M-1.1): one transition table, every status change goes
 * through it (compare-and-set in the database, with an event).
 */
export const ORDER_STATUSES = ['draft', 'submitted', 'accepted', 'refused', 'cancelled', 'in_production', 'completed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type OrderAction = 'submit' | 'cancel' | 'accept' | 'refuse' | 'start_production' | 'complete';

export const ORDER_TRANSITIONS: Readonly<Record<OrderAction, { from: readonly OrderStatus[]; to: OrderStatus }>> = {
  // The user's final validation issues the order to the provider (M-3.2).
  submit: { from: ['draft'], to: 'submitted' },
  // Withdrawn whole, and only until the provider accepts it: accepted orders are firm (M-1.1).
  cancel: { from: ['submitted'], to: 'cancelled' },
  accept: { from: ['submitted'], to: 'accepted' },
  refuse: { from: ['submitted'], to: 'refused' },
  start_production: { from: ['accepted'], to: 'in_production' },
  complete: { from: ['in_production'], to: 'completed' },
};

export function nextStatus(current: OrderStatus, action: OrderAction): OrderStatus | null {
  const t = ORDER_TRANSITIONS[action];
  return t.from.includes(current) ? t.to : null;
}

/** Only drafts can be edited or deleted. */
export function isEditable(status: OrderStatus): boolean {
  return status === 'draft';
}
