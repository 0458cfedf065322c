import { describe, expect, it } from 'vitest';
import { allocate, checkDigit, isRegisteredNumber, registeredNumber } from './registered.js';

describe('registered numbers', () => {
  it.each([
    ['1E', 23206214, '1E00232062142'],
    ['1A', 0, '1A00000000000'],
    ['RA', 9_999_999_999, 'RA99999999990'],
  ])('%s + serial %i → %s (13 characters)', (prefix, serial, number) => {
    expect(registeredNumber(prefix, serial)).toBe(number);
    expect(number).toHaveLength(13);
    expect(isRegisteredNumber(number)).toBe(true);
  });

  it('the check digit catches a mistyped digit and swapped neighbours', () => {
    expect(isRegisteredNumber('1E00232062143')).toBe(false);
    expect(isRegisteredNumber('1E00232062412')).toBe(false);
    expect(checkDigit('0023206214')).toBe(2);
  });

  it.each([['1e'], ['E'], ['1E0'], ['É1']])('refuses the prefix %s', (prefix) => expect(() => registeredNumber(prefix, 1)).toThrow(RangeError));
  it.each([[-1], [10_000_000_000], [1.5]])('refuses the serial %s', (serial) => expect(() => registeredNumber('1E', serial)).toThrow(RangeError));

  it('allocates in order, each number once, and says how many are missing at the end of a range', () => {
    const range = { prefix: '1E', firstSerial: 100, lastSerial: 102, nextSerial: 101 };
    expect(allocate(range, 2)).toEqual({ numbers: [registeredNumber('1E', 101), registeredNumber('1E', 102)], nextSerial: 103 });
    expect(allocate(range, 3)).toEqual({ short: 1 });
    expect(allocate({ ...range, nextSerial: 103 }, 1)).toEqual({ short: 1 });
    expect(allocate(range, 0)).toEqual({ numbers: [], nextSerial: 101 });
  });
});
