import { describe, expect, it } from 'vitest';
import { createBatchedLookup } from './batched-lookup.js';

describe('a batched lookup', () => {
  const recording = () => {
    const calls: string[][] = [];
    let fail = false;
    const lookup = createBatchedLookup<string, string>(async (keys) => {
      calls.push(keys);
      if (fail) throw new Error('the database went away');
      return new Map(keys.filter((k) => k !== 'unknown').map((k) => [k, `row of ${k}`]));
    });
    return { calls, lookup, failNext: (on: boolean) => (fail = on) };
  };

  it('reads the keys asked for in one turn with one query, each caller getting its own row', async () => {
    const { calls, lookup } = recording();
    const rows = await Promise.all([lookup('a'), lookup('b'), lookup('a'), lookup('unknown')]);
    expect(rows).toEqual(['row of a', 'row of b', 'row of a', undefined]);
    expect(calls).toEqual([['a', 'b', 'unknown']]);
  });

  it('a key asked for after a query was sent gets a query of its own, which sees later changes', async () => {
    const { calls, lookup } = recording();
    const first = lookup('a');
    await new Promise((r) => setImmediate(r));
    const second = lookup('a');
    expect(await first).toBe('row of a');
    expect(await second).toBe('row of a');
    expect(calls).toEqual([['a'], ['a']]);
  });

  it('a failed query fails the callers it served, and only them', async () => {
    const { lookup, failNext } = recording();
    failNext(true);
    const failed = Promise.all([lookup('a'), lookup('b')]);
    await expect(failed).rejects.toThrow('the database went away');
    failNext(false);
    expect(await lookup('a')).toBe('row of a');
  });
});
