// The wizard's set-up, as edited on the page, and the order body the API takes from it.
import type { CreateOrderInput, OrderDto, PaperOptions, Split, UpdateOrderInput } from './api';
import { fromRecipients, toRecipients, type RecipientRow } from './recipients';

export type SplitMode = 'none' | 'every' | 'address';

export interface OrderForm {
  name: string;
  /** The letter (first document), then the attachments in the order they go in the envelope. */
  letter: string | null;
  attachments: string[];
  background: { document: string; pages: 'all' | 'first' } | null;
  color: PaperOptions['color'];
  sides: PaperOptions['sides'];
  envelope: PaperOptions['envelope'];
  mailClass: PaperOptions['mail_class'];
  registeredLevel: 'R1' | 'R2' | 'R3';
  acknowledgement: boolean;
  archive: 'none' | 'simple' | 'electronic';
  retentionYears: 1 | 3 | 5 | 10 | 30;
  addressSource: 'document' | 'recipients';
  splitMode: SplitMode;
  splitPages: number;
  recipients: RecipientRow[];
}

export const RETENTIONS = [1, 3, 5, 10, 30] as const;

export function emptyForm(): OrderForm {
  return {
    name: '',
    letter: null,
    attachments: [],
    background: null,
    color: 'bw',
    sides: 'simplex',
    envelope: 'C5/6',
    mailClass: 'priority',
    registeredLevel: 'R1',
    acknowledgement: false,
    archive: 'none',
    retentionYears: 10,
    addressSource: 'document',
    splitMode: 'none',
    splitPages: 2,
    recipients: [],
  };
}

export function formOf(order: OrderDto): OrderForm {
  const o = order.options;
  const [letter, ...attachments] = order.documents;
  const blank = emptyForm();
  const retention = o.archive.retention_years;
  return {
    name: order.name,
    letter: letter ?? null,
    attachments,
    background: o.background ? { document: o.background.document, pages: o.background.pages } : null,
    color: o.color,
    sides: o.sides,
    envelope: o.envelope,
    mailClass: o.mail_class,
    registeredLevel: o.registered_level ?? blank.registeredLevel,
    acknowledgement: o.acknowledgement ?? false,
    archive: o.archive.type,
    retentionYears: retention ?? blank.retentionYears,
    addressSource: order.address_source,
    splitMode: order.split?.mode ?? 'none',
    splitPages: order.split?.mode === 'every' ? order.split.pages : blank.splitPages,
    recipients: fromRecipients(order.recipients),
  };
}

/** Level and acknowledgement go only with registered mail, a retention only with the electronic archive. */
export function optionsOf(form: OrderForm): PaperOptions {
  const registered = form.mailClass === 'registered';
  return {
    color: form.color,
    sides: form.sides,
    envelope: form.envelope,
    background: form.background,
    mail_class: form.mailClass,
    ...(registered ? { registered_level: form.registeredLevel, acknowledgement: form.acknowledgement } : {}),
    archive: form.archive === 'electronic' ? { type: 'electronic', retention_years: form.retentionYears } : { type: form.archive },
  };
}

export function splitOf(form: OrderForm): Split | null {
  if (form.addressSource === 'recipients' || form.splitMode === 'none') return null;
  if (form.splitMode === 'address') return { mode: 'address' };
  return { mode: 'every', pages: Math.max(1, Math.floor(form.splitPages || 1)) };
}

/** The whole set-up, for PATCH: every field, so the server holds what the page shows. */
export function bodyOf(form: OrderForm): Required<Omit<UpdateOrderInput, 'kind'>> | null {
  if (form.letter === null) return null;
  return {
    name: form.name.trim(),
    documents: [form.letter, ...form.attachments],
    options: optionsOf(form),
    address_source: form.addressSource,
    split: splitOf(form),
    recipients: toRecipients(form.recipients),
  };
}

/** The same set-up for POST, which creates the draft. */
export function createBodyOf(form: OrderForm): CreateOrderInput | null {
  const body = bodyOf(form);
  return body === null ? null : { kind: 'paper', ...body };
}

/** A default name for a new order: the letter's file name without its extension. */
export function nameFromFile(filename: string): string {
  return filename.replace(/\.[a-z0-9]{1,5}$/i, '').replace(/[_]+/g, ' ').trim().slice(0, 200);
}
