import { describe, expect, it } from 'vitest';
import { depositSlip, type DepositLine } from './deposit.js';

describe('deposit slip', () => {
  it('counts per class and weight step, totals the postage, lists the registered numbers', () => {
    const lines: DepositLine[] = [
      { mailClass: 'priority', postageStep: '100g', postageCents: 296, trackingNumber: null },
      { mailClass: 'priority', postageStep: '20g', postageCents: 152, trackingNumber: null },
      { mailClass: 'priority', postageStep: '20g', postageCents: 152, trackingNumber: null },
      { mailClass: 'registered', postageStep: '20g', postageCents: 658, trackingNumber: '1E00000000020' },
      { mailClass: 'registered', postageStep: '20g', postageCents: 658, trackingNumber: '1E00000000012' },
    ];
    expect(depositSlip(lines)).toEqual({
      classes: [
        { mailClass: 'priority', steps: [{ step: '20g', count: 2, postageCents: 304 }, { step: '100g', count: 1, postageCents: 296 }], count: 3, postageCents: 600, registeredNumbers: [] },
        { mailClass: 'registered', steps: [{ step: '20g', count: 2, postageCents: 1316 }], count: 2, postageCents: 1316, registeredNumbers: ['1E00000000012', '1E00000000020'] },
      ],
      count: 5,
      postageCents: 1916,
    });
  });

  it('an empty batch has an empty slip', () => expect(depositSlip([])).toEqual({ classes: [], count: 0, postageCents: 0 }));
});
