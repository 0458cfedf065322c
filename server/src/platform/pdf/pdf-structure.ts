import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, type PDFObject } from 'pdf-lib';

/**
 * What a PDF is made of, read with pdf-lib without executing or rendering anything: encryption,
 * active content (JavaScript, launch actions), page boxes, and whether any compressed stream
 * inflates to an absurd size (a decompression bomb).
 */
export interface PdfStructure {
  encrypted: boolean;
  pageCount: number;
  /** Each page's visible box in points, with its /Rotate. */
  pages: Array<{ widthPt: number; heightPt: number; rotate: number }>;
  activeContent: string[];
  /** Fonts used without being carried in the file (the printer substitutes them). */
  fontsNotEmbedded: string[];
  /** The largest any single stream inflates to, in bytes (bounded by the guard). */
  bomb: boolean;
}

export class PdfUnreadableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfUnreadableError';
  }
}

export interface BombLimits {
  /** One stream may not inflate past this… */
  maxStreamBytes: number;
  /** …nor all of them together past this. */
  maxTotalBytes: number;
}

export const DEFAULT_BOMB_LIMITS: BombLimits = { maxStreamBytes: 64 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024 };

const ACTIVE_ACTIONS = new Set(['JavaScript', 'Launch', 'ImportData', 'SubmitForm', 'ResetForm', 'Rendition']);

function nameOf(o: PDFObject | undefined): string | undefined {
  return o instanceof PDFName ? o.decodeText() : undefined;
}

/** Looks at every dictionary for the keys and action types that make a PDF do things. */
function findActiveContent(doc: PDFDocument): string[] {
  const found = new Set<string>();
  const visit = (o: PDFObject | undefined, depth: number) => {
    if (!o || depth > 6) return;
    if (o instanceof PDFRef) return; // every indirect object is visited on its own below
    const dict = o instanceof PDFDict ? o : o instanceof PDFRawStream ? o.dict : undefined;
    if (dict) {
      const s = nameOf(dict.get(PDFName.of('S')));
      if (s && ACTIVE_ACTIONS.has(s)) found.add(s === 'JavaScript' ? 'JavaScript' : `${s} action`);
      if (dict.has(PDFName.of('JS'))) found.add('JavaScript');
      if (dict.has(PDFName.of('JavaScript'))) found.add('JavaScript');
      if (dict.has(PDFName.of('AA'))) found.add('automatic actions (/AA)');
      if (dict.has(PDFName.of('EmbeddedFiles'))) found.add('embedded files');
      for (const [, value] of dict.entries()) visit(value, depth + 1);
    } else if (o instanceof PDFArray) {
      for (const value of o.asArray()) visit(value, depth + 1);
    }
  };
  for (const [, object] of doc.context.enumerateIndirectObjects()) visit(object, 0);
  return [...found].sort();
}

/** Fonts a PDF uses without carrying them. Type0 and Type3 are skipped: the first delegates to
 * its descendant (visited on its own), the second draws with its own procedures. */
function findFontsNotEmbedded(doc: PDFDocument): string[] {
  const missing = new Set<string>();
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Type')) !== PDFName.of('Font')) continue;
    const subtype = object.get(PDFName.of('Subtype'));
    if (subtype === PDFName.of('Type0') || subtype === PDFName.of('Type3')) continue;
    const base = object.get(PDFName.of('BaseFont'));
    const descriptorRef = object.get(PDFName.of('FontDescriptor'));
    const descriptor = descriptorRef instanceof PDFRef ? doc.context.lookup(descriptorRef) : descriptorRef;
    const embedded = descriptor instanceof PDFDict && ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor.has(PDFName.of(k)));
    if (!embedded && base instanceof PDFName) missing.add(base.decodeText().replace(/^[A-Z]{6}\+/, ''));
  }
  return [...missing].sort();
}

function inflatesTooMuch(doc: PDFDocument, limits: BombLimits): boolean {
  let total = 0;
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    const filter = object.dict.get(PDFName.of('Filter'));
    const filters = filter instanceof PDFArray ? filter.asArray().map(nameOf) : [nameOf(filter)];
    if (filters[0] !== 'FlateDecode') continue;
    try {
      // maxOutputLength makes zlib stop (and throw) instead of filling memory.
      total += inflateSync(object.contents, { maxOutputLength: Math.min(limits.maxStreamBytes, limits.maxTotalBytes - total + 1) }).length;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return true;
      // A damaged stream is pdf.js's business to report (or to render around), not a bomb.
    }
    if (total > limits.maxTotalBytes) return true;
  }
  return false;
}

export async function readPdfStructure(bytes: Uint8Array, limits: BombLimits = DEFAULT_BOMB_LIMITS): Promise<PdfStructure> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  } catch (err) {
    throw new PdfUnreadableError('The PDF structure cannot be read.', { cause: err });
  }
  const encrypted = doc.isEncrypted;
  let pages: PdfStructure['pages'] = [];
  try {
    pages = doc.getPages().map((p) => {
      const box = p.getCropBox();
      return { widthPt: box.width, heightPt: box.height, rotate: ((p.getRotation().angle % 360) + 360) % 360 };
    });
  } catch (err) {
    if (!encrypted) throw new PdfUnreadableError('The PDF page tree is broken.', { cause: err });
  }
  return {
    encrypted,
    pageCount: pages.length,
    pages,
    activeContent: encrypted ? [] : findActiveContent(doc),
    fontsNotEmbedded: encrypted ? [] : findFontsNotEmbedded(doc),
    bomb: encrypted ? false : inflatesTooMuch(doc, limits),
  };
}
