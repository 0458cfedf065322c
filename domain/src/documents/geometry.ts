/**
 * Where things are on an A4 letter (spec §9), as data the provider can change. Coordinates are
 * millimetres from the page's top-left corner, as people measure on paper.
 */
export interface ZoneMm {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export const A4 = { widthMm: 210, heightMm: 297, toleranceMm: 2 } as const;

export const DEFAULT_LAYOUT = {
  /** What shows through the envelope's window: the address must be there, and only it. */
  window: { x1: 90, y1: 45, x2: 190, y2: 100 } satisfies ZoneMm,
  /** The strip where the production floor prints its control code on every sheet's front. */
  insertionMark: { x1: 3, y1: 100, x2: 9, y2: 200 } satisfies ZoneMm,
} as const;

export type PageFormat = 'a4_portrait' | 'a4_landscape' | 'us_letter' | 'a3' | 'other';

const PT_PER_MM = 72 / 25.4;

function near(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol;
}

/** The format a page is printed at, its /Rotate applied (a rotated A4 portrait box is landscape). */
export function pageFormat(widthPt: number, heightPt: number, rotate: number): { format: PageFormat; widthMm: number; heightMm: number } {
  const swap = rotate % 180 !== 0;
  const widthMm = (swap ? heightPt : widthPt) / PT_PER_MM;
  const heightMm = (swap ? widthPt : heightPt) / PT_PER_MM;
  const t = A4.toleranceMm;
  let format: PageFormat = 'other';
  if (near(widthMm, A4.widthMm, t) && near(heightMm, A4.heightMm, t)) format = 'a4_portrait';
  else if (near(widthMm, A4.heightMm, t) && near(heightMm, A4.widthMm, t)) format = 'a4_landscape';
  else if ((near(widthMm, 215.9, t) && near(heightMm, 279.4, t)) || (near(widthMm, 279.4, t) && near(heightMm, 215.9, t))) format = 'us_letter';
  else if ((near(widthMm, 297, t) && near(heightMm, 420, t)) || (near(widthMm, 420, t) && near(heightMm, 297, t))) format = 'a3';
  return { format, widthMm: Math.round(widthMm * 10) / 10, heightMm: Math.round(heightMm * 10) / 10 };
}

export const FORMAT_NAMES: Record<PageFormat, string> = {
  a4_portrait: 'A4 portrait',
  a4_landscape: 'A4 landscape',
  us_letter: 'US Letter',
  a3: 'A3',
  other: 'a non-standard size',
};
