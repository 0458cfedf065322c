import { XMLParser } from 'fast-xml-parser';
import { Inflate } from 'fflate';
import { AppError, message } from '../../../errors.js';
import { toMessage, type Message, type PlainKey } from '../../../i18n/index.js';
import { businessRule, formatSize, isBlankRow, quoted, type GridRow } from './grid.js';

export interface XlsxLimits {
  maxXlsxUncompressedBytes: number;
  maxXlsxRatio: number;
}

function damaged(why: Message | PlainKey, cause?: unknown): AppError {
  return businessRule(message('xlsx.damaged', { why: toMessage(why) }), cause === undefined ? {} : { cause });
}

/*
 * ZIP reading.
 *
 * fflate's unzipSync was the first choice, but it sizes its output buffer from the size the archive
 * *declares* and keeps decoding past the end of it (the extra bytes are dropped): an entry that
 * lies about its size is silently truncated, so its real size can never be checked afterwards,
 * and decoding still costs the full real size — 2.2 s per 200 MB measured here, so a 5 MB upload
 * could hold the event loop for close to a minute. So the central directory is read here (it is
 * the only reliable list of entries and sizes; local headers may leave them out) and each entry is
 * inflated with fflate's streaming Inflate in small steps, counting the output and stopping as soon
 * as it passes what the entry declared or what is left of the budget.
 */

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  originalSize: number;
  localHeaderOffset: number;
}

function u16(b: Uint8Array, o: number): number {
  if (o + 2 > b.length) throw damaged('xlsx.toc_truncated');
  return b[o]! | (b[o + 1]! << 8);
}

function u32(b: Uint8Array, o: number): number {
  if (o + 4 > b.length) throw damaged('xlsx.toc_truncated');
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
}

/** Entry names as OPC compares them: case-insensitive, forward slashes, no leading slash. */
function partKey(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

function readCentralDirectory(bytes: Uint8Array): Map<string, ZipEntry> {
  // The end-of-central-directory record sits in the last 22 bytes plus an optional comment (< 64 KiB).
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 0xffff); p--) {
    if (bytes[p] === 0x50 && bytes[p + 1] === 0x4b && bytes[p + 2] === 0x05 && bytes[p + 3] === 0x06) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw damaged('xlsx.toc_missing');
  const count = u16(bytes, eocd + 10);
  const offset = u32(bytes, eocd + 16);
  // ZIP64 markers: only archives over 4 GB or 65,535 entries need them, never an account file.
  if (count === 0xffff || offset === 0xffffffff) throw damaged('xlsx.zip64');
  const entries = new Map<string, ZipEntry>();
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (u32(bytes, p) !== 0x02014b50) throw damaged('xlsx.toc_corrupt');
    const nameLength = u16(bytes, p + 28);
    const entry: ZipEntry = {
      flags: u16(bytes, p + 8),
      method: u16(bytes, p + 10),
      compressedSize: u32(bytes, p + 20),
      originalSize: u32(bytes, p + 24),
      localHeaderOffset: u32(bytes, p + 42),
      name: new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength)),
    };
    entries.set(partKey(entry.name), entry);
    p += 46 + nameLength + u16(bytes, p + 30) + u16(bytes, p + 32);
  }
  return entries;
}

/** Below this size the compression ratio says nothing: a small, repetitive XML part can compress
 * well past 100:1 and still be harmless. */
const RATIO_FLOOR_BYTES = 1024 * 1024;
/** DEFLATE's maximum expansion: one compressed byte can stand for at most ~1032 bytes. */
const DEFLATE_MAX_RATIO = 1032;

class ZipReader {
  private readonly entries: Map<string, ZipEntry>;
  private budget: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: XlsxLimits,
  ) {
    this.entries = readCentralDirectory(bytes);
    this.budget = limits.maxXlsxUncompressedBytes;
  }

  has(name: string): boolean {
    return this.entries.has(partKey(name));
  }

  /** The one gate every entry goes through before a byte of it is inflated, on what it declares. */
  private admit(entry: ZipEntry): void {
    if (entry.flags & 0x1) throw businessRule('xlsx.password_protected');
    if (entry.method !== 0 && entry.method !== 8) throw damaged(message('xlsx.unsupported_method', { part: entry.name, method: String(entry.method) }));
    const ratio = entry.originalSize / Math.max(1, entry.compressedSize);
    if (entry.originalSize >= RATIO_FLOOR_BYTES && ratio > this.limits.maxXlsxRatio) throw businessRule('xlsx.zip_bomb');
    if (entry.originalSize > this.budget) throw tooLarge(this.limits);
  }

  /** The entry's bytes, or null when the archive has no such entry. `maxBytes` is a tighter cap
   * for parts that are small in any real workbook. */
  read(name: string, maxBytes = Infinity): Uint8Array | null {
    const entry = this.entries.get(partKey(name));
    if (!entry) return null;
    this.admit(entry);
    if (entry.originalSize > maxBytes) throw damaged(message('xlsx.part_too_large', { part: entry.name }));
    const b = this.bytes;
    const h = entry.localHeaderOffset;
    if (u32(b, h) !== 0x04034b50) throw damaged(message('xlsx.part_misplaced', { part: entry.name }));
    const start = h + 30 + u16(b, h + 26) + u16(b, h + 28);
    const end = start + entry.compressedSize;
    if (end > b.length) throw damaged(message('xlsx.part_cut_short', { part: entry.name }));
    const data = b.subarray(start, end);
    if (entry.method === 0 && entry.compressedSize !== entry.originalSize) throw damaged(message('xlsx.part_sizes', { part: entry.name }));
    const out = entry.method === 0 ? data : inflateBounded(data, entry.originalSize, entry.name);
    // Declared sizes are only a claim: what counts against the budget is what came out.
    if (out.length > entry.originalSize) throw businessRule('xlsx.zip_bomb');
    if (out.length > this.budget) throw tooLarge(this.limits);
    if (out.length > maxBytes) throw damaged(message('xlsx.part_too_large', { part: entry.name }));
    this.budget -= out.length;
    return out;
  }
}

function tooLarge(limits: XlsxLimits): AppError {
  return businessRule(message('xlsx.too_large_decompressed', { max: formatSize(limits.maxXlsxUncompressedBytes) }));
}

/** Inflates at most `cap` bytes (+ one step): an entry producing more than it declared is a bomb. */
function inflateBounded(data: Uint8Array, cap: number, name: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total <= cap) chunks.push(chunk);
  });
  try {
    let off = 0;
    for (;;) {
      // Steps sized so that even at DEFLATE's maximum ratio one step overshoots what is left by at
      // most ~8 MB: big steps while far from the cap, small ones near it (but not so small that
      // the per-step cost of the streaming inflater dominates a normal sheet).
      const step = Math.min(64 * 1024, Math.max(8 * 1024, Math.floor((cap - total) / DEFLATE_MAX_RATIO)));
      const next = Math.min(off + step, data.length);
      const last = next >= data.length;
      inflater.push(data.subarray(off, next), last);
      if (total > cap) throw businessRule('xlsx.zip_bomb');
      if (last) break;
      off = next;
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw damaged(message('xlsx.part_not_inflatable', { part: name }), e);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/*
 * XML reading.
 *
 * Two kinds of parts. The workbook and its relationships are small and only their structure
 * matters: fast-xml-parser reads them (capped at STRUCTURE_PART_MAX_BYTES). The sheet and the
 * shared strings grow with the file, and fast-xml-parser 5 reads them at ~2 MB/s (measured here:
 * 0.4 s for the 770 KB sheet of 5,000 people, 0.25 s for its shared strings; 1.3–1.7 s to refuse
 * a 10,000-row workbook; ~25 s of blocked event loop for the 50 MB the limits let through). So
 * those two are read by the small tag scanner below, which only looks for the handful of elements
 * a list of people needs (row, c, v, is, si, t, rPh) and is an order of magnitude faster.
 *
 * Neither expands entities: parts declaring a DOCTYPE are refused outright, and the five predefined
 * entities and character references are decoded here, in one pass, only in the strings used.
 */

const STRUCTURE_PART_MAX_BYTES = 1024 * 1024;

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && (name === 'sheet' || name === 'Relationship'),
});

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, ref: string) => {
    if (ref[0] !== '#') return NAMED_ENTITIES[ref] ?? m;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/** OOXML's own `_xHHHH_` escapes, how Excel stores control characters such as a line break typed
 * in a cell; `_x005F_` escapes the underscore itself. */
function decodeOoxmlEscapes(s: string): string {
  if (s.indexOf('_x') < 0) return s;
  return s.replace(/_x([0-9a-fA-F]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function decodePart(bytes: Uint8Array, name: string): string {
  let text: string;
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le', { fatal: true }).decode(bytes);
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be', { fatal: true }).decode(bytes);
    else text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw damaged(message('xlsx.part_not_text', { part: name }), e);
  }
  // Spreadsheets never write a document type declaration; one in an upload can only be there to
  // define entities (an "XML bomb", or an external-entity read), so the part is refused unread.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw businessRule('xlsx.xml_doctype');
  }
  return text;
}

type XmlNode = Record<string, unknown>;

function asNode(v: unknown): XmlNode | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as XmlNode) : undefined;
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function nodeAttr(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@_${name}`];
  return typeof v === 'string' ? decodeEntities(v) : undefined;
}

function parseStructure(zip: ZipReader, name: string): XmlNode | null {
  const bytes = zip.read(name, STRUCTURE_PART_MAX_BYTES);
  if (!bytes) return null;
  const text = decodePart(bytes, name);
  try {
    return asNode(xmlParser.parse(text)) ?? {};
  } catch (e) {
    throw damaged(message('xlsx.part_not_xml', { part: name }), e);
  }
}

/*
 * The tag scanner: calls `on` for every start, end and empty-element tag (namespace prefix
 * removed) and for character data (entities decoded; CDATA as is). Comments and processing
 * instructions are skipped. Written as a character loop rather than one regular expression per
 * tag: it is the hot path of a 5,000-row workbook, and the loop is several times faster.
 */

interface ScanEvents {
  start(name: string, attrs: string, selfClosing: boolean): void;
  end(name: string): void;
  /** Whether character data at this point is wanted: most of it is whitespace between tags, and
   * not cutting it out of the document saves most of the scan's time. */
  wantsText(): boolean;
  text(text: string): void;
}

function isNameChar(c: number): boolean {
  // A-Z a-z 0-9 _ - . : and anything non-ASCII (XML names may use letters of any script).
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 45 || c === 46 || c > 127;
}

function scanXml(xml: string, partName: string, on: ScanEvents): void {
  const length = xml.length;
  const broken = (at: number): AppError => damaged(message('xlsx.part_not_xml_near', { part: partName, at: String(at) }));
  let i = 0;
  while (i < length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    if (lt > i && on.wantsText()) on.text(decodeEntities(xml.slice(i, lt)));
    const next = xml.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const close = xml.indexOf('-->', lt + 4);
        if (close < 0) throw broken(lt);
        i = close + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        const close = xml.indexOf(']]>', lt + 9);
        if (close < 0) throw broken(lt);
        if (on.wantsText()) on.text(xml.slice(lt + 9, close));
        i = close + 3;
      } else {
        throw broken(lt);
      }
      continue;
    }
    if (next === 63 /* ? */) {
      const close = xml.indexOf('?>', lt + 2);
      if (close < 0) throw broken(lt);
      i = close + 2;
      continue;
    }
    const closing = next === 47; /* / */
    let j = closing ? lt + 2 : lt + 1;
    const nameStart = j;
    while (j < length && isNameChar(xml.charCodeAt(j))) j++;
    if (j === nameStart) throw broken(lt);
    const qualified = xml.slice(nameStart, j);
    const colon = qualified.lastIndexOf(':');
    const name = colon < 0 ? qualified : qualified.slice(colon + 1);
    // The end of the tag: the first ">" outside a quoted attribute value (values may hold ">").
    let k = j;
    let quote = 0;
    for (; k < length; k++) {
      const c = xml.charCodeAt(k);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) {
        quote = c;
      } else if (c === 62 /* > */ || c === 60 /* < */) {
        break;
      }
    }
    if (k >= length || xml.charCodeAt(k) !== 62) throw broken(lt);
    const selfClosing = !closing && k > j && xml.charCodeAt(k - 1) === 47;
    if (closing) on.end(name);
    else on.start(name, xml.slice(j, selfClosing ? k - 1 : k), selfClosing);
    i = k + 1;
  }
}

const ATTR_PATTERNS = new Map<string, RegExp>();

/** One attribute from a tag's attribute text (namespace prefix ignored: `r:id` is `id`). */
function scanAttr(attrs: string, name: 'r' | 't'): string | undefined {
  if (attrs === '') return undefined;
  let re = ATTR_PATTERNS.get(name);
  if (!re) {
    re = new RegExp(`(?:^|\\s)(?:[\\w.-]+:)?${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
    ATTR_PATTERNS.set(name, re);
  }
  const m = re.exec(attrs);
  return m ? decodeEntities(m[1] ?? m[2] ?? '') : undefined;
}

/** The shared strings: plain `<t>` or rich-text runs `<r><t>` concatenated; phonetic guides
 * (`<rPh>`) are not part of the text. */
function readSharedStrings(xml: string, partName: string): string[] {
  const strings: string[] = [];
  let current: string | null = null;
  let inT = false;
  let phonetic = 0;
  scanXml(xml, partName, {
    start(name, _attrs, selfClosing) {
      if (selfClosing) {
        if (name === 'si') strings.push('');
      } else if (name === 'si') {
        current = '';
      } else if (name === 't') {
        inT = true;
      } else if (name === 'rPh') {
        phonetic++;
      }
    },
    end(name) {
      if (name === 'si' && current !== null) {
        strings.push(decodeOoxmlEscapes(current));
        current = null;
      } else if (name === 't') {
        inT = false;
      } else if (name === 'rPh') {
        phonetic--;
      }
    },
    wantsText: () => inT && phonetic === 0 && current !== null,
    text(text) {
      if (current !== null) current += text;
    },
  });
  return strings;
}

/** Account files have a handful of columns; cells beyond this one are ignored so that a cell
 * placed at XFD1 cannot make every row a 16,384-slot array. */
const MAX_COLUMNS = 256;

function columnIndex(ref: string): number | null {
  const m = /^\$?([A-Za-z]{1,3})\$?\d*$/.exec(ref);
  if (!m) return null;
  let n = 0;
  for (const ch of m[1]!.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

interface CellState {
  column: number;
  type: string | undefined;
  value: string;
  inline: string;
}

function cellText(cell: CellState, shared: readonly string[] | null): string {
  switch (cell.type) {
    case 'inlineStr':
      return decodeOoxmlEscapes(cell.inline);
    case 's': {
      if (cell.value.trim() === '') return '';
      const s = shared?.[Number(cell.value)];
      if (s === undefined) throw damaged(message('xlsx.missing_shared_string', { index: cell.value.slice(0, 20) }));
      return s;
    }
    case 'b':
      return cell.value === '1' ? 'TRUE' : cell.value === '0' ? 'FALSE' : cell.value;
    case 'str':
      return decodeOoxmlEscapes(cell.value);
    default:
      // Numbers, dates (serial numbers) and errors (`e`): the stored text.
      return cell.value;
  }
}

export interface XlsxGrid {
  /** The non-blank rows, at most `keepRows` of them. */
  rows: GridRow[];
  /** How many non-blank rows the sheet has in all. */
  total: number;
}

/**
 * The first sheet's rows. Only the first `keepRows` non-blank rows are kept: beyond them the
 * file is refused anyway, and they are only counted, so a sheet of a million tiny rows costs a
 * scan, not a million arrays.
 */
function readSheet(xml: string, partName: string, shared: readonly string[] | null, keepRows: number): XlsxGrid {
  const rows: GridRow[] = [];
  let total = 0;
  let previousLine = 0;
  let cells: string[] | null = null;
  let line = 0;
  let previousColumn = -1;
  let cell: CellState | null = null;
  let inV = false;
  let inIs = false;
  let inT = false;
  let phonetic = 0;

  const startRow = (attrs: string): void => {
    // `r` is optional in the format: a row without it follows the previous one.
    const r = Number(scanAttr(attrs, 'r'));
    line = Number.isInteger(r) && r > 0 ? r : previousLine + 1;
    previousLine = line;
    cells = [];
    previousColumn = -1;
  };
  const endRow = (): void => {
    if (cells === null) return;
    // Missing cells (never written because empty) become empty strings.
    const dense = Array.from(cells, (c) => c ?? '');
    if (!isBlankRow(dense)) {
      total++;
      if (rows.length < keepRows) rows.push({ line, cells: dense });
    }
    cells = null;
  };
  const endCell = (): void => {
    if (cell === null || cells === null) return;
    if (cell.column < MAX_COLUMNS) cells[cell.column] = cellText(cell, shared);
    cell = null;
  };

  scanXml(xml, partName, {
    start(name, attrs, selfClosing) {
      switch (name) {
        case 'row':
          startRow(attrs);
          if (selfClosing) endRow();
          break;
        case 'c': {
          if (cells === null) break;
          const ref = scanAttr(attrs, 'r');
          const column = (ref === undefined ? null : columnIndex(ref)) ?? previousColumn + 1;
          previousColumn = column;
          cell = { column, type: scanAttr(attrs, 't'), value: '', inline: '' };
          if (selfClosing) endCell();
          break;
        }
        case 'v':
          inV = !selfClosing && cell !== null;
          break;
        case 'is':
          inIs = !selfClosing && cell !== null;
          break;
        case 't':
          inT = !selfClosing && inIs;
          break;
        case 'rPh':
          if (!selfClosing) phonetic++;
          break;
      }
    },
    end(name) {
      switch (name) {
        case 'row':
          endCell();
          endRow();
          break;
        case 'c':
          endCell();
          break;
        case 'v':
          inV = false;
          break;
        case 'is':
          inIs = false;
          break;
        case 't':
          inT = false;
          break;
        case 'rPh':
          phonetic--;
          break;
      }
    },
    wantsText: () => cell !== null && (inV || (inT && phonetic === 0)),
    text(text) {
      if (cell === null) return;
      if (inV) cell.value += text;
      else cell.inline += text;
    },
  });
  return { rows, total };
}

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06));
}

/** What a ZIP that is not a workbook probably is, to say so instead of "not a workbook". */
function whatZipIs(zip: ZipReader): PlainKey {
  if (zip.has('word/document.xml')) return 'xlsx.word';
  if (zip.has('ppt/presentation.xml')) return 'xlsx.powerpoint';
  if (zip.has('content.xml') && zip.has('mimetype')) return 'xlsx.opendocument';
  return 'xlsx.zip';
}

/** A relationship target, relative to the `xl/` folder unless absolute. */
function resolveTarget(target: string): string {
  const parts = target.startsWith('/') ? [] : ['xl'];
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

export function readXlsx(bytes: Uint8Array, filename: string, limits: XlsxLimits, keepRows: number): XlsxGrid {
  const zip = new ZipReader(bytes, limits);
  if (!zip.has('xl/workbook.xml')) {
    const file = filename.trim() === '' ? message('xlsx.the_file') : quoted(filename, 101);
    throw new AppError('unsupported_media_type', message('xlsx.not_a_workbook', { file, what: message(whatZipIs(zip)) }));
  }
  const workbook = parseStructure(zip, 'xl/workbook.xml')!;
  const relsDoc = parseStructure(zip, 'xl/_rels/workbook.xml.rels');
  if (!relsDoc) throw damaged('xlsx.no_rels');
  const rels = asArray(asNode(relsDoc.Relationships)?.Relationship).map(asNode);

  // The first sheet in workbook order (the first tab), not the first file in the archive.
  const firstSheet = asNode(asArray(asNode(asNode(workbook.workbook)?.sheets)?.sheet)[0]);
  if (!firstSheet) throw businessRule('xlsx.no_sheet');
  const rid = nodeAttr(firstSheet, 'id'); // r:id, namespace prefix removed
  const sheetTarget = nodeAttr(
    rels.find((r) => nodeAttr(r, 'Id') === rid),
    'Target',
  );
  if (!sheetTarget) throw damaged('xlsx.sheet_without_part');
  const sharedRel = rels.find((r) => (nodeAttr(r, 'Type') ?? '').endsWith('/sharedStrings'));
  const sharedPath = resolveTarget(nodeAttr(sharedRel, 'Target') ?? 'sharedStrings.xml');

  const sharedBytes = zip.read(sharedPath);
  const shared = sharedBytes ? readSharedStrings(decodePart(sharedBytes, sharedPath), sharedPath) : null;

  const sheetPath = resolveTarget(sheetTarget);
  const sheetBytes = zip.read(sheetPath);
  if (!sheetBytes) throw damaged(message('xlsx.sheet_missing', { path: sheetPath }));
  return readSheet(decodePart(sheetBytes, sheetPath), sheetPath, shared, keepRows);
}
