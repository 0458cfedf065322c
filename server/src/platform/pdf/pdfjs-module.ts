/**
 * pdf.js's legacy build (the one that runs on Node 20) bundles core-js, which on Node 20 also
 * *replaces* built-ins the process already has — JSON.stringify, JSON.parse,
 * Array.prototype.push, Function.prototype.toString — with slower JavaScript versions, for every
 * module of the process: every response serialised, every array filled paid for it (a third of
 * an API request's time). It is loaded here with every built-in it replaces put back; what it
 * adds (Promise.withResolvers, …, which pdf.js needs on Node 20) stays. Only this module imports
 * pdf.js (dependency rule), so no other path loads it first.
 */
const BUILT_INS: ReadonlyArray<readonly [string, object]> = [
  ['globalThis', globalThis],
  ['JSON', JSON],
  ['Object', Object],
  ['Reflect', Reflect],
  ['Math', Math],
  ['Array', Array],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['Promise', Promise],
  ['Promise.prototype', Promise.prototype],
  ['Map', Map],
  ['Map.prototype', Map.prototype],
  ['Set', Set],
  ['Set.prototype', Set.prototype],
  ['String', String],
  ['String.prototype', String.prototype],
  ['Number', Number],
  ['Symbol', Symbol],
  ['RegExp.prototype', RegExp.prototype],
  ['Date.prototype', Date.prototype],
  ['ArrayBuffer', ArrayBuffer],
  ['ArrayBuffer.prototype', ArrayBuffer.prototype],
  ['Uint8Array', Uint8Array],
  ['Uint8Array.prototype', Uint8Array.prototype],
  ['URL', URL],
  ['Error', Error],
];

type Snapshot = Array<{ target: object; key: string | symbol; descriptor: PropertyDescriptor }>;

function snapshot(): Snapshot {
  return BUILT_INS.flatMap(([, target]) =>
    Reflect.ownKeys(target).map((key) => ({ target, key, descriptor: Object.getOwnPropertyDescriptor(target, key)! })),
  );
}

/** Puts back every property that existed before and was replaced; returns their names. */
function restore(before: Snapshot): string[] {
  const restored: string[] = [];
  for (const { target, key, descriptor } of before) {
    const now = Object.getOwnPropertyDescriptor(target, key);
    if (now && (now.value !== descriptor.value || now.get !== descriptor.get || now.set !== descriptor.set)) {
      Object.defineProperty(target, key, descriptor);
      const owner = BUILT_INS.find(([, t]) => t === target)![0];
      restored.push(`${owner}.${String(key)}`);
    }
  }
  return restored;
}

const before = snapshot();
const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
/** What loading pdf.js replaced and was put back (for the test that keeps this true). */
export const restoredBuiltIns: readonly string[] = restore(before);

export const { getDocument, OPS } = pdfjs;
export type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
