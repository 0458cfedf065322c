/**
 * Just enough DER (X.690) to write the two structures Pli signs many of — RFC 3161 tokens and
 * detached CMS seals — without building an object tree per signature: bytes in, bytes out.
 * Certificates, names and keys come from pkijs once (pki.ts) and are reused as bytes.
 */
function lengthOf(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((a, p) => a + p.length, 0);
  const head = [tag, ...lengthOf(size)];
  const out = new Uint8Array(head.length + size);
  out.set(head, 0);
  let at = head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const seq = (...parts: Uint8Array[]) => tlv(0x30, ...parts);

/** SET OF: DER orders the members by their encodings (X.690 §11.6). */
export function setOf(...members: Uint8Array[]): Uint8Array {
  return tlv(0x31, ...[...members].sort(compareBytes));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** [n] constructed (explicit tagging, or an implicitly tagged SEQUENCE/SET's members). */
export const context = (n: number, ...parts: Uint8Array[]) => tlv(0xa0 + n, ...parts);

export const octets = (bytes: Uint8Array) => tlv(0x04, bytes);

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const body: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    body.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(body));
}

/** A non-negative INTEGER from its big-endian magnitude (a zero byte added when the sign bit is set). */
export function unsigned(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  return trimmed[0]! & 0x80 ? tlv(0x02, new Uint8Array([0]), trimmed) : tlv(0x02, trimmed);
}

export const small = (n: number) => unsigned(new Uint8Array([n]));

const two = (n: number) => String(n).padStart(2, '0');

/** UTCTime, whole seconds (RFC 5280 §4.1.2.5.1: up to 2049). */
export function utcTime(d: Date): Uint8Array {
  const s = `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return tlv(0x17, new TextEncoder().encode(s));
}

/** GeneralizedTime, whole seconds, no fraction (RFC 3161 §2.4.2). */
export function generalizedTime(d: Date): Uint8Array {
  const s = `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return tlv(0x18, new TextEncoder().encode(s));
}
