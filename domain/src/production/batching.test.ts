import { describe, expect, it } from 'vitest';
import { assignToBatches, productionKey, type ProductionAttributes } from './batching.js';

const base: ProductionAttributes = { color: 'bw', sides: 'duplex', envelope: 'C5/6', mailClass: 'priority', registeredLevel: null, acknowledgement: false, background: false };

describe('production key: what changes the machine set-up', () => {
  it.each([
    ['colour', { color: 'color' }],
    ['sides', { sides: 'simplex' }],
    ['envelope', { envelope: 'C4' }],
    ['mail class', { mailClass: 'non_priority' }],
    ['background', { background: true }],
  ] as const)('%s splits batches', (_name, change) => expect(productionKey({ ...base, ...change })).not.toBe(productionKey(base)));

  it('registered level and AR split registered batches', () => {
    const r1 = productionKey({ ...base, mailClass: 'registered', registeredLevel: 'R1' });
    expect(productionKey({ ...base, mailClass: 'registered', registeredLevel: 'R2' })).not.toBe(r1);
    expect(productionKey({ ...base, mailClass: 'registered', registeredLevel: 'R1', acknowledgement: true })).not.toBe(r1);
  });
});

describe('assigning mailpieces to batches', () => {
  const mp = (id: string, key = 'A', sheets = 2) => ({ id, key, sheets });
  const limits = { maxMailpieces: 3, maxSheets: 100 };

  it('fills the open batch of the same key first, then opens a new one at the mailpiece limit', () => {
    const out = assignToBatches([mp('m1'), mp('m2'), mp('m3')], [{ id: 'bat_1', key: 'A', mailpieces: 1, sheets: 2 }], limits);
    expect(out).toEqual([
      { batch: 'bat_1', key: 'A', mailpieces: ['m1', 'm2'] },
      { batch: 'new:1', key: 'A', mailpieces: ['m3'] },
    ]);
  });

  it('keeps keys apart and the given order within a batch', () => {
    const out = assignToBatches([mp('m1', 'A'), mp('m2', 'B'), mp('m3', 'A')], [], limits);
    expect(out).toEqual([
      { batch: 'new:1', key: 'A', mailpieces: ['m1', 'm3'] },
      { batch: 'new:2', key: 'B', mailpieces: ['m2'] },
    ]);
  });

  it('closes at the sheet limit, exactly at the boundary', () => {
    const out = assignToBatches([mp('m1', 'A', 50), mp('m2', 'A', 50), mp('m3', 'A', 1)], [], limits);
    expect(out.map((b) => b.mailpieces)).toEqual([['m1', 'm2'], ['m3']]);
  });

  it('gives a mailpiece larger than the sheet limit a batch of its own', () => {
    const out = assignToBatches([mp('m1', 'A', 150), mp('m2', 'A', 1)], [], limits);
    expect(out.map((b) => b.mailpieces)).toEqual([['m1'], ['m2']]);
  });

  it('every mailpiece lands in exactly one batch', () => {
    const many = Array.from({ length: 50 }, (_, i) => mp(`m${i}`, i % 3 === 0 ? 'A' : 'B', 1 + (i % 7)));
    const ids = assignToBatches(many, [], { maxMailpieces: 7, maxSheets: 20 }).flatMap((b) => b.mailpieces);
    expect(ids.sort()).toEqual(many.map((m) => m.id).sort());
  });
});
