import { constants, deflateRawSync } from 'node:zlib';
import { strToU8, zipSync, type Zippable } from 'fflate';

/**
 * Builders for account files in tests (this folder's and the import routes'): real CSV bytes in
 * the encodings clients send, and real XLSX workbooks small enough to read in a test failure.
 */

export type Cell = string | number | boolean;

/* ------------------------------------------------------------------ CSV */

export interface CsvOptions {
  separator?: ';' | ',' | '\t';
  encoding?: 'utf-8' | 'utf-8-bom' | 'windows-1252' | 'utf-16le' | 'utf-16be';
  eol?: '\r\n' | '\n' | '\r';
}

const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** Windows-1252 bytes for text, as Excel writes "CSV (separator: semicolon)" on a French Windows. */
export function encodeWindows1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const special = CP1252_80_9F.indexOf(text[i]!);
    if (special >= 0 && c > 0xff) out[i] = 0x80 + special;
    else if (c <= 0xff) out[i] = c;
    else throw new Error(`"${text[i]}" has no Windows-1252 byte`);
  }
  return out;
}

function encodeUtf16(text: string, bigEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = bigEndian ? 0xfe : 0xff;
  out[1] = bigEndian ? 0xff : 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + i * 2] = bigEndian ? c >> 8 : c & 0xff;
    out[3 + i * 2] = bigEndian ? c & 0xff : c >> 8;
  }
  return out;
}

export function encodeText(text: string, encoding: NonNullable<CsvOptions['encoding']>): Uint8Array {
  switch (encoding) {
    case 'utf-8':
      return strToU8(text);
    case 'utf-8-bom':
      return strToU8(`\uFEFF${text}`);
    case 'windows-1252':
      return encodeWindows1252(text);
    case 'utf-16le':
      return encodeUtf16(text, false);
    case 'utf-16be':
      return encodeUtf16(text, true);
  }
}

/** CSV text for rows, quoting the cells that need it, as a spreadsheet would. */
export function csvText(rows: ReadonlyArray<ReadonlyArray<Cell>>, opts: Pick<CsvOptions, 'separator' | 'eol'> = {}): string {
  const sep = opts.separator ?? ';';
  const eol = opts.eol ?? '\r\n';
  const field = (v: Cell): string => {
    const s = String(v);
    return s.includes(sep) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(field).join(sep)).join(eol) + eol;
}

export function makeCsv(rows: ReadonlyArray<ReadonlyArray<Cell>>, opts: CsvOptions = {}): Uint8Array {
  return encodeText(csvText(rows, opts), opts.encoding ?? 'utf-8');
}

/* ------------------------------------------------------------------ XLSX */

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, (c) => `_x${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}_`);
}

function colName(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface XlsxOptions {
  /** 'shared' (what Excel writes, default) or 'inline' (what many generators write). */
  strings?: 'shared' | 'inline';
  /** Extra or replacing parts, by path in the archive. */
  parts?: Record<string, string | Uint8Array>;
  /** Parts to leave out (e.g. 'xl/workbook.xml'). */
  omit?: string[];
}

/** The sheet XML for rows; empty strings are left out as Excel does, so cells may be missing. */
export function sheetXml(rows: ReadonlyArray<ReadonlyArray<Cell>>, sharedIndex: ((s: string) => number) | null): string {
  const body = rows
    .map((row, r) => {
      const cells = row
        .map((v, c) => {
          const ref = `${colName(c)}${r + 1}`;
          if (v === '') return '';
          if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
          if (typeof v === 'boolean') return `<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`;
          if (sharedIndex) return `<c r="${ref}" t="s"><v>${sharedIndex(v)}</v></c>`;
          return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlEscape(v)}</t></is></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>${body}</sheetData></worksheet>`;
}

/** A minimal but genuine .xlsx (Excel and LibreOffice open it) whose first sheet holds `rows`. */
export function makeXlsx(rows: ReadonlyArray<ReadonlyArray<Cell>>, opts: XlsxOptions = {}): Uint8Array {
  const shared: string[] = [];
  const sharedIds = new Map<string, number>();
  const sharedIndex = (s: string): number => {
    let id = sharedIds.get(s);
    if (id === undefined) {
      id = shared.length;
      shared.push(s);
      sharedIds.set(s, id);
    }
    return id;
  };
  const inline = opts.strings === 'inline';
  const sheet = sheetXml(rows, inline ? null : sharedIndex);
  const parts: Record<string, string | Uint8Array> = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
      (inline ? '' : '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>') +
      '</Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="Comptes" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels':
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG_REL_NS}">` +
      `<Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>` +
      (inline ? '' : `<Relationship Id="rId2" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>`) +
      '</Relationships>',
    'xl/worksheets/sheet1.xml': sheet,
  };
  if (!inline) {
    parts['xl/sharedStrings.xml'] =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="${MAIN_NS}" count="${shared.length}" uniqueCount="${shared.length}">` +
      shared.map((s) => `<si><t xml:space="preserve">${xmlEscape(s)}</t></si>`).join('') +
      '</sst>';
  }
  Object.assign(parts, opts.parts ?? {});
  for (const name of opts.omit ?? []) delete parts[name];
  const zippable: Zippable = {};
  for (const [name, content] of Object.entries(parts)) zippable[name] = typeof content === 'string' ? strToU8(content) : content;
  return zipSync(zippable, { level: 6 });
}

/* ------------------------------------------------------------------ hostile archives */

export interface RawZipEntry {
  name: string;
  /** The bytes as stored: raw DEFLATE data for method 8, the content itself for method 0. */
  stored: Uint8Array;
  method: 0 | 8;
  /** What the archive claims the entry inflates to: free to lie. */
  originalSize: number;
  flags?: number;
}

/** A ZIP written byte by byte, so that tests can declare any sizes they like (zipSync cannot lie).
 * CRCs are left at 0: the reader under test does not check them. */
export function makeRawZip(entries: readonly RawZipEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = strToU8(e.name);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, e.flags ?? 0, true);
    lv.setUint16(8, e.method, true);
    lv.setUint32(18, e.stored.length, true);
    lv.setUint32(22, e.originalSize, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, e.flags ?? 0, true);
    cv.setUint16(10, e.method, true);
    cv.setUint32(20, e.stored.length, true);
    cv.setUint32(24, e.originalSize, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    chunks.push(local, e.stored);
    central.push(cd);
    offset += local.length + e.stored.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const all = [...chunks, ...central, eocd];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of all) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Raw DEFLATE data that inflates to `megabytes` MiB of spaces, built without ever holding them:
 * one MiB compressed with a full flush ends byte-aligned with an empty dictionary, so the same
 * segment can be repeated; an empty final block closes the stream. ~1 KB per MiB.
 */
export function deflatedSpaces(megabytes: number): Uint8Array {
  const segment = deflateRawSync(Buffer.alloc(1024 * 1024, 0x20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const out = new Uint8Array(segment.length * megabytes + 2);
  for (let i = 0; i < megabytes; i++) out.set(segment, i * segment.length);
  // BFINAL=1, BTYPE=01 (fixed Huffman), then the end-of-block code: 0x03 0x00.
  out.set([0x03, 0x00], segment.length * megabytes);
  return out;
}

function stored(text: string): Pick<RawZipEntry, 'stored' | 'method' | 'originalSize'> {
  const bytes = strToU8(text);
  return { stored: bytes, method: 0, originalSize: bytes.length };
}

/**
 * A workbook whose first sheet is `megabytes` MiB of spaces (a ZIP bomb). `declaredSize` is what
 * the archive claims the sheet inflates to: by default the truth.
 */
export function makeXlsxBomb(megabytes: number, declaredSize = megabytes * 1024 * 1024): Uint8Array {
  return makeRawZip([
    { name: 'xl/workbook.xml', ...stored(`<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    { name: 'xl/_rels/workbook.xml.rels', ...stored(`<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`) },
    { name: 'xl/worksheets/sheet1.xml', stored: deflatedSpaces(megabytes), method: 8, originalSize: declaredSize },
  ]);
}

/** Deterministic pseudo-random bytes (xorshift32), optionally without NUL bytes. */
export function junkBytes(length: number, seed = 42, withoutNul = false): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
    if (withoutNul && out[i] === 0) out[i] = 1;
  }
  return out;
}
