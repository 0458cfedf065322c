import path from 'node:path';
import { createRequire } from 'node:module';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument, type PDFDocumentProxy } from './pdfjs-module.js';

/**
 * pdf.js in Node (legacy build): reading text with its position, and rendering pages. The bytes
 * are copied in because pdf.js takes ownership of the buffer it is given.
 */
const require = createRequire(import.meta.url);
const STANDARD_FONTS = `${path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

export { MM } from './text-pages.js';
import { MM } from './text-pages.js';

export interface ZoneMm {
  /** From the page's top-left corner, in millimetres. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export async function openPdfJs(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  return getDocument({
    // A plain Uint8Array copy: pdf.js refuses Node Buffers and detaches what it is given.
    data: new Uint8Array(bytes),
    standardFontDataUrl: STANDARD_FONTS,
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
  }).promise;
}

export interface TextItemMm {
  text: string;
  /** Start of the baseline, from the top-left corner. */
  xMm: number;
  baselineMm: number;
  heightMm: number;
}

/**
 * The text lines whose baseline starts inside the zone, top to bottom. Items on one baseline
 * (within 1 mm) form a line, joined left to right.
 */
export function linesInZone(items: TextItemMm[], zone: ZoneMm): string[] {
  const inside = items.filter((i) => i.xMm >= zone.x1 && i.xMm <= zone.x2 && i.baselineMm >= zone.y1 && i.baselineMm <= zone.y2);
  inside.sort((a, b) => a.baselineMm - b.baselineMm || a.xMm - b.xMm);
  const lines: TextItemMm[][] = [];
  for (const item of inside) {
    const current = lines[lines.length - 1];
    if (current && Math.abs(current[0]!.baselineMm - item.baselineMm) <= 1) current.push(item);
    else lines.push([item]);
  }
  return lines.map((l) =>
    l
      .sort((a, b) => a.xMm - b.xMm)
      .map((i) => i.text)
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** Renders a page to PNG at the given resolution; optionally dims everything outside a zone. */
export async function renderPagePng(doc: PDFDocumentProxy, pageNumber: number, opts: { dpi: number; window?: ZoneMm }): Promise<Buffer> {
  const page = await doc.getPage(pageNumber);
  const viewport = page.getViewport({ scale: opts.dpi / 72 });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport, canvas: canvas as unknown as HTMLCanvasElement }).promise;
  if (opts.window) {
    const px = opts.dpi / 25.4;
    const w = opts.window;
    // What the envelope hides is greyed; the window shows the page as it is, outlined.
    ctx.fillStyle = 'rgba(40, 40, 60, 0.55)';
    ctx.beginPath();
    ctx.rect(0, 0, canvas.width, canvas.height);
    ctx.rect(w.x1 * px, w.y1 * px, (w.x2 - w.x1) * px, (w.y2 - w.y1) * px);
    ctx.fill('evenodd');
    ctx.strokeStyle = '#d9480f';
    ctx.lineWidth = Math.max(2, px * 0.5);
    ctx.strokeRect(w.x1 * px, w.y1 * px, (w.x2 - w.x1) * px, (w.y2 - w.y1) * px);
  }
  page.cleanup();
  return canvas.toBuffer('image/png');
}

/**
 * Whether anything is drawn in a zone (text, vector art or images): renders just that strip at
 * low resolution and looks for a pixel that is not white.
 */
export async function zoneHasInk(doc: PDFDocumentProxy, pageNumber: number, zone: ZoneMm, dpi = 72): Promise<boolean> {
  const page = await doc.getPage(pageNumber);
  const scale = dpi / 72;
  const viewport = page.getViewport({ scale, offsetX: (-zone.x1 * MM) * scale, offsetY: (-zone.y1 * MM) * scale });
  const width = Math.max(1, Math.ceil((zone.x2 - zone.x1) * MM * scale));
  const height = Math.max(1, Math.ceil((zone.y2 - zone.y1) * MM * scale));
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  await page.render({ canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport, canvas: canvas as unknown as HTMLCanvasElement }).promise;
  page.cleanup();
  const data = ctx.getImageData(0, 0, width, height).data;
  for (let i = 0; i < data.length; i += 4) {
    // Near-white counts as paper: anti-aliasing at the strip's edge is not content.
    if (data[i]! < 235 || data[i + 1]! < 235 || data[i + 2]! < 235) return true;
  }
  return false;
}

/** The text of the first `maxPages` pages, page after page (full-text search of archived PDFs). */
export async function pdfText(doc: PDFDocumentProxy, maxPages: number): Promise<string> {
  const parts: string[] = [];
  for (let n = 1; n <= Math.min(doc.numPages, maxPages); n += 1) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    parts.push(content.items.map((i) => ('str' in i ? i.str : '')).join(' '));
    page.cleanup();
  }
  return parts.join('\n');
}
