/** What an upload is, from its bytes (never trusting the name alone), and its name for the rest. */
export type SourceKind = 'pdf' | 'docx' | 'doc' | 'odt' | 'rtf' | 'txt';

const OFFICE_EXTENSIONS: Record<string, SourceKind> = { docx: 'docx', doc: 'doc', odt: 'odt', rtf: 'rtf', txt: 'txt' };

function extension(filename: string): string {
  const m = /\.([a-z0-9]{1,5})$/i.exec(filename);
  return m ? m[1]!.toLowerCase() : '';
}

function isLikelyText(head: Buffer): boolean {
  if (head.length === 0) return false;
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 4)));
    return true;
  } catch {
    // Windows-1252 text: mostly printable bytes.
    let printable = 0;
    for (const b of head) if (b >= 0x20 || b === 0x0a || b === 0x0d || b === 0x09) printable += 1;
    return printable / head.length > 0.95;
  }
}

/** null: not a file Pli can print (refused with 415). */
export function sniffKind(head: Buffer, filename: string): SourceKind | null {
  const ext = extension(filename);
  // %PDF- may follow a few bytes of junk, which readers tolerate (within the first KB).
  if (head.subarray(0, 1024).includes(Buffer.from('%PDF-'))) return 'pdf';
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    const text = head.toString('latin1');
    if (text.includes('mimetypeapplication/vnd.oasis.opendocument.text')) return 'odt';
    if (text.includes('word/') || text.includes('[Content_Types].xml')) return ext === 'odt' ? 'odt' : 'docx';
    return ext === 'docx' || ext === 'odt' ? (ext as SourceKind) : null;
  }
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return ext === 'doc' ? 'doc' : ext in OFFICE_EXTENSIONS ? 'doc' : null;
  if (head.subarray(0, 5).toString('latin1') === '{\\rtf') return 'rtf';
  if (ext === 'txt' && isLikelyText(head)) return 'txt';
  return null;
}
