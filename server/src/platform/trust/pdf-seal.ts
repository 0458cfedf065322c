import { PDFArray, PDFHexString, PDFName, PDFNumber, PDFString, type PDFDocument } from 'pdf-lib';
import { sealDetached, type SealDeps } from './cms-seal.js';

export type { SealDeps } from './cms-seal.js';

/**
 * Seals a PDF the way PAdES does (ETSI EN 319 142, baseline B-T): an ETSI.CAdES.detached CMS
 * signature by the provider's seal over the whole file but the signature itself, with the seal
 * certificate, and an RFC 3161 time-stamp over the signature value as an unsigned attribute.
 * Any PDF reader shows it signed; `pdfsig` (poppler) checks it in the tests.
 */
const SIGNATURE_BYTES = 16_384;
const BYTE_RANGE_PLACEHOLDER = '/**********';

export async function sealPdf(doc: PDFDocument, deps: SealDeps, opts: { reason: string; signedAt: Date }): Promise<Uint8Array> {
  const ctx = doc.context;
  const byteRange = PDFArray.withContext(ctx);
  byteRange.push(PDFNumber.of(0));
  for (let i = 0; i < 3; i += 1) byteRange.push(PDFName.of('**********'));
  const signature = ctx.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: byteRange,
    Contents: PDFHexString.of('0'.repeat(SIGNATURE_BYTES * 2)),
    Reason: PDFString.of(opts.reason),
    M: PDFString.fromDate(opts.signedAt),
    Name: PDFString.of('Pli'),
  });
  const page = doc.getPage(0);
  const widget = ctx.register(
    ctx.obj({ Type: 'Annot', Subtype: 'Widget', FT: 'Sig', Rect: [0, 0, 0, 0], V: ctx.register(signature), T: PDFString.of('Pli seal'), F: 4, P: page.ref }),
  );
  page.node.set(PDFName.of('Annots'), ctx.obj([widget]));
  doc.catalog.set(PDFName.of('AcroForm'), ctx.obj({ SigFlags: 3, Fields: [widget] }));
  const pdf = await doc.save({ useObjectStreams: false, addDefaultPage: false });

  // Where the placeholders landed.
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const rangeAt = text.indexOf(`[ 0 ${BYTE_RANGE_PLACEHOLDER} ${BYTE_RANGE_PLACEHOLDER} ${BYTE_RANGE_PLACEHOLDER} ]`);
  const contentsAt = text.indexOf(`<${'0'.repeat(SIGNATURE_BYTES * 2)}>`);
  if (rangeAt < 0 || contentsAt < 0) throw new Error('the signature placeholders are not in the saved PDF');
  const contentsEnd = contentsAt + SIGNATURE_BYTES * 2 + 2;
  const ranges = [0, contentsAt, contentsEnd, pdf.length - contentsEnd];
  const placeholderLength = `[ 0 ${BYTE_RANGE_PLACEHOLDER} ${BYTE_RANGE_PLACEHOLDER} ${BYTE_RANGE_PLACEHOLDER} ]`.length;
  const rangeText = `[${ranges.join(' ')}]`.padEnd(placeholderLength, ' ');
  const out = Buffer.from(pdf);
  out.write(rangeText, rangeAt, 'latin1');
  const signed = Buffer.concat([out.subarray(0, contentsAt), out.subarray(contentsEnd)]);

  const cms = await sealDetached(signed, deps);
  if (cms.length > SIGNATURE_BYTES) throw new Error(`the signature (${cms.length} bytes) does not fit its placeholder`);
  out.write(Buffer.from(cms).toString('hex').padEnd(SIGNATURE_BYTES * 2, '0'), contentsAt + 1, 'latin1');
  return new Uint8Array(out);
}
