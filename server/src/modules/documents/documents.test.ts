import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKeyFor, backends, createClientOrganisation, createTestApp, multipartFile, FIXTURES, until, type TestApp } from '../../../test/helpers.js';
import { A4_PT, makePdf, VALID_ADDRESS } from '../../../test/pdf-fixtures.js';
import { SWEEP_GRACE_MS, sweepObjects } from '../../platform/storage/object-sweeper.js';
import { SOFFICE_BINARY } from './convert-office.js';

const MM = 72 / 25.4;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const letter = (name: string) => fs.readFileSync(path.join(FIXTURES, 'letters', name));

/** How far above its resident memory at the start this process went while `fn` ran (Linux: the peak is reset first). */
async function peakMemoryGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; grownBytes: number }> {
  const peak = () => Number(/^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const start = peak();
  const result = await fn();
  return { result, grownBytes: peak() - start };
}

describe.each(backends())('documents on %s', (kind) => {
  let t: TestApp;
  let key: string;
  /** The storage sweeper's run as it will happen once the grace period has passed. */
  const sweepLater = () => sweepObjects({ ...t.container, clock: { now: () => new Date(Date.now() + SWEEP_GRACE_MS + 60_000) } });

  const upload = (bytes: Uint8Array, filename: string, k = key) => {
    const mp = multipartFile('file', filename, bytes, 'application/pdf');
    // In English: the refusals below are quoted from the English catalogue.
    return t.app.inject({ method: 'POST', url: '/api/v1/documents', payload: mp.payload, headers: { authorization: `Bearer ${k}`, 'accept-language': 'en', ...mp.headers } });
  };
  const get = (url: string, k = key) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${k}`, 'accept-language': 'en' } });

  beforeAll(async () => {
    t = await createTestApp(kind, { env: { PLI_MAX_UPLOAD_BYTES: String(2 * 1024 * 1024) }, workers: true });
    key = await apiKeyFor(t, 'user@mairie-demo.test');
  });
  afterAll(() => t.close());

  it('a word-processor PDF is stored byte for byte, its address read from the window of page 1', async () => {
    const bytes = letter('lettre-1-page.pdf');
    const r = await upload(bytes, 'lettre-1-page.pdf');
    expect(r.statusCode).toBe(201);
    const doc = r.json();
    expect(doc).toMatchObject({ status: 'ready', pages: 1, page_size: 'A4', size_bytes: bytes.length, sha256: sha(bytes), filename: 'lettre-1-page.pdf' });
    expect(doc.address.lines).toEqual(['Madame Claire MARTIN', 'Appartement 12', 'Résidence Les Tilleuls', '8 RUE DU CHATEAU', '44000 NANTES']);
    expect(doc.address.problems.filter((p: { severity?: string }) => p.severity !== 'warning')).toEqual([]);
    const content = await get(`/api/v1/documents/${doc.id}/content`);
    expect(content.headers['content-type']).toBe('application/pdf');
    expect(sha(content.rawPayload)).toBe(sha(bytes));
    expect((await get(`/api/v1/documents/${doc.id}`)).json()).toMatchObject({ id: doc.id, status: 'ready' });
  });

  it('renders a page preview, and the window overlay', async () => {
    const doc = (await upload(letter('lettre-3-pages.pdf'), 'lettre-3-pages.pdf')).json();
    const plain = await get(`/api/v1/documents/${doc.id}/preview?page=2`);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('image/png');
    expect(plain.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const overlay = await get(`/api/v1/documents/${doc.id}/preview?page=1&window=1`);
    expect(overlay.rawPayload.equals((await get(`/api/v1/documents/${doc.id}/preview?page=1`)).rawPayload)).toBe(false);
    expect((await get(`/api/v1/documents/${doc.id}/preview?page=9`)).statusCode).toBe(400);
  });

  it('an address with problems is reported with them (the document is kept: the sender decides)', async () => {
    const bytes = await makePdf([{ address: ['M DUPONT', 'UNE LIGNE BEAUCOUP TROP LONGUE POUR UNE ENVELOPPE', '99999 NULLEPART'] }]);
    const doc = (await upload(bytes, 'probleme.pdf')).json();
    const codes = doc.address.problems.map((p: { code: string }) => p.code);
    expect(codes).toContain('line_too_long');
    expect(codes).toContain('unknown_postcode');
  });

  it('a letterhead without address says the window is empty', async () => {
    const doc = (await upload(letter('papier-en-tete.pdf'), 'papier-en-tete.pdf')).json();
    expect(doc.address).toEqual({ lines: [], problems: [expect.objectContaining({ code: 'no_address' })] });
    expect(doc.warnings[0]).toContain('Fonts not embedded');
  });

  // The letter as `qpdf --encrypt user owner 256` leaves it (fixtures/README.md).
  const encrypted = (): Buffer => letter('lettre-1-page-chiffree.pdf');

  it.each([
    ['not a PDF but named .pdf', async () => Buffer.from('Bonjour, ceci est du texte et pas un PDF.'), 415, 'is not a PDF'],
    ['an empty file', async () => Buffer.alloc(0), 422, 'empty'],
    ['a truncated PDF', async () => letter('lettre-1-page.pdf').subarray(0, 3000), 422, 'damaged'],
    ['an encrypted PDF', async () => encrypted(), 422, 'encrypted'],
    ['a PDF with JavaScript', async () => makePdf([{ address: VALID_ADDRESS }], { javascript: true }), 422, 'JavaScript'],
    ['US Letter pages', async () => makePdf([{ size: [215.9 * MM, 279.4 * MM] }]), 422, 'US Letter'],
    ['an A3 page', async () => makePdf([{}, { size: [297 * MM, 420 * MM] }]), 422, 'page 2: A3'],
    ['a landscape page', async () => makePdf([{ size: [A4_PT[1], A4_PT[0]] }]), 422, 'A4 landscape'],
    ['content in the inserter mark zone', async () => makePdf([{ address: VALID_ADDRESS }, { inkInMarkZone: true }]), 422, 'inserter mark zone'],
    ['a file over the size limit', async () => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024, 32)]), 413, 'larger'],
  ] as const)('refuses %s (%i); what it stored goes with the next sweep', async (_label, make, status, words) => {
    const bytes = await make();
    const r = await upload(bytes, 'lettre.pdf');
    expect(r.statusCode).toBe(status);
    expect(r.headers['content-type']).toMatch(/problem\+json/);
    expect(r.json().detail).toContain(words);
    await sweepLater();
    expect(await t.container.storage.stat(sha(bytes))).toBeNull();
  });

  it('refuses a decompression bomb in an object stream before any reader inflates it: a clear 422, memory unharmed, the next upload served', async () => {
    // 3.6 KB whose object stream, deflated twice, inflates to 1 GiB of zeros.
    const bomb = await makePdf([{ address: VALID_ADDRESS }], { objectStreamBomb: { mebibytes: 1024 } });
    expect(bomb.length).toBeLessThan(8 * 1024);
    const { result: r, grownBytes: grown } = await peakMemoryGrowth(() => upload(bomb, 'bombe.pdf'));
    process.stdout.write(`[decompression guard] bomb of ${bomb.length} bytes: ${r.statusCode}, peak resident memory +${(grown / 1024 / 1024).toFixed(0)} MB\n`);
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'business_rule', reason: 'document_too_complex', detail: expect.stringContaining('decompression bomb') });
    expect(grown).toBeLessThan(200 * 1024 * 1024);
    expect((await upload(letter('lettre-1-page.pdf'), 'lettre-1-page.pdf')).statusCode).toBe(201);
  });

  it('a refused upload never deletes the file an identical upload of another organisation is using at that moment', async () => {
    // The same text file: one organisation names it .txt (a letter to convert), the other gives
    // it no extension (refused after storing, 415). The accepted upload is held just after its
    // bytes are stored while the refused one runs to its end: the moment the file used to go.
    const text = Buffer.from(`Madame Claire MARTIN\n8 RUE DU CHATEAU\n44000 NANTES\n\nObjet : relance ${kind} ${Date.now()}\n`);
    await createClientOrganisation(t, `Commune R ${kind}`, `r-${kind}@commune-r.test`);
    const other = await apiKeyFor(t, `r-${kind}@commune-r.test`);
    const storage = t.container.storage;
    const read = storage.getBuffer.bind(storage);
    let stored!: () => void;
    let resume!: () => void;
    const held = new Promise<void>((r) => (resume = r));
    const reached = new Promise<void>((r) => (stored = r));
    const spy = vi.spyOn(storage, 'getBuffer').mockImplementationOnce(async (k) => {
      stored();
      await held;
      return read(k);
    });
    try {
      const accepted = upload(text, 'relance.txt');
      await reached;
      const refused = await upload(text, 'relance', other);
      expect(refused.statusCode).toBe(415);
      resume();
      const doc = await accepted;
      expect(doc.statusCode).toBe(202);
      expect(doc.json().source_sha256).toBe(sha(text));
    } finally {
      spy.mockRestore();
    }
    expect(sha(await storage.getBuffer(sha(text)))).toBe(sha(text));
  });

  it('a PDF with no pages is refused', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const empty = Buffer.from(await (await PDFDocument.create()).save({ addDefaultPage: false }));
    const r = await upload(empty, 'vide.pdf');
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toContain('no pages');
  });

  it('a body cut short in the middle of the file is the sender’s 400, not a server fault', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      payload: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 cut short',
      headers: { authorization: `Bearer ${key}`, 'accept-language': 'en', 'content-type': 'multipart/form-data; boundary=b' },
    });
    // The old code answered 500.
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'bad_request' });
  });

  it('another organisation’s document answers 404', async () => {
    const doc = (await upload(letter('lettre-1-page.pdf'), 'a.pdf')).json();
    const other = await apiKeyFor(t, 'admin@pli.test');
    // Provider staff may read documents for production; a client of another organisation may not.
    expect((await get(`/api/v1/documents/${doc.id}`, other)).statusCode).toBe(200);
    await createClientOrganisation(t, 'Commune C', 'c@commune-c.test');
    const outsider = await apiKeyFor(t, 'c@commune-c.test');
    for (const url of [`/api/v1/documents/${doc.id}`, `/api/v1/documents/${doc.id}/content`, `/api/v1/documents/${doc.id}/preview`]) {
      expect((await get(url, outsider)).statusCode).toBe(404);
    }
  });

  // CI installs LibreOffice and checks the conversion; a machine without it checks the clean refusal.
  const hasLibreOffice = spawnSync(SOFFICE_BINARY, ['--version'], { stdio: 'ignore' }).status === 0;

  it(`an office file is converted in a job: 202, then ${hasLibreOffice ? 'ready' : 'failed with the reason (LibreOffice absent here)'}`, async () => {
    const docx = letter('lettre-1-page.docx');
    const r = await upload(docx, 'lettre-1-page.docx');
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ status: 'converting', source_sha256: sha(docx) });
    const done = await until('the conversion to end', async () => {
      const d = (await get(`/api/v1/documents/${r.json().id}`)).json();
      return d.status !== 'converting' ? d : null;
    }, 120_000);
    if (!hasLibreOffice) {
      expect(done).toMatchObject({ status: 'failed', failure_reason: expect.stringContaining('LibreOffice is not installed') });
      return;
    }
    expect(done).toMatchObject({ status: 'ready', pages: 1, page_size: 'A4', source_sha256: sha(docx) });
    expect(done.sha256).not.toBe(sha(docx));
    expect(done.address.lines).toContain('44000 NANTES');
  }, 150_000);
});
