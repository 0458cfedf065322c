import { describe, expect, it } from 'vitest';
import { isEditable, nextStatus, ORDER_STATUSES, type OrderAction, type OrderStatus } from './order-status.js';

describe('order transitions', () => {
  const table: Array<[OrderStatus, OrderAction, OrderStatus | null]> = [
    ['draft', 'submit', 'submitted'],
    ['submitted', 'submit', null],
    ['submitted', 'cancel', 'cancelled'],
    ['draft', 'cancel', null],
    ['accepted', 'cancel', null], // firm, final, irrevocable (M-1.1)
    ['in_production', 'cancel', null],
    ['submitted', 'accept', 'accepted'],
    ['submitted', 'refuse', 'refused'],
    ['accepted', 'refuse', null],
    ['accepted', 'start_production', 'in_production'],
    ['in_production', 'complete', 'completed'],
    ['cancelled', 'accept', null],
  ];
  it.each(table)('%s --%s--> %s', (from, action, to) => expect(nextStatus(from, action)).toBe(to));

  it('only drafts are editable', () => {
    expect(ORDER_STATUSES.filter(isEditable)).toEqual(['draft']);
  });
});
