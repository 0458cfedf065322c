import { describe, expect, it } from 'vitest';
import { orderRollup, scanBatch, scanMailpiece, type BatchStatus, type FloorStep, type MailpieceStatus } from './floor-status.js';

describe('scanning a mailpiece', () => {
  const table: Array<[MailpieceStatus, FloorStep, ReturnType<typeof scanMailpiece>]> = [
    ['pending', 'printed', { ok: true }],
    ['printed', 'inserted', { ok: true }],
    ['inserted', 'franked', { ok: true }],
    ['franked', 'deposited', { ok: true }],
    ['printed', 'printed', { ok: false, reason: 'repeated' }],
    ['deposited', 'deposited', { ok: false, reason: 'repeated' }],
    ['pending', 'inserted', { ok: false, reason: 'too_early', expected: 'printed' }],
    ['printed', 'deposited', { ok: false, reason: 'too_early', expected: 'inserted' }],
    ['inserted', 'printed', { ok: false, reason: 'already_past' }],
    ['deposited', 'franked', { ok: false, reason: 'already_past' }],
    ['delivered', 'deposited', { ok: false, reason: 'already_past' }],
    ['returned', 'printed', { ok: false, reason: 'already_past' }],
  ];
  it.each(table)('%s scanned as %s', (from, step, verdict) => expect(scanMailpiece(from, step)).toEqual(verdict));
});

describe('scanning a batch', () => {
  const table: Array<[BatchStatus, FloorStep, ReturnType<typeof scanBatch>]> = [
    ['ready_to_print', 'printed', { ok: true }],
    ['printed', 'inserted', { ok: true }],
    ['inserted', 'franked', { ok: true }],
    ['franked', 'deposited', { ok: true }],
    ['building', 'printed', { ok: false, reason: 'not_ready' }],
    ['printed', 'printed', { ok: false, reason: 'repeated' }],
    ['ready_to_print', 'inserted', { ok: false, reason: 'too_early', expected: 'printed' }],
    ['printed', 'deposited', { ok: false, reason: 'too_early', expected: 'inserted' }],
    ['deposited', 'printed', { ok: false, reason: 'already_past' }],
    ['franked', 'inserted', { ok: false, reason: 'already_past' }],
  ];
  it.each(table)('%s scanned as %s', (from, step, verdict) => expect(scanBatch(from, step)).toEqual(verdict));
});

describe('an order rolls up from its mailpieces', () => {
  const table: Array<[string, MailpieceStatus[], ReturnType<typeof orderRollup>]> = [
    ['accepted', ['pending', 'pending'], null],
    ['accepted', ['printed', 'pending'], 'start_production'],
    ['in_production', ['deposited', 'franked'], null],
    ['in_production', ['deposited', 'deposited'], 'complete'],
    ['in_production', ['deposited', 'returned', 'delivered', 'ar_received'], 'complete'],
    ['submitted', ['printed'], null],
    ['refused', ['pending'], null],
    ['completed', ['deposited'], null],
  ];
  it.each(table)('%s with %j → %s', (status, mps, action) => expect(orderRollup(status, mps)).toBe(action));
});
