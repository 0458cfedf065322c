/** Tariffs and quotes (spec §8 "Prices", §9). A tariff is data, effective-dated because prices
 * change every year; a quote is a pure function of an order summary and one tariff, so the
 * estimate shown before validation is, to the cent, what the invoice will say. */
import { versionOn } from './calendar.js';
import type { CivilDate } from './calendar.js';
import { ENVELOPE_TYPES } from './paper.js';
import type { EnvelopeType } from './paper.js';
import { MAIL_CLASS_NAMES } from './postage.js';
import type { MailClass } from './postage.js';

export const REGISTERED_LEVELS = ['R1', 'R2', 'R3'] as const;
export type RegisteredLevel = (typeof REGISTERED_LEVELS)[number];

export type Color = 'bw' | 'color';
export type ArchiveType = 'none' | 'simple' | 'electronic';

/** M-6.c: the retentions a client may choose for the electronic archive. */
export const ELECTRONIC_RETENTION_YEARS: readonly number[] = [1, 3, 5, 10, 30];

/** What a quote line is for; each kind falls under one VAT category. */
export const LINE_KINDS = [
  'print_bw',
  'print_color',
  'sheet',
  'insertion',
  'carrier_sheet',
  'background_page',
  'registered',
  'acknowledgement',
  'postage',
  'eletter',
  'archive',
] as const;
export type LineKind = (typeof LINE_KINDS)[number];

export type VatCategory = 'services' | 'postage';

/** Postage, the registered fee and the AR card are La Poste's prices passed through at cost
 * (its universal service is VAT-exempt, CGI art. 261-4-10°); everything Pli itself does is a
 * service at the standard rate. Per tariff, so a change in the law is a new tariff. */
export const DEFAULT_VAT_CATEGORY: Record<LineKind, VatCategory> = {
  print_bw: 'services',
  print_color: 'services',
  sheet: 'services',
  insertion: 'services',
  carrier_sheet: 'services',
  background_page: 'services',
  registered: 'postage',
  acknowledgement: 'postage',
  postage: 'postage',
  eletter: 'services',
  archive: 'services',
};

export interface Tariff {
  /** First day the tariff applies, inclusive. */
  effectiveFrom: CivilDate;
  currency: 'EUR';
  /** Unit prices in cents, excluding VAT. */
  lines: {
    /** Per printed page (a face), so duplex costs the same printing and fewer sheets. */
    printPageBw: number;
    printPageColor: number;
    /** Per sheet of paper in the envelope, the carrier sheet's included. */
    sheet: number;
    /** Per mailpiece, envelope included. */
    insertion: Record<EnvelopeType, number>;
    /** Per mailpiece whose address Pli prints: composing and printing the address page. */
    carrierSheet: number;
    /** Per page printed over a background (letterhead). */
    backgroundPage: number;
    /** Per registered mailpiece: the fee of its compensation level, on top of postage. */
    registered: Record<RegisteredLevel, number>;
    acknowledgement: number;
    /** Per mailpiece, by class then by step label ('20g' … '2kg'). */
    postage: Record<MailClass, Record<string, number>>;
    archivePerDocumentYear: { simple: number; electronic: number };
    /** Per e-letter (one recipient): notification, access, evidence. Tariffs written before
     * e-letters existed lack it: DEFAULT_ELETTER_PRICES then. */
    eletter?: { simple: number; registered: number };
  };
  /** Basis points: 2000 = 20 %. */
  vat: Record<VatCategory, number>;
  vatCategory: Record<LineKind, VatCategory>;
}

/** DEMO FIGURES: plausible for France in 2026 (postage in the range of La Poste's letter
 * prices) but neither La Poste's published prices nor any provider's. Each contract carries
 * its own tariff; this one lets a fresh install quote something sensible. */
export const DEFAULT_TARIFF: Tariff = {
  effectiveFrom: '2026-01-01',
  currency: 'EUR',
  lines: {
    printPageBw: 9,
    printPageColor: 35,
    sheet: 5,
    insertion: { 'C5/6': 30, C5: 40, C4: 85 },
    carrierSheet: 20,
    backgroundPage: 4,
    registered: { R1: 420, R2: 520, R3: 660 },
    acknowledgement: 135,
    postage: {
      priority: { '20g': 152, '100g': 304, '250g': 608, '500g': 836, '1kg': 1094, '2kg': 1368 },
      non_priority: { '20g': 139, '100g': 278, '250g': 556 },
      // Registered letters travel as priority letters; the level fee is its own line.
      registered: { '20g': 152, '100g': 304, '250g': 608, '500g': 836, '1kg': 1094, '2kg': 1368 },
    },
    archivePerDocumentYear: { simple: 5, electronic: 20 },
    eletter: { simple: 45, registered: 390 },
  },
  vat: { services: 2000, postage: 0 },
  vatCategory: DEFAULT_VAT_CATEGORY,
};

/** The tariff in force on a date: the latest effectiveFrom on or before it; null before the
 * first (calendar.versionOn). */
export function tariffOn(tariffs: readonly Tariff[], date: CivilDate): Tariff | null {
  return versionOn(tariffs, date);
}

export interface QuoteMailpiece {
  /** Every sheet in the envelope, the carrier sheet included (paper.mailpieceSheets). */
  sheets: number;
  /** Pages of the documents printed, on either face; the carrier sheet is not one of them. */
  printedPages: number;
  color: Color;
  envelope: EnvelopeType;
  carrierSheet: boolean;
  /** Printed pages that carry the background. */
  backgroundPages: number;
  mailClass: MailClass;
  /** The postage step label (postage.postageStep). */
  postageStep: string;
  /** Required with registered mail, absent otherwise. */
  registeredLevel?: RegisteredLevel | null;
  /** Only with registered mail. */
  acknowledgement: boolean;
}

export interface QuoteArchive {
  type: ArchiveType;
  /** Years billed now. Electronic: the retention chosen (1, 3, 5, 10 or 30). Simple: the
   * archive lasts as long as the contract, so the caller says how many years it bills. */
  retentionYears: number;
  documents: number;
}

/** DEMO FIGURES, as DEFAULT_TARIFF's: for tariffs made before e-letters had a price. */
export const DEFAULT_ELETTER_PRICES = { simple: 45, registered: 390 } as const;

export interface OrderSummary {
  mailpieces: readonly QuoteMailpiece[];
  /** E-letters by kind (one per recipient). */
  eletters?: { simple: number; registered: number };
  archive?: QuoteArchive | null;
}

export interface QuoteLine {
  code: string;
  label_en: string;
  label_fr: string;
  quantity: number;
  unit_cents: number;
  vat_rate_bp: number;
  total_cents: number;
}

export interface VatBreakdown {
  rate_bp: number;
  base_cents: number;
  vat_cents: number;
}

export interface Quote {
  lines: QuoteLine[];
  total_excl_vat_cents: number;
  vat: VatBreakdown[];
  vat_cents: number;
  total_cents: number;
  currency: 'EUR';
}

/** VAT on a base, rounded half-up to the cent with integer arithmetic only (bases are
 * non-negative cents, so half-up and half-away-from-zero agree). */
export function vatOf(baseCents: number, rateBp: number): number {
  const scaled = baseCents * rateBp + 5_000;
  return (scaled - (scaled % 10_000)) / 10_000;
}

const CLASS_LABELS: Record<MailClass, { en: string; fr: string }> = {
  priority: { en: 'priority', fr: 'prioritaire' },
  non_priority: { en: 'non-priority', fr: 'non prioritaire' },
  registered: { en: 'registered', fr: 'recommandé' },
};

function weightLabel(step: string): { en: string; fr: string } {
  const text = step.replace(/^(\d+)(k?g)$/, '$1 $2');
  return { en: `up to ${text}`, fr: `jusqu’à ${text}` };
}

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number of at least 0, got ${value}`);
  }
}

type SimpleKind = 'print_bw' | 'print_color' | 'sheet' | 'carrier_sheet' | 'background_page' | 'acknowledgement';

const SIMPLE_LABELS: Record<SimpleKind, { en: string; fr: string }> = {
  print_bw: { en: 'Printing, black and white (per page)', fr: 'Impression noir et blanc (par page)' },
  print_color: { en: 'Printing, colour (per page)', fr: 'Impression couleur (par page)' },
  sheet: { en: 'Paper (per sheet)', fr: 'Papier (par feuille)' },
  carrier_sheet: { en: 'Address carrier sheet', fr: 'Feuille porte-adresse' },
  background_page: { en: 'Background (per page)', fr: 'Fond de page (par page)' },
  acknowledgement: { en: 'Acknowledgement of receipt', fr: 'Avis de réception' },
};

function simple(kind: SimpleKind, unit_cents: number): PendingLine {
  const labels = SIMPLE_LABELS[kind];
  return { kind, rank: 0, code: kind, label_en: labels.en, label_fr: labels.fr, unit_cents };
}

interface PendingLine {
  kind: LineKind;
  /** Orders lines of one kind (envelope, level, class and step). */
  rank: number;
  code: string;
  label_en: string;
  label_fr: string;
  unit_cents: number;
}

/** A quote: one line per kind and unit price (quantity = how many), then VAT per rate.
 * VAT is computed once per rate on the sum of that rate's lines and rounded once: rounding
 * per line (or per letter) would make the VAT depend on how lines happen to be grouped and
 * differ by a few cents from the VAT an invoice states on each rate's base. Once per rate,
 * the quote and the invoice agree and total = excl. VAT + VAT exactly. */
export function quote(order: OrderSummary, tariff: Tariff): Quote {
  const prices = tariff.lines;
  const grouped = new Map<string, PendingLine & { quantity: number }>();
  const add = (line: PendingLine, quantity: number): void => {
    assertCount(line.code, quantity);
    // Tariffs are provider-edited data: a fractional price would break exact totals.
    assertCount(`${line.code} unit price`, line.unit_cents);
    if (quantity === 0) return;
    const key = `${line.code} ${line.unit_cents}`;
    const existing = grouped.get(key);
    if (existing) existing.quantity += quantity;
    else grouped.set(key, { ...line, quantity });
  };

  for (const [index, mp] of order.mailpieces.entries()) {
    const which = `mailpiece ${index + 1}`;
    if (mp.mailClass !== 'registered' && (mp.registeredLevel || mp.acknowledgement)) {
      throw new RangeError(`${which}: a registered level or an acknowledgement needs registered mail`);
    }
    if (mp.printedPages < mp.backgroundPages) {
      throw new RangeError(`${which}: more background pages than printed pages`);
    }

    if (mp.color === 'bw') add(simple('print_bw', prices.printPageBw), mp.printedPages);
    else add(simple('print_color', prices.printPageColor), mp.printedPages);
    add(simple('sheet', prices.sheet), mp.sheets);
    add(
      {
        kind: 'insertion',
        rank: ENVELOPE_TYPES.indexOf(mp.envelope),
        code: `insertion_${mp.envelope.replace('/', '_').toLowerCase()}`,
        label_en: `Insertion, ${mp.envelope} envelope`,
        label_fr: `Mise sous pli, enveloppe ${mp.envelope}`,
        unit_cents: prices.insertion[mp.envelope],
      },
      1,
    );
    if (mp.carrierSheet) add(simple('carrier_sheet', prices.carrierSheet), 1);
    add(simple('background_page', prices.backgroundPage), mp.backgroundPages);
    if (mp.mailClass === 'registered') {
      const level = mp.registeredLevel;
      if (!level) throw new RangeError(`${which}: registered mail needs a level (R1, R2 or R3)`);
      add(
        {
          kind: 'registered',
          rank: REGISTERED_LEVELS.indexOf(level),
          code: `registered_${level.toLowerCase()}`,
          label_en: `Registered mail, level ${level}`,
          label_fr: `Recommandé, niveau ${level}`,
          unit_cents: prices.registered[level],
        },
        1,
      );
      if (mp.acknowledgement) add(simple('acknowledgement', prices.acknowledgement), 1);
    }
    const steps = prices.postage[mp.mailClass];
    const postage = steps[mp.postageStep];
    if (postage === undefined) {
      throw new RangeError(`${which}: the tariff from ${tariff.effectiveFrom} has no ${mp.mailClass} postage for the ${mp.postageStep} step`);
    }
    const stepRank = Object.keys(steps).indexOf(mp.postageStep);
    const weight = weightLabel(mp.postageStep);
    const cls = CLASS_LABELS[mp.mailClass];
    add(
      {
        kind: 'postage',
        rank: MAIL_CLASS_NAMES.indexOf(mp.mailClass) * 100 + stepRank,
        code: `postage_${mp.mailClass}_${mp.postageStep}`,
        label_en: `Postage, ${cls.en}, ${weight.en}`,
        label_fr: `Affranchissement ${cls.fr}, ${weight.fr}`,
        unit_cents: postage,
      },
      1,
    );
  }

  const eletters = order.eletters;
  if (eletters) {
    const prices = tariff.lines.eletter ?? DEFAULT_ELETTER_PRICES;
    add({ kind: 'eletter', rank: 0, code: 'eletter_simple', label_en: 'Electronic letter', label_fr: 'Courrier électronique', unit_cents: prices.simple }, eletters.simple);
    add({ kind: 'eletter', rank: 1, code: 'eletter_registered', label_en: 'Registered electronic letter (with evidence)', label_fr: 'Lettre recommandée électronique (avec preuves)', unit_cents: prices.registered }, eletters.registered);
  }

  const archive = order.archive;
  if (archive && archive.type !== 'none') {
    assertCount('archive documents', archive.documents);
    assertCount('archive retention years', archive.retentionYears);
    if (archive.type === 'electronic' && !ELECTRONIC_RETENTION_YEARS.includes(archive.retentionYears)) {
      throw new RangeError(`Electronic archive retention must be one of ${ELECTRONIC_RETENTION_YEARS.join(', ')} years, got ${archive.retentionYears}`);
    }
    const electronic = archive.type === 'electronic';
    add(
      {
        kind: 'archive',
        rank: electronic ? 1 : 0,
        code: `archive_${archive.type}`,
        label_en: `${electronic ? 'Electronic' : 'Simple'} archive (per document and year)`,
        label_fr: `Archivage ${electronic ? 'électronique' : 'simple'} (par document et par an)`,
        unit_cents: prices.archivePerDocumentYear[archive.type],
      },
      archive.documents * archive.retentionYears,
    );
  }

  const lines: QuoteLine[] = [...grouped.values()]
    .sort((a, b) => LINE_KINDS.indexOf(a.kind) - LINE_KINDS.indexOf(b.kind) || a.rank - b.rank || a.unit_cents - b.unit_cents)
    .map((line) => ({
      code: line.code,
      label_en: line.label_en,
      label_fr: line.label_fr,
      quantity: line.quantity,
      unit_cents: line.unit_cents,
      // A tariff made before a kind of line existed has no category for it: the default's.
      vat_rate_bp: tariff.vat[tariff.vatCategory[line.kind] ?? DEFAULT_VAT_CATEGORY[line.kind]],
      total_cents: line.quantity * line.unit_cents,
    }));

  const bases = new Map<number, number>();
  for (const line of lines) bases.set(line.vat_rate_bp, (bases.get(line.vat_rate_bp) ?? 0) + line.total_cents);
  const vat: VatBreakdown[] = [...bases.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate_bp, base_cents]) => ({ rate_bp, base_cents, vat_cents: vatOf(base_cents, rate_bp) }));

  const total_excl_vat_cents = lines.reduce((sum, line) => sum + line.total_cents, 0);
  const vat_cents = vat.reduce((sum, entry) => sum + entry.vat_cents, 0);
  return { lines, total_excl_vat_cents, vat, vat_cents, total_cents: total_excl_vat_cents + vat_cents, currency: tariff.currency };
}
