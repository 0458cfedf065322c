import fs from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, deflateRawSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../../test/helpers.js';
import { makePdf, VALID_ADDRESS, zlibZeros } from '../../../test/pdf-fixtures.js';
import { expandsTooMuch, type BombLimits } from './decompression-guard.js';

const MiB = 1024 * 1024;
/** Small limits keep the bombs small; the real ones are checked through the upload. */
const LIMITS: BombLimits = { maxStreamBytes: 1 * MiB, maxTotalBytes: 4 * MiB };

/** A PDF of the given objects, each `[dictionary entries, data]` a stream, numbered from 1. */
function pdfOf(...streams: Array<[string, Uint8Array]>): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  streams.forEach(([dict, data], i) => {
    const length = /\/Length\b/.test(dict) ? '' : ` /Length ${data.length}`;
    parts.push(Buffer.from(`${i + 1} 0 obj\n<< ${dict}${length} >>\nstream\n`, 'latin1'), Buffer.from(data), Buffer.from('\nendstream\nendobj\n'));
  });
  parts.push(Buffer.from(`trailer\n<< /Size ${streams.length + 1} >>\n%%EOF\n`));
  return Buffer.concat(parts);
}

const zeros = (bytes: number) => Buffer.alloc(bytes);

/** MSB-first codes of growing width, as LZWDecode reads them. */
function lzwZeros(bytes: number): Buffer {
  const out: number[] = [];
  let acc = 0;
  let accBits = 0;
  let width = 9;
  let next = 258;
  let first = true;
  const emit = (code: number) => {
    acc = (acc << width) | code;
    accBits += width;
    while (accBits >= 8) {
      accBits -= 8;
      out.push((acc >>> accBits) & 0xff);
    }
    acc &= (1 << accBits) - 1;
    // The decoder adds an entry on every code but the first, and widens its codes with EarlyChange 1.
    if (!first && next < 4095) {
      next++;
      if (((next + 1) & next) === 0) width = Math.min(Math.log2(next + 1) + 1, 12);
    }
    first = false;
  };
  // 0, then each new code one zero longer than the last: 1 + 2 + 3 + … zeros.
  emit(0);
  let produced = 1;
  for (let code = 258; produced < bytes && code < 4095; code++) {
    emit(code);
    produced += code - 256;
  }
  emit(257);
  if (accBits > 0) out.push((acc << (8 - accBits)) & 0xff);
  return Buffer.from(out);
}

/** Runs of 128 zeros, two bytes each, then the end-of-data byte. */
function runLengthZeros(bytes: number): Buffer {
  const runs = Math.ceil(bytes / 128);
  const out = Buffer.alloc(runs * 2 + 1);
  for (let i = 0; i < runs; i++) out[i * 2] = 129;
  out[runs * 2] = 128;
  return out;
}

function ascii85(data: Uint8Array): Buffer {
  let text = '';
  for (let i = 0; i < data.length; i += 4) {
    const group = [0, 1, 2, 3].map((j) => data[i + j] ?? 0);
    const n = Math.min(4, data.length - i);
    let value = ((group[0]! << 24) | (group[1]! << 16) | (group[2]! << 8) | group[3]!) >>> 0;
    if (value === 0 && n === 4) {
      text += 'z';
      continue;
    }
    const chars: string[] = [];
    for (let k = 0; k < 5; k++) {
      chars.unshift(String.fromCharCode((value % 85) + 33));
      value = Math.floor(value / 85);
    }
    text += chars.slice(0, n + 1).join('');
  }
  return Buffer.from(`${text}~>`, 'latin1');
}

const asciiHex = (data: Uint8Array) => Buffer.from(`${Buffer.from(data).toString('hex')}>`, 'latin1');

/** Raw DEFLATE stored block (uncompressed, not final): lets chosen bytes sit inside zlib data. */
function storedBlock(text: string): Buffer {
  const data = Buffer.from(text, 'latin1');
  const header = Buffer.alloc(5);
  header.writeUInt16LE(data.length, 1);
  header.writeUInt16LE(~data.length & 0xffff, 3);
  return Buffer.concat([header, data]);
}

/** zlib data of `bytes` zeros, then a block of the reserved type: corrupt from there on. */
function corruptAfter(bytes: number): Buffer {
  return Buffer.concat([Buffer.from([0x78, 0xda]), deflateRawSync(zeros(bytes), { finishFlush: constants.Z_FULL_FLUSH }), Buffer.from([0x07])]);
}

/** A stream in a stream in … `levels` deep, the innermost holding `inner`, each level deflated. */
function nested(levels: number, inner: Uint8Array): Buffer {
  let data = deflateSync(inner);
  for (let i = 1; i < levels; i++) {
    data = deflateSync(Buffer.concat([Buffer.from(`<< /Filter /FlateDecode /Length ${data.length} >>\nstream\n`), data, Buffer.from('\nendstream\n')]));
  }
  return pdfOf(['/Type /ObjStm /N 1 /First 0 /Filter /FlateDecode', data]);
}

describe('decompression-bomb guard (raw bytes, before any PDF reader)', () => {
  it('refuses an object stream of a few KB deflated twice to 1 GiB, with the real limits', async () => {
    const bomb = await makePdf([{ address: VALID_ADDRESS }], { objectStreamBomb: { mebibytes: 1024 } });
    expect(bomb.length).toBeLessThan(8 * 1024);
    expect(expandsTooMuch(bomb)).toBe(true);
  });

  it('refuses it too when the outer layer is cut short: the readers inflate what precedes the cut, so does the guard', async () => {
    const bomb = (await makePdf([{ address: VALID_ADDRESS }], { objectStreamBomb: { mebibytes: 1024 } })).toString('latin1');
    const [dict, length] = /\/Type \/ObjStm[^>]*\/Length (\d+)/.exec(bomb)!;
    const start = bomb.indexOf('stream\n', bomb.indexOf(dict)) + 'stream\n'.length;
    // The last 10 bytes of the object stream's data are gone, and its /Length says so.
    const cut = bomb.slice(0, start).replace(dict, dict.replace(/\d+$/, String(Number(length) - 10))) + bomb.slice(start, start + Number(length) - 10) + bomb.slice(start + Number(length));
    expect(expandsTooMuch(Buffer.from(cut, 'latin1'))).toBe(true);
  });

  it.each<[string, string, (bytes: number) => Buffer]>([
    ['FlateDecode', '/Filter /FlateDecode', (n) => deflateSync(zeros(n))],
    ['BrotliDecode', '/Filter /BrotliDecode', (n) => brotliCompressSync(zeros(n))],
    ['LZWDecode', '/Filter /LZWDecode', (n) => lzwZeros(n)],
    ['RunLengthDecode', '/Filter /RunLengthDecode', (n) => runLengthZeros(n)],
    ['ASCII85Decode then FlateDecode', '/Filter [/ASCII85Decode /FlateDecode]', (n) => ascii85(deflateSync(zeros(n)))],
    ['ASCIIHexDecode then FlateDecode', '/Filter [/ASCIIHexDecode /FlateDecode]', (n) => asciiHex(deflateSync(zeros(n)))],
    ['FlateDecode twice', '/Filter [/FlateDecode /FlateDecode]', (n) => deflateSync(deflateSync(zeros(n)))],
    ['abbreviated names under /F', '/F [/A85 /Fl]', (n) => ascii85(deflateSync(zeros(n)))],
    ['names written with #xx escapes', '/Filter [/ASCII85#44ecode /Fl#61teDecode]', (n) => ascii85(deflateSync(zeros(n)))],
  ])('%s: a stream decoding to 500 KB is let through, one decoding to 2 MiB is refused', (_name, dict, encode) => {
    expect(expandsTooMuch(pdfOf([dict, encode(500 * 1024)]), LIMITS)).toBe(false);
    expect(expandsTooMuch(pdfOf([dict, encode(2 * MiB)]), LIMITS)).toBe(true);
  });

  it('counts every stream against one total: four of 1 MiB pass, a fifth is refused', () => {
    const stream: [string, Uint8Array] = ['/Filter /FlateDecode', zlibZeros(1)];
    expect(expandsTooMuch(pdfOf(stream, stream, stream, stream), LIMITS)).toBe(false);
    expect(expandsTooMuch(pdfOf(stream, stream, stream, stream, stream), LIMITS)).toBe(true);
  });

  it.each<[string, Buffer]>([
    // The readers inflate what precedes a cut and ignore the checksum: so does the count.
    ['cut short (no end of data)', pdfOf(['/Filter /FlateDecode', zlibZeros(2).subarray(0, -100)])],
    ['right after `stream`, no end of line (where pdf-lib reads it)', Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj\n<< /Filter /FlateDecode >>\nstream'), zlibZeros(2), Buffer.from('\nendstream\nendobj\n')])],
    ['after junk on the `stream` line (pdf.js reads from the next line)', Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj\n<< /Filter /FlateDecode >>\nstream junk\r\n'), zlibZeros(2), Buffer.from('\nendstream\nendobj\n')])],
    ['in five streams that each decode 0.9 MiB before turning corrupt (the readers decode that much before failing)', pdfOf(...Array.from({ length: 5 }, (): [string, Uint8Array] => ['/Filter /FlateDecode', corruptAfter(0.9 * MiB)]))],
    // pdf-lib would stop at the first `endstream`; pdf.js reads the length the reference gives.
    ['behind an indirect /Length, with `endstream` inside its data', pdfOf(['/Filter /FlateDecode /Length 9 0 R', Buffer.concat([Buffer.from([0x78, 0xda]), storedBlock('\nendstream\nendobj\n'), zlibZeros(2).subarray(2)])])],
    // Both readers then look for `endstream` themselves.
    ['behind a direct /Length too short to reach `endstream`', pdfOf(['/Filter /FlateDecode /Length 10', zlibZeros(2)])],
    ['with no /Filter at all (still zlib data)', pdfOf(['/Subtype /Image', zlibZeros(2)])],
    ['in a stream inside an object stream', nested(2, zeros(2 * MiB))],
  ])('refuses a bomb %s', (_name, pdf) => {
    expect(expandsTooMuch(pdf, LIMITS)).toBe(true);
  });

  it('holds no wrong checksum against a writer (the readers ignore it): each stream counts what it decodes to', () => {
    const limits = { maxStreamBytes: MiB, maxTotalBytes: 1.25 * MiB };
    const wrongChecksum = Buffer.concat([deflateSync(zeros(MiB / 2)).subarray(0, -4), Buffer.from('oops')]);
    expect(expandsTooMuch(pdfOf(['/Filter /FlateDecode', wrongChecksum], ['/Filter /FlateDecode', deflateSync(zeros(MiB / 2))]), limits)).toBe(false);
  });

  it('refuses what it cannot check: a filter given by reference, more than 8 filters, streams nested over 4 deep', () => {
    expect(expandsTooMuch(pdfOf(['/Filter 7 0 R', asciiHex(Buffer.from('BT ET'))]), LIMITS)).toBe(true);
    expect(expandsTooMuch(pdfOf([`/Filter [${'/AHx '.repeat(8)}]`, Buffer.from('>')]), LIMITS)).toBe(false);
    expect(expandsTooMuch(pdfOf([`/Filter [${'/AHx '.repeat(9)}]`, Buffer.from('>')]), LIMITS)).toBe(true);
    expect(expandsTooMuch(nested(5, Buffer.from('BT ET')), LIMITS)).toBe(false);
    expect(expandsTooMuch(nested(6, Buffer.from('BT ET')), LIMITS)).toBe(true);
  });

  it('lets every fixture letter through (word processor, mail merge, letterhead, encrypted), and says what it costs', () => {
    for (const file of fs.readdirSync(path.join(FIXTURES, 'letters')).filter((f) => f.endsWith('.pdf'))) {
      const bytes = fs.readFileSync(path.join(FIXTURES, 'letters', file));
      const t0 = performance.now();
      expect(expandsTooMuch(bytes), file).toBe(false);
      process.stdout.write(`[decompression guard] ${file} (${bytes.length} bytes): ${(performance.now() - t0).toFixed(2)} ms\n`);
    }
  });
});
