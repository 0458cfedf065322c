import { en, type Catalogue, type Plural } from './en.js';
import { fr } from './fr.js';

/**
 * The sentences people read in the server's answers, in French (the portal's default) or
 * English. Code builds a `Message` (a key and its parameters); the sentence is written only
 * when the answer's language is known (ADR 0013).
 */
export type Language = 'fr' | 'en';
export type MessageKey = keyof typeof en;

/** A parameter is a value put into the sentence as is; a number or a moment (Paris time) written
 * the language's way; a list ("a, b, c") or an enumeration (`and`: "a, b and c"); or another
 * message (a step's name, a file size) written in the same language. */
export type Param = string | number | Date | Message | readonly Param[] | { readonly and: readonly Param[] };

export interface Message {
  readonly key: MessageKey;
  readonly params: Readonly<Record<string, Param>>;
}

export const catalogues: Readonly<Record<Language, Catalogue>> = { fr, en };

type Placeholders<S> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;
type ParamNames<K extends MessageKey> = (typeof en)[K] extends Plural ? Placeholders<(typeof en)[K]['one'] | (typeof en)[K]['other']> | 'count' : Placeholders<(typeof en)[K]>;
type ParamsOf<K extends MessageKey> = { readonly [P in ParamNames<K>]: P extends 'count' ? number : Param };

/** The keys whose sentence has no parameter: where a message is expected, the bare key will do. */
export type PlainKey = { [K in MessageKey]: [ParamNames<K>] extends [never] ? K : never }[MessageKey];

/** A message; the compiler checks its parameters against the English sentence's placeholders. */
export function message<K extends MessageKey>(key: K, ...params: [ParamNames<K>] extends [never] ? [] : [ParamsOf<K>]): Message {
  return { key, params: params[0] ?? {} };
}

export function toMessage(m: Message | PlainKey): Message {
  return typeof m === 'string' ? { key: m, params: {} } : m;
}

/** Whether a string from elsewhere (a contract's refinement) names one of our parameterless sentences. */
export function isPlainKey(key: string): key is PlainKey {
  return Object.hasOwn(en, key) && placeholdersOf(en[key as MessageKey]).length === 0;
}

const PLACEHOLDER = /\{(\w+)\}/g;

/** The sentence in that language. A parameter missing from the message stays visible as `{name}`
 * rather than failing an error answer. */
export function render(language: Language, m: Message): string {
  const template = catalogues[language][m.key];
  const text = typeof template === 'string' ? template : new Intl.PluralRules(language).select(Number(m.params.count)) === 'one' ? template.one : template.other;
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = m.params[name];
    return value === undefined ? whole : written(language, value);
  });
}

function written(language: Language, value: Param): string {
  if (typeof value === 'string') return value;
  // Quantities only: identifiers (a line, a position, a batch) are passed as strings, never grouped.
  if (typeof value === 'number') return new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value);
  if (value instanceof Date) return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(value);
  if (isList(value)) return value.map((v) => written(language, v)).join(', ');
  if ('and' in value) return new Intl.ListFormat(language, { type: 'conjunction' }).format(value.and.map((v) => written(language, v)));
  return render(language, value);
}

function isList(value: Param): value is readonly Param[] {
  return Array.isArray(value);
}

/** "a, b and c" in English, "a, b et c" in French. */
export function and(items: readonly Param[]): Param {
  return { and: items };
}

/** The placeholders a template uses, for the catalogue test. */
export function placeholdersOf(template: string | Plural): string[] {
  const texts = typeof template === 'string' ? [template] : [template.one, template.other];
  return [...new Set(texts.flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((p) => p[1]!)))].sort();
}

/**
 * The language an Accept-Language header asks for (RFC 9110 §12.5.4): the supported language
 * with the highest q-value, `fr-FR` counting as `fr` and `*` as the first one we have; undefined
 * when the header names none of ours, so that the caller can fall back to the person's choice.
 */
export function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  let best: { language: Language; q: number } | undefined;
  for (const part of header.split(',')) {
    const [range = '', ...attributes] = part.trim().toLowerCase().split(';');
    const qAttribute = attributes.map((a) => a.trim()).find((a) => a.startsWith('q='));
    const q = qAttribute === undefined ? 1 : Number(qAttribute.slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    const primary = range.trim().split('-')[0];
    const language = primary === '*' ? 'fr' : primary === 'fr' || primary === 'en' ? primary : undefined;
    // Equal q-values keep the order the client gave.
    if (language && (!best || q > best.q)) best = { language, q };
  }
  return best?.language;
}
