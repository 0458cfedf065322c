import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, type PDFObject } from 'pdf-lib';
import { DEFAULT_BOMB_LIMITS, expandsTooMuch, type BombLimits } from './decompression-guard.js';

/**
 * What a PDF is made of, read with pdf-lib without executing or rendering anything: encryption,
 * active content (JavaScript, launch actions), page boxes — once the decompression-bomb guard
 * has passed the raw bytes.
 */
export interface PdfStructure {
  encrypted: boolean;
  pageCount: number;
  /** Each page's visible box in points, with its /Rotate. */
  pages: Array<{ widthPt: number; heightPt: number; rotate: number }>;
  activeContent: string[];
  /** Fonts used without being carried in the file (the printer substitutes them). */
  fontsNotEmbedded: string[];
  /** Where the pages are, for {@link withBalancedPageTree}. */
  pageTree: PageTree | null;
}

export interface PageTree {
  /** The document catalog (/Root of the trailer). */
  catalog: [number, number];
  /** The object number and generation of the root /Pages node. */
  root: [number, number];
  /** The root node's own entries that pages inherit (/Resources, /MediaBox, /CropBox, /Rotate), as PDF text. */
  inherited: string;
  pages: Array<[number, number]>;
  /** The first object number not in use. */
  nextObject: number;
}

export class PdfUnreadableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfUnreadableError';
  }
}

/** A document that would decode past the guard's limits: no reader was given it. */
export class PdfTooComplexError extends Error {
  constructor() {
    super('The PDF decodes past the decompression limits.');
    this.name = 'PdfTooComplexError';
  }
}

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

export async function readPdfStructure(bytes: Uint8Array, limits: BombLimits = DEFAULT_BOMB_LIMITS): Promise<PdfStructure> {
  // First: pdf-lib inflates object streams while loading, without any limit.
  if (expandsTooMuch(bytes, limits)) throw new PdfTooComplexError();
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  } catch (err) {
    throw new PdfUnreadableError('The PDF structure cannot be read.', { cause: err });
  }
  const encrypted = doc.isEncrypted;
  let pages: PdfStructure['pages'] = [];
  let pageTree: PageTree | null = null;
  try {
    const pdfPages = doc.getPages();
    pageTree = pageTreeOf(doc, pdfPages.map((p) => p.ref));
    pages = pdfPages.map((p) => {
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
    pageTree: encrypted ? null : pageTree,
  };
}

const INHERITED = ['Resources', 'MediaBox', 'CropBox', 'Rotate'];

function pageTreeOf(doc: PDFDocument, pageRefs: PDFRef[]): PageTree | null {
  const catalogRef = doc.context.trailerInfo.Root;
  const rootRef = doc.catalog.get(PDFName.of('Pages'));
  if (!(rootRef instanceof PDFRef) || !(catalogRef instanceof PDFRef)) return null;
  const root = doc.context.lookup(rootRef);
  if (!(root instanceof PDFDict)) return null;
  const inherited = INHERITED.filter((k) => root.has(PDFName.of(k)))
    .map((k) => `/${k} ${root.get(PDFName.of(k))!.toString()}`)
    .join(' ');
  return { catalog: [catalogRef.objectNumber, catalogRef.generationNumber], root: [rootRef.objectNumber, rootRef.generationNumber], inherited, pages: pageRefs.map((r) => [r.objectNumber, r.generationNumber]), nextObject: doc.context.largestObjectNumber + 1 };
}

/**
 * pdf.js finds page n by walking the page tree from the first kid, so a flat tree of 30,000 pages
 * (what qpdf and many mail-merge tools write) costs it O(n) per page and O(n²) per document. For
 * reading only, this appends an incremental update that replaces the root /Pages node by a
 * two-level tree (√n nodes of √n pages); the pages themselves, their /Parent chains and their
 * content are untouched. The stored upload never sees this: it is a copy handed to the reader.
 */
export function withBalancedPageTree(bytes: Uint8Array, pageTree: PageTree | null): Uint8Array {
  let tree = pageTree;
  if (!tree || tree.pages.length <= 256) return bytes;
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 1024))).toString('latin1');
  const startxref = [...tail.matchAll(/startxref\s+(\d+)/g)].pop()?.[1];
  if (startxref === undefined) return bytes;
  // New objects take numbers past the trailer's /Size (an xref stream's own number is not among
  // the objects pdf-lib lists): the last /Size is either in the xref stream's dictionary, at
  // startxref, or in the trailer, at the end.
  const near = Buffer.from(bytes.subarray(Number(startxref), Number(startxref) + 2048)).toString('latin1') + tail;
  const size = Math.max(tree.nextObject, ...[...near.matchAll(/\/Size\s+(\d+)/g)].map((m) => Number(m[1])));
  tree = { ...tree, nextObject: size };
  const ref = ([n, g]: [number, number]) => `${n} ${g} R`;
  const [rootNum, rootGen] = tree.root;
  const group = Math.ceil(Math.sqrt(tree.pages.length));
  const objects: Array<{ num: number; gen: number; body: string }> = [];
  const nodes: number[] = [];
  for (let i = 0; i < tree.pages.length; i += group) {
    const kids = tree.pages.slice(i, i + group);
    const num = tree.nextObject + nodes.length;
    nodes.push(num);
    objects.push({ num, gen: 0, body: `<< /Type /Pages /Parent ${rootNum} ${rootGen} R /Kids [${kids.map(ref).join(' ')}] /Count ${kids.length} >>` });
  }
  objects.push({ num: rootNum, gen: rootGen, body: `<< /Type /Pages /Kids [${nodes.map((n) => `${n} 0 R`).join(' ')}] /Count ${tree.pages.length} ${tree.inherited} >>` });
  let text = '\n';
  const offsets = new Map<number, [number, number]>();
  for (const o of objects) {
    offsets.set(o.num, [bytes.length + Buffer.byteLength(text, 'latin1'), o.gen]);
    text += `${o.num} ${o.gen} obj\n${o.body}\nendobj\n`;
  }
  const xrefAt = bytes.length + Buffer.byteLength(text, 'latin1');
  const entry = ([offset, gen]: [number, number]) => `${String(offset).padStart(10, '0')} ${String(gen).padStart(5, '0')} n\r\n`;
  text += `xref\n${rootNum} 1\n${entry(offsets.get(rootNum)!)}${tree.nextObject} ${nodes.length}\n${nodes.map((n) => entry(offsets.get(n)!)).join('')}`;
  text += `trailer\n<< /Size ${tree.nextObject + nodes.length} /Root ${ref(tree.catalog)} /Prev ${startxref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([bytes, Buffer.from(text, 'latin1')]);
}
