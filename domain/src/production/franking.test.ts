import { describe, expect, it } from 'vitest';
import { frankingCents } from './franking.js';

const lines = [
  { code: 'print_bw', unit_cents: 12 },
  { code: 'postage_priority_20g', unit_cents: 152 },
  { code: 'postage_priority_100g', unit_cents: 296 },
  { code: 'postage_registered_20g', unit_cents: 152 },
  { code: 'registered_r2', unit_cents: 506 },
  { code: 'acknowledgement', unit_cents: 135 },
];

describe('franking a mailpiece at its quoted prices', () => {
  it.each([
    ['priority 20 g', { mailClass: 'priority', postageStep: '20g', registeredLevel: null, acknowledgement: false }, 152],
    ['priority 100 g', { mailClass: 'priority', postageStep: '100g', registeredLevel: null, acknowledgement: false }, 296],
    ['registered R2', { mailClass: 'registered', postageStep: '20g', registeredLevel: 'R2', acknowledgement: false }, 658],
    ['registered R2 with AR', { mailClass: 'registered', postageStep: '20g', registeredLevel: 'R2', acknowledgement: true }, 793],
  ] as const)('%s', (_name, mp, cents) => expect(frankingCents(lines, mp)).toBe(cents));

  it('refuses a step the quote does not price', () => {
    expect(() => frankingCents(lines, { mailClass: 'priority', postageStep: '250g', registeredLevel: null, acknowledgement: false })).toThrow(/postage_priority_250g/);
  });
});
