import bwipjs from 'bwip-js/node';

/**
 * Barcodes as PDF drawing operators (filled rectangles), not images: a vector symbol stays sharp
 * at any printer resolution and costs a few hundred bytes, where a PNG per sheet would cost
 * 6–8 ms to make and a decode for every page (stack-notes.md).
 */
const num = (n: number) => (Math.round(n * 1000) / 1000).toString();

/**
 * An ECC 200 DataMatrix whose top-left corner is at (x, top) in PDF points, as wide as `width`
 * at most, with cells of `maxModule` points at most (a longer text makes a larger symbol, drawn
 * with smaller cells).
 */
export function dataMatrixOps(text: string, x: number, top: number, opts: { width: number; maxModule: number }): { ops: string; widthPt: number; heightPt: number } {
  const [symbol] = bwipjs.raw('datamatrix', text, {}) as Array<{ pixs: number[]; pixx: number; pixy: number }>;
  if (!symbol) throw new Error('bwip-js returned no DataMatrix');
  const { pixs, pixx, pixy } = symbol;
  const module = Math.min(opts.maxModule, opts.width / pixx);
  let ops = 'q 0 g\n';
  for (let row = 0; row < pixy; row++) {
    // One rectangle per run of dark cells in a row.
    let col = 0;
    while (col < pixx) {
      if (!pixs[row * pixx + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < pixx && pixs[row * pixx + col]) col++;
      ops += `${num(x + start * module)} ${num(top - (row + 1) * module)} ${num((col - start) * module)} ${num(module)} re\n`;
    }
  }
  ops += 'f Q\n';
  return { ops, widthPt: pixx * module, heightPt: pixy * module };
}

/** A Code 128 barcode (registered-mail numbers) with its bottom-left corner at (x, y). */
export function code128Ops(text: string, x: number, y: number, opts: { module: number; height: number }): { ops: string; widthPt: number } {
  const [symbol] = bwipjs.raw('code128', text, {}) as Array<{ sbs: number[] }>;
  if (!symbol) throw new Error('bwip-js returned no Code 128');
  let ops = 'q 0 g\n';
  let at = x;
  symbol.sbs.forEach((w, i) => {
    // sbs alternates bar, space, bar… widths in modules.
    if (i % 2 === 0) ops += `${num(at)} ${num(y)} ${num(w * opts.module)} ${num(opts.height)} re\n`;
    at += w * opts.module;
  });
  ops += 'f Q\n';
  return { ops, widthPt: at - x };
}
