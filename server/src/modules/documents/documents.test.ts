import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, backends, createClientOrganisation, createTestApp, multipartFile, FIXTURES, until, type TestApp } from '../../../test/helpers.js';
import { A4_PT, makePdf, VALID_ADDRESS } from '../../../test/pdf-fixtures.js';
import { SOFFICE_BINARY } from './convert-office.js';

const MM = 72 / 25.4;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const letter = (name: string) => fs.readFileSync(path.join(FIXTURES, 'letters', name));

describe.each(backends())('documents on %s', (kind) => {
  let t: TestApp;
  let key: string;
  const objectsDir = () => path.join(t.container.config.dataDir, 'objects');
  const storedObjects = () => (fs.existsSync(objectsDir()) ? fs.readdirSync(objectsDir(), { recursive: true }).filter((f) => /^[0-9a-f]{64}$/.test(path.basename(String(f)))).length : 0);

  const upload = (bytes: Uint8Array, filename: string, k = key) => {
    const mp = multipartFile('file', filename, bytes, 'application/pdf');
    return t.app.inject({ method: 'POST', url: '/api/v1/documents', payload: mp.payload, headers: { authorization: `Bearer ${k}`, ...mp.headers } });
  };
  const get = (url: string, k = key) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${k}` } });

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
  ] as const)('refuses %s (%i), leaving nothing behind', async (_label, make, status, words) => {
    const before = storedObjects();
    const r = await upload(await make(), 'lettre.pdf');
    expect(r.statusCode).toBe(status);
    expect(r.headers['content-type']).toMatch(/problem\+json/);
    expect(r.json().detail).toContain(words);
    expect(storedObjects()).toBe(before);
  });

  it('a PDF with no pages is refused', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const empty = Buffer.from(await (await PDFDocument.create()).save({ addDefaultPage: false }));
    const r = await upload(empty, 'vide.pdf');
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toContain('no pages');
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
