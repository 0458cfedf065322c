import { describe, expect, it } from 'vitest';
import {
  approvableFrom,
  extendRetention,
  nextArchiveStatus,
  refuseApproval,
  refuseProposal,
  retainUntil,
  type ArchiveAction,
  type ArchiveState,
  type ArchiveStatus,
} from './retention.js';

const at = (s: string) => new Date(s);

describe('retention end', () => {
  it.each([
    ['2026-12-07T10:00:00Z', 1, '2027-12-07T10:00:00.000Z'],
    ['2026-12-07T10:00:00Z', 30, '2056-12-07T10:00:00.000Z'],
    // A leap day's deposit is kept until 1 March: never a day short of the full term.
    ['2028-02-29T08:00:00Z', 1, '2029-03-01T08:00:00.000Z'],
    ['2028-02-29T08:00:00Z', 4, '2032-02-29T08:00:00.000Z'],
  ])('deposited %s for %i years: until %s', (from, years, until) => expect(retainUntil(at(from), years).toISOString()).toBe(until));
});

describe('archive transitions', () => {
  const table: Array<[ArchiveStatus, ArchiveAction, ArchiveStatus | null]> = [
    ['kept', 'propose_destruction', 'destruction_proposed'],
    ['kept', 'approve_destruction', null],
    ['destruction_proposed', 'approve_destruction', 'destroyed'],
    ['destruction_proposed', 'cancel_destruction', 'kept'],
    ['destruction_proposed', 'propose_destruction', null],
    ['destroyed', 'propose_destruction', null],
    ['destroyed', 'cancel_destruction', null],
  ];
  it.each(table)('%s --%s--> %s', (from, action, to) => expect(nextArchiveStatus(from, action)).toBe(to));
});

describe('destruction', () => {
  const until = at('2027-12-07T10:00:00Z');
  const kept: ArchiveState = { status: 'kept', retainUntil: until, legalHold: null, destructionProposedAt: null };
  const proposedAt = at('2027-12-08T00:00:00Z');
  const proposed: ArchiveState = { ...kept, status: 'destruction_proposed', destructionProposedAt: proposedAt };

  it.each([
    ['before the end of its retention', kept, at('2027-12-07T09:59:59Z'), { kind: 'retained', until }],
    ['under a legal hold', { ...kept, legalHold: 'litige prud’homal' }, at('2028-01-01T00:00:00Z'), { kind: 'legal_hold', reason: 'litige prud’homal' }],
    ['destroyed already', { ...kept, status: 'destroyed' as const }, at('2028-01-01T00:00:00Z'), { kind: 'destroyed' }],
    ['at the very end of its retention', kept, until, null],
  ])('a proposal %s', (_what, item, now, refusal) => expect(refuseProposal(item, now)).toEqual(refusal));

  it.each([
    ['before the waiting period ends', proposed, at('2028-01-06T23:59:59Z'), { kind: 'waiting', until: approvableFrom(proposedAt) }],
    ['once the waiting period ends', proposed, approvableFrom(proposedAt), null],
    ['without a proposal', kept, at('2029-01-01T00:00:00Z'), { kind: 'not_proposed' }],
    ['under a legal hold set since the proposal', { ...proposed, legalHold: 'contrôle fiscal' }, at('2029-01-01T00:00:00Z'), { kind: 'legal_hold', reason: 'contrôle fiscal' }],
  ])('an approval %s', (_what, item, now, refusal) => expect(refuseApproval(item, now)).toEqual(refusal));

  it('waits 30 days between proposal and approval', () => expect(approvableFrom(proposedAt).toISOString()).toBe('2028-01-07T00:00:00.000Z'));
});

describe('extending a retention', () => {
  const depositedAt = at('2026-12-07T10:00:00Z');
  const item = { status: 'kept' as const, depositedAt, retainUntil: retainUntil(depositedAt, 5), legalHold: null, destructionProposedAt: null };
  it.each([
    [10, { until: at('2036-12-07T10:00:00Z') }],
    [30, { until: at('2056-12-07T10:00:00Z') }],
    [5, { kind: 'shorter', until: at('2031-12-07T10:00:00Z') }],
    [1, { kind: 'shorter', until: at('2031-12-07T10:00:00Z') }],
  ])('to %i years: %o', (years, outcome) => expect(extendRetention(item, years)).toEqual(outcome));
  it('never once destroyed', () => expect(extendRetention({ ...item, status: 'destroyed' }, 30)).toEqual({ kind: 'destroyed' }));
});
