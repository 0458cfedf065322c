import { brotliDecompressSync, constants, inflateRawSync } from 'node:zlib';

/**
 * The decompression-bomb guard: a pass over an upload's raw bytes, before any PDF reader sees them.
 *
 * pdf-lib inflates every object stream while it loads a document, and pdf.js inflates whatever
 * it fetches, both without limit: a few KB declaring an object stream of gigabytes exhaust the
 * process before anything could look at the parsed document. So this pass reads the bytes itself.
 * Every `stream` keyword in the file is taken as a stream, which is more than either reader will
 * (objects that neither the xref table nor a sequential parse reaches are looked at too), and its
 * data is decoded through its filters, each step capped, every decoded byte counted against a
 * budget for the whole document. Where the data ends is left to the decoder (Flate and Brotli
 * data say where they end) unless a direct /Length is confirmed by `endstream`, so a lying or
 * indirect /Length cannot hide data from the pass. What a stream decodes to is searched again for
 * streams, because pdf.js reads streams out of object streams too.
 *
 * Linear in the size of the file plus what it decodes to; each stream is decoded once, as the
 * readers will decode it anyway.
 */
export interface BombLimits {
  /** One stream (each step of its filters) may not decode past this… */
  maxStreamBytes: number;
  /** …nor all of them together past this. */
  maxTotalBytes: number;
}

export const DEFAULT_BOMB_LIMITS: BombLimits = { maxStreamBytes: 64 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024 };

/** More filters on one stream than any writer uses, or streams nested deeper in decoded data, are refused. */
const MAX_FILTERS = 8;
const MAX_NESTING = 4;

const KEYWORD = Buffer.from('stream', 'latin1');
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const EMPTY = new Uint8Array(0);

/** Stops the pass: the document is refused. */
class Refused extends Error {}

interface Budget {
  readonly maxStreamBytes: number;
  left: number;
}

/** True when the document would decode past the limits, or hides its filters where this pass cannot read them. */
export function expandsTooMuch(bytes: Uint8Array, limits: BombLimits = DEFAULT_BOMB_LIMITS): boolean {
  try {
    scan(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { maxStreamBytes: limits.maxStreamBytes, left: limits.maxTotalBytes }, 0);
    return false;
  } catch (err) {
    if (err instanceof Refused) return true;
    throw err;
  }
}

function scan(buf: Buffer, budget: Budget, depth: number): void {
  let floor = 0;
  // The next ends of line, remembered so that a file of one endless line is read once, not once
  // per keyword.
  let nextCr = -1;
  let nextLf = -1;
  // What the text since the last `endstream` declares: the next stream's dictionary is in it,
  // however long, and whatever a string in it says (`stream` included).
  let declared = nothingDeclared();
  for (let at = buf.indexOf(KEYWORD); at >= 0; at = buf.indexOf(KEYWORD, at + KEYWORD.length)) {
    const from = floor;
    floor = at + KEYWORD.length;
    if (at >= 3 && buf.toString('latin1', at - 3, at) === 'end') {
      declared = nothingDeclared();
      continue;
    }
    readDeclarations(buf.toString('latin1', from, at), declared);

    if (nextCr < floor) nextCr = indexOrEnd(buf, CR, floor);
    if (nextLf < floor) nextLf = indexOrEnd(buf, LF, floor);
    // pdf-lib's data starts right after the keyword and an optional end of line; pdf.js's after
    // the next end of line, whatever comes before it.
    const eol = Math.min(nextCr, nextLf);
    const starts = new Set([pdfLibStart(buf, floor), buf[eol] === CR && buf[eol + 1] === LF ? eol + 2 : eol + 1]);
    const chains = declared.chains.size > 0 ? [...declared.chains.values()] : [[]];
    for (const start of starts) {
      if (start >= buf.length) continue;
      const data = buf.subarray(start, dataEnd(buf, start, declared.length));
      for (const chain of chains) decode(data, chain, declared.earlyChange, budget, depth);
    }
  }
}

interface Declarations {
  /** The filter chains named (/Filter, or /F which pdf.js also reads); each is checked. */
  chains: Map<string, string[]>;
  /** The last direct /Length. */
  length: number | undefined;
  /** LZWDecode's parameter (1 unless a dictionary says 0). */
  earlyChange: number;
}

const nothingDeclared = (): Declarations => ({ chains: new Map(), length: undefined, earlyChange: 1 });

/** Whitespace and comments between tokens. */
const GAP = String.raw`(?:\s|%[^\r\n]*)*`;
const FILTER = new RegExp(String.raw`/F(?:ilter)?(?=[\s/[%])${GAP}(\[[^\]]*\]|/[^\s/[\]<>()%]+|\d+${GAP}\d+${GAP}R)`, 'g');
const LENGTH = new RegExp(String.raw`/Length(?![0-9A-Za-z])${GAP}(\d+)\b(?!${GAP}\d+${GAP}R)`, 'g');

/**
 * Reads what a stretch of dictionary text declares, #xx escapes in names decoded
 * (/Fl#61teDecode) as the readers decode them. A filter given by reference is resolved by the
 * readers through the xref table, out of this pass's reach: refused.
 */
function readDeclarations(segment: string, into: Declarations): void {
  const text = segment.replace(/#([0-9A-Fa-f]{2})/g, (_: string, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  for (const m of text.matchAll(FILTER)) {
    const value = m[1]!.replace(/%[^\r\n]*/g, ' ');
    if (/\d+\s+\d+\s+R/.test(value)) throw new Refused();
    const chain = [...value.matchAll(/\/([^\s/[\]<>()]+)/g)].map((n) => n[1]!);
    into.chains.set(chain.join(' '), chain);
  }
  const length = [...text.matchAll(LENGTH)].pop()?.[1];
  if (length !== undefined) into.length = Number(length);
  if (/\/EarlyChange\s+0\b/.test(text)) into.earlyChange = 0;
}

function indexOrEnd(buf: Buffer, byte: number, from: number): number {
  const i = buf.indexOf(byte, from);
  return i < 0 ? buf.length : i;
}

function pdfLibStart(buf: Buffer, after: number): number {
  if (buf[after] === SPACE && buf[after + 1] === CR && buf[after + 2] === LF) return after + 3;
  if (buf[after] === CR) return buf[after + 1] === LF ? after + 2 : after + 1;
  return buf[after] === LF ? after + 1 : after;
}

/** Where a direct /Length confirmed by `endstream` says; otherwise the decoder finds the end. */
function dataEnd(buf: Buffer, start: number, length: number | undefined): number {
  if (length === undefined) return buf.length;
  const end = start + length;
  return end <= buf.length && /^\s*endstream/.test(buf.toString('latin1', end, end + 32)) ? end : buf.length;
}

/**
 * Decodes one stream through its chain. Past the declared filters, data that still starts like
 * zlib data is inflated once more: the readers may resolve a chain differently from this text.
 */
function decode(data: Uint8Array, chain: string[], earlyChange: number, budget: Budget, depth: number): void {
  let out = data;
  for (let k = 0; ; k++) {
    const guessed = k >= chain.length;
    const name = guessed ? (looksLikeZlib(out) ? 'FlateDecode' : undefined) : chain[k];
    const decoder = name === undefined ? undefined : DECODERS[name];
    if (!decoder) {
      if (k > 0) scan(Buffer.from(out.buffer, out.byteOffset, out.byteLength), budget, depth + 1);
      return;
    }
    if (k === MAX_FILTERS || depth > MAX_NESTING) throw new Refused();
    const cap = Math.min(budget.maxStreamBytes, budget.left);
    const decoded = decoder(out, cap, earlyChange);
    if (decoded === CORRUPT) {
      // zlib keeps nothing of data it finds corrupt, but a reader told to decode it may have
      // decoded up to the cap before failing (zlib did here): a declared filter counts as the
      // cap. A guessed one does not: image pixels may start like zlib data by chance.
      if (!guessed) budget.left -= cap;
      return;
    }
    if (decoded.length > cap) throw new Refused();
    budget.left -= decoded.length;
    out = decoded;
  }
}

const CORRUPT = Symbol('corrupt');
type Decoder = (input: Uint8Array, cap: number, earlyChange: number) => Uint8Array | typeof CORRUPT;

/** The header check the readers make before inflating (RFC 1950: deflate, no preset dictionary). */
function looksLikeZlib(b: Uint8Array): boolean {
  return b.length >= 2 && (b[0]! & 0x0f) === 8 && b[0]! >> 4 <= 7 && ((b[0]! << 8) | b[1]!) % 31 === 0 && (b[1]! & 0x20) === 0;
}

function zlibCall(run: () => Uint8Array): Uint8Array | typeof CORRUPT {
  try {
    return run();
  } catch (err) {
    // maxOutputLength makes zlib stop (and throw) instead of filling memory.
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new Refused();
    return CORRUPT;
  }
}

const inflate: Decoder = (input, cap) => {
  if (!looksLikeZlib(input)) return EMPTY; // the readers refuse to inflate it
  // Raw, past the header: the readers ignore the checksum and what follows the data, and take
  // what precedes a cut (Z_SYNC_FLUSH) — so must the count.
  return zlibCall(() => inflateRawSync(input.subarray(2), { maxOutputLength: Math.max(1, cap), finishFlush: constants.Z_SYNC_FLUSH }));
};

const brotli: Decoder = (input, cap) => zlibCall(() => brotliDecompressSync(input, { maxOutputLength: Math.max(1, cap) }));

/** A decoder's output, refused past the cap. */
class Output {
  private bytes = new Uint8Array(4096);
  length = 0;
  constructor(private readonly cap: number) {}

  push(byte: number): void {
    if (this.length >= this.cap) throw new Refused();
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(Math.min(this.bytes.length * 2, Math.max(this.cap, 1)));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }

  done(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

// The other filters pdf-lib and pdf.js decode, as pdf.js decodes them (including what it
// tolerates: an end-of-data marker may be missing, unknown characters are skipped).

const asciiHex: Decoder = (input, cap) => {
  const out = new Output(cap);
  let high = -1;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === 0x3e) break; // '>'
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
    if (digit < 0) continue;
    if (high < 0) high = digit;
    else {
      out.push((high << 4) | digit);
      high = -1;
    }
  }
  if (high >= 0) out.push(high << 4);
  return out.done();
};

const ascii85: Decoder = (input, cap) => {
  const out = new Output(cap);
  const group: number[] = [];
  const flush = () => {
    if (group.length < 2) return;
    const n = group.length;
    while (group.length < 5) group.push(84); // padded with 'u'
    let value = 0;
    for (const d of group) value = value * 85 + d;
    for (let j = 0; j < n - 1; j++) out.push((value >>> (24 - 8 * j)) & 0xff);
  };
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === 0x7e) break; // '~'
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00) continue;
    if (c === 0x7a && group.length === 0) {
      for (let j = 0; j < 4; j++) out.push(0);
      continue;
    }
    group.push(c - 33);
    if (group.length === 5) {
      flush();
      group.length = 0;
    }
  }
  flush();
  return out.done();
};

const runLength: Decoder = (input, cap) => {
  const out = new Output(cap);
  for (let i = 0; i + 1 < input.length; ) {
    const n = input[i]!;
    if (n === 128) break;
    if (n < 128) {
      for (let j = i + 1; j <= i + 1 + n && j < input.length; j++) out.push(input[j]!);
      i += n + 2;
    } else {
      for (let j = 0; j < 257 - n; j++) out.push(input[i + 1]!);
      i += 2;
    }
  }
  return out.done();
};

const lzw: Decoder = (input, cap, earlyChange) => {
  const out = new Output(cap);
  const values = new Uint8Array(4096);
  const lengths = new Uint16Array(4096);
  const prevCodes = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    values[i] = i;
    lengths[i] = 1;
  }
  const sequence = new Uint8Array(4096);
  let sequenceLength = 0;
  let nextCode = 258;
  let codeLength = 9;
  let prevCode = 0;
  let cached = 0;
  let bits = 0;
  let pos = 0;
  for (;;) {
    while (bits < codeLength) {
      if (pos >= input.length) return out.done();
      cached = (cached << 8) | input[pos++]!;
      bits += 8;
    }
    bits -= codeLength;
    const code = (cached >>> bits) & ((1 << codeLength) - 1);
    const hasPrev = sequenceLength > 0;
    if (code < 256) {
      sequence[0] = code;
      sequenceLength = 1;
    } else if (code >= 258) {
      if (code < nextCode) {
        sequenceLength = lengths[code]!;
        for (let j = sequenceLength - 1, q = code; j >= 0; j--) {
          sequence[j] = values[q]!;
          q = prevCodes[q]!;
        }
      } else {
        sequence[sequenceLength++] = sequence[0]!;
      }
    } else if (code === 256) {
      codeLength = 9;
      nextCode = 258;
      sequenceLength = 0;
      continue;
    } else {
      return out.done(); // 257: end of data
    }
    if (hasPrev) {
      prevCodes[nextCode] = prevCode;
      lengths[nextCode] = lengths[prevCode]! + 1;
      values[nextCode] = sequence[0]!;
      nextCode++;
      const n = nextCode + earlyChange;
      if ((n & (n - 1)) === 0) codeLength = Math.min(Math.log2(n) + 1, 12);
    }
    prevCode = code;
    for (let j = 0; j < sequenceLength; j++) out.push(sequence[j] ?? 0);
  }
};

/** Image codecs (DCT, JPX, CCITT, JBIG2) are absent: they end a chain, decoded only to paint. */
const DECODERS: Record<string, Decoder> = {
  FlateDecode: inflate,
  Fl: inflate,
  BrotliDecode: brotli,
  LZWDecode: lzw,
  LZW: lzw,
  RunLengthDecode: runLength,
  RL: runLength,
  ASCII85Decode: ascii85,
  A85: ascii85,
  ASCIIHexDecode: asciiHex,
  AHx: asciiHex,
};
