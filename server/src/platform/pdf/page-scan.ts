import { OPS, type PDFDocumentProxy } from './pdfjs-module.js';
import { MM, type TextItemMm, type ZoneMm } from './pdfjs.js';

/**
 * One pass over a page's operator list (pdf.js parses the content stream once) that yields both
 * what bulk inspection needs: the text runs with their positions (for the address window) and
 * whether anything may be drawn in a watched zone (the inserter mark zone). Rendering a strip for
 * every page cost three times as much; here a page is only rendered when a drawn thing's bounding
 * box touches the zone, to tell real ink from, say, a white rectangle.
 *
 * Coordinates: the initial matrix is the viewport's, so everything comes out in points from the
 * page's top-left corner (rotation and crop box included), then in millimetres.
 */
type Matrix = [number, number, number, number, number, number];
/** [x1, y1, x2, y2] in viewport points. */
type Box = [number, number, number, number];

export interface PageScan {
  text: TextItemMm[];
  /** Something drawn (not white, not invisible text) has a bounding box touching the zone. */
  mayHaveInkInZone: boolean;
}

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m1 then m2 (PDF row-vector convention: m1 × m2). */
function mul(m1: Matrix, m2: Matrix): Matrix {
  return [
    m1[0]! * m2[0] + m1[1]! * m2[2],
    m1[0]! * m2[1] + m1[1]! * m2[3],
    m1[2]! * m2[0] + m1[3]! * m2[2],
    m1[2]! * m2[1] + m1[3]! * m2[3],
    m1[4]! * m2[0] + m1[5]! * m2[2] + m2[4],
    m1[4]! * m2[1] + m1[5]! * m2[3] + m2[5],
  ];
}

const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

function boxThrough(m: Matrix, x1: number, y1: number, x2: number, y2: number): Box {
  const pts = [apply(m, x1, y1), apply(m, x2, y1), apply(m, x1, y2), apply(m, x2, y2)];
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function intersect(a: Box, b: Box | null): Box | null {
  if (!b) return a;
  const r: Box = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  return r[0] <= r[2] && r[1] <= r[3] ? r : null;
}

interface GraphicsState {
  ctm: Matrix;
  clip: Box | null;
  fillWhite: boolean;
  strokeWhite: boolean;
  lineWidth: number;
  font: string | null;
  fontSize: number;
  charSpacing: number;
  wordSpacing: number;
  hScale: number;
  leading: number;
  rise: number;
  renderMode: number;
}

interface Glyph {
  unicode: string;
  width: number;
  isSpace: boolean;
}

interface Run {
  text: string;
  x: number;
  y: number;
  endX: number;
  size: number;
}

const PAINTING_PATH = new Map<number, 'fill' | 'stroke' | 'both'>([
  [OPS.fill, 'fill'],
  [OPS.eoFill, 'fill'],
  [OPS.stroke, 'stroke'],
  [OPS.closeStroke, 'stroke'],
  [OPS.fillStroke, 'both'],
  [OPS.eoFillStroke, 'both'],
  [OPS.closeFillStroke, 'both'],
  [OPS.closeEOFillStroke, 'both'],
]);

/** Painted somewhere in the clip, positions not worth decoding: counted as the whole clip. */
const PAINTS_CLIP = new Set([OPS.shadingFill, OPS.paintImageXObjectRepeat, OPS.paintImageMaskXObjectRepeat, OPS.paintImageMaskXObjectGroup, OPS.paintInlineImageXObjectGroup, OPS.rawFillPath]);

/** pdf.js passes a matrix either as six numbers or as one typed array of six. */
const matrixArg = (args: unknown[]): Matrix => Array.from((args.length === 1 ? args[0] : args) as ArrayLike<number>).slice(0, 6) as Matrix;

const isWhite = (color: unknown) => typeof color === 'string' && color.toLowerCase() === '#ffffff';

export async function scanPage(doc: PDFDocumentProxy, pageNumber: number, watch: ZoneMm): Promise<PageScan> {
  const page = await doc.getPage(pageNumber);
  try {
    const viewport = page.getViewport({ scale: 1 });
    const { fnArray, argsArray } = await page.getOperatorList();
    const zone: Box = [watch.x1 * MM, watch.y1 * MM, watch.x2 * MM, watch.y2 * MM];
    const pageBox: Box = [0, 0, viewport.width, viewport.height];
    const fontMatrices = new Map<string, number>();
    const advanceScale = (font: string | null) => {
      if (!font) return 0.001;
      let s = fontMatrices.get(font);
      if (s === undefined) {
        const loaded = page.commonObjs.has(font) ? (page.commonObjs.get(font) as { fontMatrix?: number[] }) : undefined;
        s = loaded?.fontMatrix?.[0] ?? 0.001;
        fontMatrices.set(font, s);
      }
      return s;
    };

    let gs: GraphicsState = { ctm: viewport.transform as Matrix, clip: null, fillWhite: false, strokeWhite: false, lineWidth: 1, font: null, fontSize: 0, charSpacing: 0, wordSpacing: 0, hScale: 1, leading: 0, rise: 0, renderMode: 0 };
    const stack: GraphicsState[] = [];
    let tm: Matrix = IDENTITY;
    let tlm: Matrix = IDENTITY;
    let pendingClip = false;
    let inAnnotation = 0;
    let mayHaveInk = false;
    const runs: Run[] = [];

    const ink = (box: Box) => {
      if (mayHaveInk) return;
      const visible = intersect(box, gs.clip);
      if (visible && intersect(visible, zone)) mayHaveInk = true;
    };
    const moveText = (tx: number, ty: number) => {
      tlm = mul([1, 0, 0, 1, tx, ty], tlm);
      tm = tlm;
    };

    for (let i = 0; i < fnArray.length; i++) {
      const fn = fnArray[i]!;
      const args = argsArray[i] as unknown[] | null;
      if (inAnnotation > 0) {
        if (fn === OPS.beginAnnotation) inAnnotation++;
        else if (fn === OPS.endAnnotation) inAnnotation--;
        continue;
      }
      switch (fn) {
        case OPS.save:
        case OPS.beginGroup:
          stack.push(gs);
          gs = { ...gs };
          break;
        case OPS.restore:
        case OPS.endGroup:
        case OPS.paintFormXObjectEnd:
          gs = stack.pop() ?? gs;
          break;
        case OPS.transform:
          gs.ctm = mul(matrixArg(args!), gs.ctm);
          break;
        case OPS.paintFormXObjectBegin: {
          stack.push(gs);
          gs = { ...gs };
          const [matrix, bbox] = args as [ArrayLike<number> | null, ArrayLike<number> | null];
          if (matrix) gs.ctm = mul(matrixArg([matrix]), gs.ctm);
          if (bbox) gs.clip = intersect(boxThrough(gs.ctm, bbox[0]!, bbox[1]!, bbox[2]!, bbox[3]!), gs.clip) ?? [0, 0, 0, 0];
          break;
        }
        case OPS.beginAnnotation: {
          // An annotation's appearance counts as ink over its whole rectangle; its text is not the letter's.
          const rect = args?.[1] as ArrayLike<number> | null;
          ink(rect ? boxThrough(viewport.transform as Matrix, rect[0]!, rect[1]!, rect[2]!, rect[3]!) : pageBox);
          inAnnotation = 1;
          break;
        }
        case OPS.setLineWidth:
          gs.lineWidth = args![0] as number;
          break;
        case OPS.setFillRGBColor:
          gs.fillWhite = isWhite(args![0]);
          break;
        case OPS.setStrokeRGBColor:
          gs.strokeWhite = isWhite(args![0]);
          break;
        case OPS.setFillColorN:
        case OPS.setFillColor:
          gs.fillWhite = false;
          break;
        case OPS.setStrokeColorN:
        case OPS.setStrokeColor:
          gs.strokeWhite = false;
          break;
        case OPS.setFillTransparent:
          gs.fillWhite = true;
          break;
        case OPS.setStrokeTransparent:
          gs.strokeWhite = true;
          break;
        case OPS.clip:
        case OPS.eoClip:
          pendingClip = true;
          break;
        case OPS.constructPath: {
          const [op, , minMax] = args as [number, unknown, ArrayLike<number> | null];
          const painting = PAINTING_PATH.get(op);
          if (minMax && minMax[0]! <= minMax[2]!) {
            const pad = painting === 'stroke' || painting === 'both' ? gs.lineWidth / 2 : 0;
            const box = boxThrough(gs.ctm, minMax[0]! - pad, minMax[1]! - pad, minMax[2]! + pad, minMax[3]! + pad);
            if ((painting === 'fill' || painting === 'both') && !gs.fillWhite) ink(box);
            if ((painting === 'stroke' || painting === 'both') && !gs.strokeWhite) ink(box);
            if (pendingClip) gs.clip = intersect(box, gs.clip) ?? [0, 0, 0, 0];
          } else if (painting) {
            ink(gs.clip ?? pageBox);
          }
          pendingClip = false;
          break;
        }
        case OPS.paintImageXObject:
        case OPS.paintInlineImageXObject:
        case OPS.paintImageMaskXObject:
        case OPS.paintSolidColorImageMask:
          ink(boxThrough(gs.ctm, 0, 0, 1, 1));
          break;
        case OPS.beginText:
          tm = tlm = IDENTITY;
          break;
        case OPS.setTextMatrix:
          tm = tlm = matrixArg(args!);
          break;
        case OPS.moveText:
          moveText(args![0] as number, args![1] as number);
          break;
        case OPS.setLeadingMoveText:
          gs.leading = -(args![1] as number);
          moveText(args![0] as number, args![1] as number);
          break;
        case OPS.nextLine:
          moveText(0, -gs.leading);
          break;
        case OPS.setLeading:
          gs.leading = args![0] as number;
          break;
        case OPS.setCharSpacing:
          gs.charSpacing = args![0] as number;
          break;
        case OPS.setWordSpacing:
          gs.wordSpacing = args![0] as number;
          break;
        case OPS.setHScale:
          gs.hScale = (args![0] as number) / 100;
          break;
        case OPS.setTextRise:
          gs.rise = args![0] as number;
          break;
        case OPS.setTextRenderingMode:
          gs.renderMode = args![0] as number;
          break;
        case OPS.setFont:
          gs.font = args![0] as string;
          gs.fontSize = args![1] as number;
          break;
        case OPS.showText: {
          const glyphs = args![0] as Array<Glyph | number>;
          const size = gs.fontSize;
          const scale = advanceScale(gs.font);
          let x = 0;
          let text = '';
          for (const g of glyphs) {
            if (typeof g === 'number') {
              const dx = (-g / 1000) * size * gs.hScale;
              // A wide forward kern is how some producers write a space between words.
              if (g < -200 && text !== '' && !text.endsWith(' ')) text += ' ';
              x += dx;
              continue;
            }
            text += g.unicode;
            x += (g.width * scale * size + gs.charSpacing + (g.isSpace ? gs.wordSpacing : 0)) * gs.hScale;
          }
          const m = mul(tm, gs.ctm);
          const [sx, sy] = apply(m, 0, gs.rise);
          const [ex] = apply(m, x, gs.rise);
          const height = Math.hypot(m[2], m[3]) * Math.abs(size);
          // Invisible text (3) and clip-only text (7) leave no ink, but still read as text.
          if (gs.renderMode !== 3 && gs.renderMode !== 7 && !(gs.fillWhite && gs.renderMode === 0)) {
            const em = Math.abs(size);
            ink(boxThrough(m, Math.min(0, x) - 0.2 * em, gs.rise - 0.35 * em, Math.max(0, x) + 0.2 * em, gs.rise + 1.1 * em));
          }
          if (text.trim() !== '') runs.push({ text, x: sx, y: sy, endX: ex, size: height });
          tm = mul([1, 0, 0, 1, x, 0], tm);
          break;
        }
        default:
          if (PAINTS_CLIP.has(fn)) ink(gs.clip ?? pageBox);
      }
    }
    return { text: mergeRuns(runs), mayHaveInkInZone: mayHaveInk };
  } finally {
    page.cleanup();
  }
}

/**
 * Runs that continue one another on a baseline become one item (a word split by a font or kerning
 * change stays one word); a visible gap becomes a space.
 */
function mergeRuns(runs: Run[]): TextItemMm[] {
  const items: TextItemMm[] = [];
  let current: Run | null = null;
  for (const run of runs) {
    if (current && Math.abs(run.y - current.y) < 0.5 && run.x >= current.endX - 0.5 && run.x - current.endX < 0.6 * Math.max(run.size, current.size)) {
      const gap = run.x - current.endX;
      current.text += gap > 0.15 * Math.max(run.size, current.size) && !current.text.endsWith(' ') && !run.text.startsWith(' ') ? ` ${run.text}` : run.text;
      current.endX = run.endX;
      continue;
    }
    if (current) items.push(toMm(current));
    current = { ...run };
  }
  if (current) items.push(toMm(current));
  return items;
}

const toMm = (r: Run): TextItemMm => ({ text: r.text, xMm: r.x / MM, baselineMm: r.y / MM, heightMm: r.size / MM });
