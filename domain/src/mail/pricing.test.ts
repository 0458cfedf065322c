import { describe, expect, it } from 'vitest';
import { mailpieceSheets, mailpieceWeightMg } from './paper.js';
import { postageStep } from './postage.js';
import { DEFAULT_PRODUCTION_RULES } from './production-rules.js';
import {
  DEFAULT_ELETTER_PRICES,
  DEFAULT_TARIFF,
  quote,
  tariffOn,
  vatOf,
  type OrderSummary,
  type Quote,
  type QuoteMailpiece,
  type Tariff,
} from './pricing.js';

/** Every quote must add up to the cent, whatever it holds. */
function expectConsistent(q: Quote): void {
  for (const line of q.lines) expect(line.total_cents).toBe(line.quantity * line.unit_cents);
  expect(q.lines.reduce((s, l) => s + l.total_cents, 0)).toBe(q.total_excl_vat_cents);
  expect(q.vat.reduce((s, v) => s + v.base_cents, 0)).toBe(q.total_excl_vat_cents);
  for (const v of q.vat) {
    expect(v.base_cents).toBe(q.lines.filter((l) => l.vat_rate_bp === v.rate_bp).reduce((s, l) => s + l.total_cents, 0));
  }
  expect(q.vat.reduce((s, v) => s + v.vat_cents, 0)).toBe(q.vat_cents);
  expect(q.total_cents).toBe(q.total_excl_vat_cents + q.vat_cents);
  expect(new Set(q.lines.map((l) => `${l.code} ${l.unit_cents}`)).size).toBe(q.lines.length);
}

const summary = (lines: Quote['lines']) => lines.map((l) => [l.code, l.quantity, l.unit_cents, l.vat_rate_bp, l.total_cents]);

const letter = (over: Partial<QuoteMailpiece> = {}): QuoteMailpiece => ({
  sheets: 2,
  printedPages: 2,
  color: 'bw',
  envelope: 'C5/6',
  carrierSheet: false,
  backgroundPages: 0,
  mailClass: 'priority',
  postageStep: '20g',
  registeredLevel: null,
  acknowledgement: false,
  ...over,
});

describe('vatOf', () => {
  it.each([
    [0, 2000, 0],
    [1, 2000, 0], // 0.2
    [2, 2000, 0], // 0.4
    [3, 2000, 1], // 0.6
    [58, 2000, 12], // 11.6
    [100, 550, 6], // 5.5: half goes up
    [90, 550, 5], // 4.95
    [10, 550, 1], // 0.55
    [9, 550, 0], // 0.495
    [152, 0, 0],
    [99_999_999_999, 2000, 20_000_000_000], // 19 999 999 999.8, no float drift
  ])('VAT on %i cents at %i bp = %i', (base, rate, vat) => {
    expect(vatOf(base, rate)).toBe(vat);
  });
});

describe('tariffOn', () => {
  const t2025: Tariff = { ...DEFAULT_TARIFF, effectiveFrom: '2025-01-01' };
  const t2026: Tariff = { ...DEFAULT_TARIFF, effectiveFrom: '2026-01-01' };
  const tJuly: Tariff = { ...DEFAULT_TARIFF, effectiveFrom: '2026-07-01' };
  const tariffs = [tJuly, t2025, t2026]; // order does not matter

  it.each<[string, Tariff | null]>([
    ['2024-12-31', null],
    ['2025-01-01', t2025],
    ['2025-12-31', t2025],
    ['2026-01-01', t2026],
    ['2026-06-30', t2026],
    ['2026-07-01', tJuly],
    ['2030-01-01', tJuly],
  ])('on %s', (date, expected) => {
    expect(tariffOn(tariffs, date)).toBe(expected);
  });

  it('has nothing to offer with no tariffs', () => {
    expect(tariffOn([], '2026-01-01')).toBeNull();
  });

  it('refuses two tariffs from the same day, whatever the order, when one of them is in force', () => {
    expect(() => tariffOn([t2026, { ...t2026 }], '2026-03-01')).toThrow(RangeError);
    expect(() => tariffOn([t2026, tJuly, { ...t2026 }], '2026-03-01')).toThrow(RangeError);
    // Superseded duplicates do not matter once a later tariff is in force.
    expect(tariffOn([t2026, tJuly, { ...t2026 }], '2026-08-01')).toBe(tJuly);
  });

  it('refuses a malformed date', () => {
    expect(() => tariffOn(tariffs, '2026-13-01')).toThrow(RangeError);
  });
});

describe('quote', () => {
  it('one letter: 2 pages, black and white, C5/6, priority', () => {
    const q = quote({ mailpieces: [letter()] }, DEFAULT_TARIFF);
    expect(summary(q.lines)).toEqual([
      ['print_bw', 2, 9, 2000, 18],
      ['sheet', 2, 5, 2000, 10],
      ['insertion_c5_6', 1, 30, 2000, 30],
      ['postage_priority_20g', 1, 152, 0, 152],
    ]);
    expect(q.lines[3]).toMatchObject({ label_en: 'Postage, priority, up to 20 g', label_fr: 'Affranchissement prioritaire, jusqu’à 20 g' });
    // 58 cents of services: 11.6 cents of VAT, rounded once to 12.
    expect(q.vat).toEqual([
      { rate_bp: 2000, base_cents: 58, vat_cents: 12 },
      { rate_bp: 0, base_cents: 152, vat_cents: 0 },
    ]);
    expect(q).toMatchObject({ total_excl_vat_cents: 210, vat_cents: 12, total_cents: 222, currency: 'EUR' });
    expectConsistent(q);
  });

  it('100 letters to recipients: 3 pages duplex plus a carrier sheet, at exactly 19.97 g', () => {
    const sheets = mailpieceSheets({ documentPages: [3], sides: 'duplex', carrierSheet: true }, DEFAULT_PRODUCTION_RULES);
    const weight = mailpieceWeightMg({ sheets, envelope: 'C5/6', registered: false, acknowledgement: false }, DEFAULT_PRODUCTION_RULES);
    const step = postageStep(weight, DEFAULT_PRODUCTION_RULES.postageStepsMg);
    expect([sheets, weight, step?.label]).toEqual([3, 19_970, '20g']);
    const mailpiece = letter({ sheets, printedPages: 3, carrierSheet: true, postageStep: step?.label ?? '' });
    const q = quote({ mailpieces: Array.from({ length: 100 }, () => mailpiece) }, DEFAULT_TARIFF);
    expect(summary(q.lines)).toEqual([
      ['print_bw', 300, 9, 2000, 2_700],
      ['sheet', 300, 5, 2000, 1_500],
      ['insertion_c5_6', 100, 30, 2000, 3_000],
      ['carrier_sheet', 100, 20, 2000, 2_000],
      ['postage_priority_20g', 100, 152, 0, 15_200],
    ]);
    expect(q).toMatchObject({ total_excl_vat_cents: 24_400, vat_cents: 1_840, total_cents: 26_240 });
    expectConsistent(q);
  });

  it('rounds VAT once on the base, not per letter', () => {
    // 3 letters of 1 page: 3 × (9 + 5 + 30) = 132 cents of services → 26.4 → 26.
    // Rounded per letter it would be 3 × round(8.8) = 27.
    const q = quote({ mailpieces: [1, 2, 3].map(() => letter({ sheets: 1, printedPages: 1 })) }, DEFAULT_TARIFF);
    expect(q.vat[0]).toEqual({ rate_bp: 2000, base_cents: 132, vat_cents: 26 });
    expectConsistent(q);
  });

  it('registered R2 with acknowledgement, address on a carrier sheet', () => {
    const q = quote(
      {
        mailpieces: [
          letter({ sheets: 2, printedPages: 1, carrierSheet: true, mailClass: 'registered', registeredLevel: 'R2', acknowledgement: true }),
        ],
      },
      DEFAULT_TARIFF,
    );
    expect(summary(q.lines)).toEqual([
      ['print_bw', 1, 9, 2000, 9],
      ['sheet', 2, 5, 2000, 10],
      ['insertion_c5_6', 1, 30, 2000, 30],
      ['carrier_sheet', 1, 20, 2000, 20],
      ['registered_r2', 1, 520, 0, 520],
      ['acknowledgement', 1, 135, 0, 135],
      ['postage_registered_20g', 1, 152, 0, 152],
    ]);
    expect(q).toMatchObject({ total_excl_vat_cents: 876, vat_cents: 14, total_cents: 890 });
    expectConsistent(q);
  });

  it('colour duplex with a background on every page, C5', () => {
    const q = quote(
      { mailpieces: [letter({ sheets: 2, printedPages: 4, color: 'color', backgroundPages: 4, envelope: 'C5' })] },
      DEFAULT_TARIFF,
    );
    expect(summary(q.lines)).toEqual([
      ['print_color', 4, 35, 2000, 140],
      ['sheet', 2, 5, 2000, 10],
      ['insertion_c5', 1, 40, 2000, 40],
      ['background_page', 4, 4, 2000, 16],
      ['postage_priority_20g', 1, 152, 0, 152],
    ]);
    // 206 cents of services → 41.2 → 41.
    expect(q).toMatchObject({ total_excl_vat_cents: 358, vat_cents: 41, total_cents: 399 });
    expectConsistent(q);
  });

  it('ten non-priority letters of 6 pages, C5, in the 100 g step', () => {
    const weight = mailpieceWeightMg({ sheets: 6, envelope: 'C5', registered: false, acknowledgement: false }, DEFAULT_PRODUCTION_RULES);
    expect(postageStep(weight, DEFAULT_PRODUCTION_RULES.postageStepsMg)?.label).toBe('100g');
    const mailpiece = letter({ sheets: 6, printedPages: 6, envelope: 'C5', mailClass: 'non_priority', postageStep: '100g' });
    const q = quote({ mailpieces: Array.from({ length: 10 }, () => mailpiece) }, DEFAULT_TARIFF);
    expect(summary(q.lines)).toEqual([
      ['print_bw', 60, 9, 2000, 540],
      ['sheet', 60, 5, 2000, 300],
      ['insertion_c5', 10, 40, 2000, 400],
      ['postage_non_priority_100g', 10, 278, 0, 2_780],
    ]);
    expect(q).toMatchObject({ total_excl_vat_cents: 4_020, vat_cents: 248, total_cents: 4_268 });
    expectConsistent(q);
  });

  it('groups mixed letters by kind and price, in a fixed order', () => {
    const q = quote(
      {
        mailpieces: [
          letter({ postageStep: '100g', envelope: 'C4' }),
          letter(),
          letter({ mailClass: 'registered', registeredLevel: 'R1' }),
          letter({ color: 'color' }),
          letter({ mailClass: 'registered', registeredLevel: 'R3', acknowledgement: true }),
        ],
      },
      DEFAULT_TARIFF,
    );
    expect(q.lines.map((l) => `${l.code}×${l.quantity}`)).toEqual([
      'print_bw×8',
      'print_color×2',
      'sheet×10',
      'insertion_c5_6×4',
      'insertion_c4×1',
      'registered_r1×1',
      'registered_r3×1',
      'acknowledgement×1',
      'postage_priority_20g×2',
      'postage_priority_100g×1',
      'postage_registered_20g×2',
    ]);
    expectConsistent(q);
  });

  it.each<[string, OrderSummary['archive'], Array<[string, number, number]>, number]>([
    ['electronic, 10 years, 3 documents', { type: 'electronic', retentionYears: 10, documents: 3 }, [['archive_electronic', 30, 600]], 120],
    ['electronic, 1 year', { type: 'electronic', retentionYears: 1, documents: 1 }, [['archive_electronic', 1, 20]], 4],
    ['electronic, 30 years', { type: 'electronic', retentionYears: 30, documents: 2 }, [['archive_electronic', 60, 1_200]], 240],
    ['simple, 1 year, 5 documents', { type: 'simple', retentionYears: 1, documents: 5 }, [['archive_simple', 5, 25]], 5],
    ['none', { type: 'none', retentionYears: 0, documents: 5 }, [], 0],
    ['no documents', { type: 'electronic', retentionYears: 5, documents: 0 }, [], 0],
  ])('archive: %s', (_label, archive, expected, vat) => {
    const q = quote({ mailpieces: [], archive }, DEFAULT_TARIFF);
    expect(q.lines.map((l) => [l.code, l.quantity, l.total_cents])).toEqual(expected);
    expect(q.vat_cents).toBe(vat);
    expectConsistent(q);
  });

  it('puts the archive line after postage, with its labels', () => {
    const q = quote({ mailpieces: [letter()], archive: { type: 'electronic', retentionYears: 10, documents: 1 } }, DEFAULT_TARIFF);
    expect(q.lines.at(-1)).toEqual({
      code: 'archive_electronic',
      label_en: 'Electronic archive (per document and year)',
      label_fr: 'Archivage électronique (par document et par an)',
      quantity: 10,
      unit_cents: 20,
      vat_rate_bp: 2000,
      total_cents: 200,
    });
    expectConsistent(q);
  });

  it('quotes nothing for an empty order', () => {
    expect(quote({ mailpieces: [] }, DEFAULT_TARIFF)).toEqual({
      lines: [],
      total_excl_vat_cents: 0,
      vat: [],
      vat_cents: 0,
      total_cents: 0,
      currency: 'EUR',
    });
  });

  it('reads prices and VAT from the tariff it is given', () => {
    const tariff: Tariff = {
      ...DEFAULT_TARIFF,
      lines: { ...DEFAULT_TARIFF.lines, printPageBw: 11 },
      vat: { services: 550, postage: 0 },
      vatCategory: { ...DEFAULT_TARIFF.vatCategory, registered: 'services' },
    };
    const q = quote({ mailpieces: [letter({ mailClass: 'registered', registeredLevel: 'R1' })] }, tariff);
    expect(q.lines.find((l) => l.code === 'print_bw')?.unit_cents).toBe(11);
    // services: 22 + 10 + 30 + 420 = 482 at 5.5 % = 26.51 → 27
    expect(q.vat).toEqual([
      { rate_bp: 550, base_cents: 482, vat_cents: 27 },
      { rate_bp: 0, base_cents: 152, vat_cents: 0 },
    ]);
    expectConsistent(q);
  });

  it.each<[string, OrderSummary, RegExp]>([
    ['a step the tariff lacks', { mailpieces: [letter({ mailClass: 'non_priority', postageStep: '500g' })] }, /no non_priority postage for the 500g step/],
    ['registered without a level', { mailpieces: [letter({ mailClass: 'registered' })] }, /needs a level/],
    ['a level without registered mail', { mailpieces: [letter({ registeredLevel: 'R1' })] }, /needs registered mail/],
    ['AR without registered mail', { mailpieces: [letter({ acknowledgement: true })] }, /needs registered mail/],
    ['more background pages than pages', { mailpieces: [letter({ backgroundPages: 3 })] }, /background pages/],
    ['a fraction of a sheet', { mailpieces: [letter({ sheets: 1.5 })] }, /whole number/],
    ['electronic archive for 2 years', { mailpieces: [], archive: { type: 'electronic', retentionYears: 2, documents: 1 } }, /1, 3, 5, 10, 30/],
  ])('refuses %s', (_label, order, message) => {
    expect(() => quote(order, DEFAULT_TARIFF)).toThrow(message);
  });

  it('refuses a tariff with a fractional price', () => {
    const tariff: Tariff = { ...DEFAULT_TARIFF, lines: { ...DEFAULT_TARIFF.lines, sheet: 4.5 } };
    expect(() => quote({ mailpieces: [letter()] }, tariff)).toThrow(/sheet unit price/);
  });
});

describe('e-letters in a quote', () => {
  it('prices each recipient by kind, as a service at the standard rate', () => {
    const q = quote({ mailpieces: [], eletters: { simple: 3, registered: 2 } }, DEFAULT_TARIFF);
    expect(q.lines.map((l) => [l.code, l.quantity, l.unit_cents, l.vat_rate_bp])).toEqual([
      ['eletter_simple', 3, 45, 2000],
      ['eletter_registered', 2, 390, 2000],
    ]);
    expect(q.total_cents).toBe(Math.round((3 * 45 + 2 * 390) * 1.2));
  });

  it('prices e-letters with a tariff written before they had a price (the default figures, the default VAT category)', () => {
    const { eletter: _none, ...lines } = DEFAULT_TARIFF.lines;
    const { eletter: _cat, ...vatCategory } = DEFAULT_TARIFF.vatCategory;
    const old = { ...DEFAULT_TARIFF, lines, vatCategory } as typeof DEFAULT_TARIFF;
    const q = quote({ mailpieces: [], eletters: { simple: 0, registered: 1 } }, old);
    expect(q.lines).toMatchObject([{ code: 'eletter_registered', quantity: 1, unit_cents: DEFAULT_ELETTER_PRICES.registered, vat_rate_bp: 2000 }]);
  });
});
