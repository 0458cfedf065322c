import { describe, expect, it } from 'vitest';
import { pageFormat } from './geometry.js';

const pt = (mm: number) => (mm * 72) / 25.4;

describe('page formats', () => {
  it.each([
    [210, 297, 0, 'a4_portrait'],
    [212, 297, 0, 'a4_portrait'], // 2 mm tolerance, inclusive
    [212.5, 297, 0, 'other'],
    [210, 299, 0, 'a4_portrait'],
    [210, 299.5, 0, 'other'],
    [297, 210, 0, 'a4_landscape'],
    [297, 210, 90, 'a4_portrait'], // a landscape box turned upright prints portrait
    [210, 297, 90, 'a4_landscape'],
    [210, 297, 270, 'a4_landscape'],
    [210, 297, 180, 'a4_portrait'],
    [215.9, 279.4, 0, 'us_letter'],
    [297, 420, 0, 'a3'],
    [148, 210, 0, 'other'],
  ])('%s × %s mm rotated %s° is %s', (w, h, rotate, format) => {
    expect(pageFormat(pt(w), pt(h), rotate).format).toBe(format);
  });
});
