import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { restoredBuiltIns } from './pdfjs-module.js';

// Another realm's Function.prototype.toString: this realm's might be the one replaced.
const nativeSource = vm.runInNewContext('Function.prototype.toString') as (this: unknown) => string;
const isNative = (fn: unknown) => typeof fn === 'function' && /\{\s*\[native code\]\s*\}$/.test(nativeSource.call(fn));

describe('loading pdf.js', () => {
  it('leaves the process its own JSON, Array.prototype.push and Function.prototype.toString', () => {
    for (const fn of [JSON.stringify, JSON.parse, Array.prototype.push, Function.prototype.toString, Promise.prototype.then, Object.assign]) {
      expect(isNative(fn), fn.name).toBe(true);
    }
  });

  it('put back what it replaced, and kept what it added for Node 20', () => {
    // On Node 20 the legacy build replaces these; on newer Node it may replace nothing.
    if (process.versions.node.startsWith('20.')) expect(restoredBuiltIns).toEqual(expect.arrayContaining(['JSON.stringify', 'JSON.parse', 'Array.prototype.push']));
    expect(typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers).toBe('function');
  });
});
