// What the tariff page knows about a tariff: its lines in the order of the price list, which
// version is in force, and the form's text turned back into a tariff (cents and basis points,
// checked with the same rules as the server's) along with what changed from the base.
import {
  DEFAULT_TARIFF,
  ENVELOPE_TYPES,
  isCivilDate,
  REGISTERED_LEVELS,
  stepLabel,
  type LineKind,
  type MailClass,
  type ProductionRules,
  type VatCategory,
} from '#domain/mail/index.js';
import type { TFunction } from 'i18next';
import type { Tariff, TariffLines, TariffRecord } from './api';
import { basisPointsToText, centsToText, MAX_BASIS_POINTS, MAX_CENTS, parseEuros, parseRate } from './money';

/** What the server prices with when there is no tariff at all (orders.ts tariffFor). */
export const FALLBACK_TARIFF: Tariff = DEFAULT_TARIFF;

// ---- Lines -------------------------------------------------------------------------------

export type PriceGroup = 'printing' | 'insertion' | 'registered' | 'archive';

export const PRICE_GROUPS: readonly PriceGroup[] = ['printing', 'insertion', 'registered', 'archive'];

export const GROUP_LABEL = {
  printing: 'tariffs.groups.printing',
  insertion: 'tariffs.groups.insertion',
  registered: 'tariffs.groups.registered',
  archive: 'tariffs.groups.archive',
} as const satisfies Record<PriceGroup, string>;

/** One price of a tariff outside postage. */
export interface PriceLine {
  /** Its path under `lines` ('printPageBw', 'insertion.C5/6'): the field's key in the form. */
  key: string;
  group: PriceGroup;
  /** The line kind whose VAT category (the tariff's vatCategory) applies to it. */
  kind: LineKind;
  read: (lines: TariffLines) => number;
  label: (t: TFunction) => string;
}

export const PRICE_LINES: readonly PriceLine[] = [
  { key: 'printPageBw', group: 'printing', kind: 'print_bw', read: (l) => l.printPageBw, label: (t) => t('tariffs.lines.printPageBw') },
  { key: 'printPageColor', group: 'printing', kind: 'print_color', read: (l) => l.printPageColor, label: (t) => t('tariffs.lines.printPageColor') },
  { key: 'sheet', group: 'printing', kind: 'sheet', read: (l) => l.sheet, label: (t) => t('tariffs.lines.sheet') },
  { key: 'backgroundPage', group: 'printing', kind: 'background_page', read: (l) => l.backgroundPage, label: (t) => t('tariffs.lines.backgroundPage') },
  { key: 'carrierSheet', group: 'insertion', kind: 'carrier_sheet', read: (l) => l.carrierSheet, label: (t) => t('tariffs.lines.carrierSheet') },
  ...ENVELOPE_TYPES.map(
    (envelope): PriceLine => ({
      key: `insertion.${envelope}`,
      group: 'insertion',
      kind: 'insertion',
      read: (l) => l.insertion[envelope],
      label: (t) => t('tariffs.lines.insertion', { envelope }),
    }),
  ),
  ...REGISTERED_LEVELS.map(
    (level): PriceLine => ({
      key: `registered.${level}`,
      group: 'registered',
      kind: 'registered',
      read: (l) => l.registered[level],
      label: (t) => t('tariffs.lines.registered', { level }),
    }),
  ),
  { key: 'acknowledgement', group: 'registered', kind: 'acknowledgement', read: (l) => l.acknowledgement, label: (t) => t('tariffs.lines.acknowledgement') },
  { key: 'archivePerDocumentYear.simple', group: 'archive', kind: 'archive', read: (l) => l.archivePerDocumentYear.simple, label: (t) => t('tariffs.lines.archiveSimple') },
  {
    key: 'archivePerDocumentYear.electronic',
    group: 'archive',
    kind: 'archive',
    read: (l) => l.archivePerDocumentYear.electronic,
    label: (t) => t('tariffs.lines.archiveElectronic'),
  },
];

/** The VAT category of a line; a kind missing from the tariff counts as a service. */
export function vatCategoryOf(tariff: Tariff, kind: LineKind): VatCategory {
  return tariff.vatCategory[kind] ?? 'services';
}

// ---- Postage -----------------------------------------------------------------------------

/** The classes in the order of the price list. */
export const MAIL_CLASS_ORDER = ['priority', 'non_priority', 'registered'] as const satisfies readonly MailClass[];

export const CLASS_LABEL = {
  priority: 'tariffs.classes.priority',
  non_priority: 'tariffs.classes.non_priority',
  registered: 'tariffs.classes.registered',
} as const satisfies Record<MailClass, string>;

/** The steps a class must price under the production rules (the server refuses a tariff
 * without them): up to its weight limit. */
export function requiredSteps(mailClass: MailClass, rules: ProductionRules): string[] {
  return rules.postageStepsMg.filter((mg) => mg <= rules.classes[mailClass].maxMg).map(stepLabel);
}

function stepGrams(step: string): number {
  const match = /^(\d+)(k?)g$/.exec(step);
  return match ? Number(match[1]) * (match[2] ? 1000 : 1) : Number.MAX_SAFE_INTEGER;
}

/** The columns of the postage grid: the steps of the production rules and any other the
 * tariffs price, lightest first. */
export function postageSteps(rules: ProductionRules, ...tariffs: Tariff[]): string[] {
  const steps = new Set(rules.postageStepsMg.map(stepLabel));
  for (const tariff of tariffs) {
    for (const mailClass of MAIL_CLASS_ORDER) for (const step of Object.keys(tariff.lines.postage[mailClass])) steps.add(step);
  }
  return [...steps].sort((a, b) => stepGrams(a) - stepGrams(b));
}

/** '20g' → « 20 g », '1kg' → « 1 kg ». */
export function stepText(step: string): string {
  return step.replace(/^(\d+)(k?g)$/, '$1\u00a0$2');
}

export function postageKey(mailClass: MailClass, step: string): string {
  return `postage.${mailClass}.${step}`;
}

export function postageLabel(t: TFunction, mailClass: MailClass, step: string): string {
  const options = { step: stepText(step) };
  switch (mailClass) {
    case 'priority':
      return t('tariffs.lines.postage.priority', options);
    case 'non_priority':
      return t('tariffs.lines.postage.non_priority', options);
    case 'registered':
      return t('tariffs.lines.postage.registered', options);
  }
}

// ---- VAT ---------------------------------------------------------------------------------

export const VAT_CATEGORIES = ['services', 'postage'] as const satisfies readonly VatCategory[];

export const VAT_LABEL = {
  services: 'tariffs.vat.services',
  postage: 'tariffs.vat.postage',
} as const satisfies Record<VatCategory, string>;

const VAT_FIELD_LABEL = {
  services: 'tariffs.form.vatServices',
  postage: 'tariffs.form.vatPostage',
} as const satisfies Record<VatCategory, string>;

export function vatKey(category: VatCategory): string {
  return `vat.${category}`;
}

// ---- Versions ----------------------------------------------------------------------------

export type VersionState = 'in_force' | 'scheduled' | 'superseded';

export const VERSION_STATE = {
  in_force: { label: 'tariffs.state.inForce', color: 'green' },
  scheduled: { label: 'tariffs.state.scheduled', color: 'blue' },
  superseded: { label: 'tariffs.state.superseded', color: 'gray' },
} as const satisfies Record<VersionState, { label: string; color: string }>;

/** The version in force on a day: the latest starting on or before it (domain tariffOn). */
export function inForceOn(records: readonly TariffRecord[], day: string): TariffRecord | null {
  let best: TariffRecord | null = null;
  // ISO dates compare as strings.
  for (const record of records) if (record.effective_from <= day && (!best || record.effective_from > best.effective_from)) best = record;
  return best;
}

export function versionState(record: TariffRecord, inForce: TariffRecord | null, day: string): VersionState {
  if (record.id === inForce?.id) return 'in_force';
  return record.effective_from > day ? 'scheduled' : 'superseded';
}

export function newestFirst(records: readonly TariffRecord[]): TariffRecord[] {
  return [...records].sort((a, b) => (a.effective_from < b.effective_from ? 1 : a.effective_from > b.effective_from ? -1 : 0));
}

// ---- The form ----------------------------------------------------------------------------

/** The form as typed: the date, and every amount or rate as text, by field key. */
export interface Draft {
  effectiveFrom: string;
  values: Record<string, string>;
}

export type FieldProblem = 'required' | 'invalid' | 'tooLarge';

/** One field of the form read back: its value in the base and as typed. */
export interface Field {
  /** `printPageBw`, `postage.priority.20g`, `vat.services`: the server names it `tariff.lines.…` / `tariff.vat.…`. */
  key: string;
  unit: 'cents' | 'basisPoints';
  before: number | undefined;
  /** `undefined`: left blank (a step the class does not offer). */
  after: number | undefined;
  problem: FieldProblem | null;
  label: (t: TFunction) => string;
}

/** The server's name of a field of the form (problem+json `errors[].field`). */
export function serverField(key: string): string {
  return key.startsWith('vat.') ? `tariff.${key}` : `tariff.lines.${key}`;
}

/** The form prefilled from a tariff, amounts written in the interface language. */
export function draftFrom(base: Tariff, steps: readonly string[], effectiveFrom: string, language: string): Draft {
  const values: Record<string, string> = {};
  for (const line of PRICE_LINES) values[line.key] = centsToText(line.read(base.lines), language);
  for (const mailClass of MAIL_CLASS_ORDER) {
    for (const step of steps) {
      const cents = base.lines.postage[mailClass][step];
      values[postageKey(mailClass, step)] = cents === undefined ? '' : centsToText(cents, language);
    }
  }
  for (const category of VAT_CATEGORIES) values[vatKey(category)] = basisPointsToText(base.vat[category], language);
  return { effectiveFrom, values };
}

function readField(
  text: string | undefined,
  unit: Field['unit'],
  required: boolean,
): { after: number | undefined; problem: FieldProblem | null } {
  if (text === undefined || text.trim() === '') return { after: undefined, problem: required ? 'required' : null };
  const value = unit === 'cents' ? parseEuros(text) : parseRate(text);
  if (value === null) return { after: undefined, problem: 'invalid' };
  if (value > (unit === 'cents' ? MAX_CENTS : MAX_BASIS_POINTS)) return { after: undefined, problem: 'tooLarge' };
  return { after: value, problem: null };
}

/** Every field of the form, read back and checked. */
export function readFields(draft: Draft, base: Tariff, steps: readonly string[], rules: ProductionRules): Field[] {
  const fields: Field[] = [];
  for (const line of PRICE_LINES) {
    fields.push({ key: line.key, unit: 'cents', before: line.read(base.lines), label: line.label, ...readField(draft.values[line.key], 'cents', true) });
  }
  for (const mailClass of MAIL_CLASS_ORDER) {
    const required = requiredSteps(mailClass, rules);
    for (const step of steps) {
      const key = postageKey(mailClass, step);
      fields.push({
        key,
        unit: 'cents',
        before: base.lines.postage[mailClass][step],
        label: (t) => postageLabel(t, mailClass, step),
        ...readField(draft.values[key], 'cents', required.includes(step)),
      });
    }
  }
  for (const category of VAT_CATEGORIES) {
    const key = vatKey(category);
    fields.push({ key, unit: 'basisPoints', before: base.vat[category], label: (t) => t(VAT_FIELD_LABEL[category]), ...readField(draft.values[key], 'basisPoints', true) });
  }
  return fields;
}

/** The fields whose value differs from the base (a blank step that had a price included). */
export function changedFields(fields: readonly Field[]): Field[] {
  return fields.filter((field) => field.problem === null && field.after !== field.before);
}

/** The tariff to send, when every field reads; the VAT categories are the base's. */
export function tariffFrom(draft: Draft, base: Tariff, fields: readonly Field[], steps: readonly string[]): Tariff | null {
  if (fields.some((field) => field.problem !== null)) return null;
  const value = new Map(fields.map((field) => [field.key, field.after]));
  const cents = (key: string): number => value.get(key) ?? 0;
  const postage = (mailClass: MailClass): Record<string, number> => {
    const prices: Record<string, number> = {};
    for (const step of steps) {
      const price = value.get(postageKey(mailClass, step));
      if (price !== undefined) prices[step] = price;
    }
    return prices;
  };
  return {
    effectiveFrom: draft.effectiveFrom,
    currency: 'EUR',
    lines: {
      printPageBw: cents('printPageBw'),
      printPageColor: cents('printPageColor'),
      sheet: cents('sheet'),
      insertion: { C4: cents('insertion.C4'), C5: cents('insertion.C5'), 'C5/6': cents('insertion.C5/6') },
      carrierSheet: cents('carrierSheet'),
      backgroundPage: cents('backgroundPage'),
      registered: { R1: cents('registered.R1'), R2: cents('registered.R2'), R3: cents('registered.R3') },
      acknowledgement: cents('acknowledgement'),
      postage: { priority: postage('priority'), non_priority: postage('non_priority'), registered: postage('registered') },
      archivePerDocumentYear: { simple: cents('archivePerDocumentYear.simple'), electronic: cents('archivePerDocumentYear.electronic') },
    },
    vat: { services: cents(vatKey('services')), postage: cents(vatKey('postage')) },
    vatCategory: { ...base.vatCategory },
  };
}

export type DateProblem = 'required' | 'invalid' | 'past' | 'taken';

/** The first day of the new tariff: a real day, not before today, not one a version already starts on. */
export function dateProblem(date: string, today: string, taken: readonly string[]): DateProblem | null {
  if (date === '') return 'required';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !isCivilDate(date)) return 'invalid';
  if (date < today) return 'past';
  if (taken.includes(date)) return 'taken';
  return null;
}
