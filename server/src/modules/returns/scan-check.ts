import { PDFDocument } from 'pdf-lib';
import { AppError, message } from '../../errors.js';
import { expandsTooMuch } from '../../platform/pdf/decompression-guard.js';

/**
 * A returns desk scan is an upload like any other: hostile until shown otherwise. It must be a
 * PDF or a PNG/JPEG image (by its bytes, never its name); an image may not declare more pixels
 * than a page scanned at 900 dpi (a few bytes can declare a picture no viewer could open), and a
 * PDF must open and expand to a sane size.
 */
export const SCAN_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
const MAX_SIDE_PX = 20_000;
const MAX_PIXELS = 60_000_000;
const MAX_PDF_PAGES = 50;

export function imageSize(bytes: Uint8Array, type: 'image/png' | 'image/jpeg'): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === 'image/png') {
    // The IHDR chunk comes first: width and height at bytes 16 and 20.
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  // JPEG: walk the segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC).
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = view.getUint16(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
    }
    if (marker === 0xd9 || marker === 0xda || length < 2) return null;
    at += 2 + length;
  }
  return null;
}

export async function checkScan(bytes: Uint8Array, contentType: string): Promise<void> {
  if (bytes.length === 0) throw new AppError('business_rule', 'returns.scan_empty', { errors: [{ field: 'file', message: 'field.invalid' }] });
  if (!(SCAN_TYPES as readonly string[]).includes(contentType)) throw new AppError('unsupported_media_type', 'returns.scan_type', { errors: [{ field: 'file', message: 'field.invalid' }] });
  if (contentType === 'application/pdf') {
    const unreadable = () => new AppError('business_rule', 'returns.scan_unreadable', { errors: [{ field: 'file', message: 'field.invalid' }] });
    // The guard reads the raw structure: what it cannot read is no PDF the desk can keep.
    let bomb: boolean;
    try {
      bomb = expandsTooMuch(bytes);
    } catch {
      throw unreadable();
    }
    if (bomb) throw unreadable();
    // pdf-lib opens a file without a page tree and fails only when asked for its pages.
    const pages = await PDFDocument.load(bytes, { updateMetadata: false }).then(
      (pdf) => pdf.getPageCount(),
      () => null,
    ).catch(() => null);
    if (pages === null) throw unreadable();
    if (pages === 0 || pages > MAX_PDF_PAGES) throw new AppError('business_rule', message('returns.scan_pages', { max: MAX_PDF_PAGES }), { errors: [{ field: 'file', message: 'field.invalid' }] });
    return;
  }
  const size = imageSize(bytes, contentType as 'image/png' | 'image/jpeg');
  if (!size || size.width === 0 || size.height === 0) throw new AppError('business_rule', 'returns.scan_unreadable', { errors: [{ field: 'file', message: 'field.invalid' }] });
  if (size.width > MAX_SIDE_PX || size.height > MAX_SIDE_PX || size.width * size.height > MAX_PIXELS) {
    throw new AppError('business_rule', message('returns.scan_too_large_image', { width: size.width, height: size.height, megapixels: MAX_PIXELS / 1_000_000 }), { errors: [{ field: 'file', message: 'field.invalid' }] });
  }
}
