import { spawnSync } from 'node:child_process';
import { createHash, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProofBundle } from '#verifier/bundle.js';
import { verifyBundle } from '#verifier/verify.js';
import { canonicalJson } from '#domain/trust/canonical-json.js';
import { apiKeyFor, backends, createClientOrganisation, createTestApp, FIXTURES, multipartFile, tempDir, type TestApp } from '../../../test/helpers.js';
import { lacks } from '../../../test/outside-tools.js';
import { fixedClock } from '../../platform/clock/clock.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import { writeCheckpoint } from '../../platform/trust/checkpoints.js';
import { auditJournal } from '../../platform/trust/journal-audit.js';
import { certificateDer, generateKeyPair, issueCertificate, pem, privateKeyFromPem } from '../../platform/trust/pki.js';
import { loadOrCreateTrustKeys } from '../../platform/trust/trust-keys.js';
import { runVerify } from '../../cli/verify-command.js';
import { auditArchiveObjects, indexArchiveText, proposeDueDestructions } from './index.js';

const DAY = 24 * 3600 * 1000;
const letter = fs.readFileSync(path.join(FIXTURES, 'letters', 'lettre-3-pages.pdf'));

/** What poppler's pdfsig says of a PDF, once it has said its signature is valid. */
function pdfsig(pdf: Buffer): string {
  const dir = tempDir('pdfsig');
  try {
    fs.writeFileSync(path.join(dir, 'c.pdf'), pdf);
    const out = spawnSync('pdfsig', [path.join(dir, 'c.pdf')], { encoding: 'utf8' }).stdout;
    expect(out).toContain('Signature Validation: Signature is Valid.');
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Multipart with fields and one file, for app.inject (fields first or last). */
function depositBody(file: Uint8Array, filename: string, fields: Record<string, string>, fieldsFirst = true) {
  const mp = multipartFile('file', filename, file);
  const boundary = /boundary=(.*)$/.exec(mp.headers['content-type']!)![1]!;
  const fieldParts = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  const end = Buffer.from(`--${boundary}--\r\n`);
  const fileOnly = mp.payload.subarray(0, mp.payload.length - end.length);
  const payload = fieldsFirst ? Buffer.concat([...fieldParts, fileOnly, end]) : Buffer.concat([fileOnly, ...fieldParts, end]);
  return { payload, headers: mp.headers };
}

describe.each(backends())('the electronic archive on %s', (kind) => {
  let t: TestApp;
  let admin: string;
  let user: string;
  // Near the real time: openssl judges the certificates against its own clock.
  const clock = fixedClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const auth = (key: string, lang = 'en') => ({ authorization: `Bearer ${key}`, 'accept-language': lang });
  const deposit = async (key: string, fields: Record<string, string> = { retention_years: '1', title: 'Bail commercial 2026', tags: 'bail,immobilier' }, file: Uint8Array = letter, name = 'bail.pdf') => {
    const body = depositBody(file, name, fields);
    return t.app.inject({ method: 'POST', url: '/api/v1/archive', payload: body.payload, headers: { ...auth(key), ...body.headers } });
  };

  beforeAll(async () => {
    t = await createTestApp(kind, { overrides: { clock } });
    admin = await apiKeyFor(t, 'admin@mairie-demo.test');
    user = await apiKeyFor(t, 'user@mairie-demo.test');
  });
  afterAll(() => t.close());

  it('deposits a file: its hashes, retention and an RFC 3161 token that openssl verifies', async () => {
    const r = await deposit(user);
    expect(r.statusCode, r.body).toBe(201);
    const item = r.json();
    expect(item).toMatchObject({
      tier: 'electronic',
      kind: 'deposit',
      status: 'kept',
      title: 'Bail commercial 2026',
      tags: ['bail', 'immobilier'],
      content_type: 'application/pdf',
      sha256: createHash('sha256').update(letter).digest('hex'),
      sha3_256: createHash('sha3-256').update(letter).digest('hex'),
      size_bytes: letter.length,
      retention_years: 1,
      retain_until: new Date(clock.now().getTime() + 365 * DAY).toISOString(),
    });
    expect(item.id).toMatch(/^arc_/);
    if (lacks('openssl')) return;
    const dir = tempDir('archive-openssl');
    try {
      const f = (n: string) => path.join(dir, n);
      fs.writeFileSync(f('bail.pdf'), letter);
      fs.writeFileSync(f('token.der'), Buffer.from(item.timestamp_token, 'base64'));
      fs.writeFileSync(f('root.pem'), t.container.trust.keys.root.certificatePem);
      fs.writeFileSync(f('tsa.pem'), t.container.trust.keys.timeStamping.certificatePem);
      const r2 = spawnSync('openssl', ['ts', '-verify', '-data', f('bail.pdf'), '-in', f('token.der'), '-token_in', '-CAfile', f('root.pem'), '-untrusted', f('tsa.pem')], { encoding: 'utf8' });
      expect(`${r2.stdout}${r2.stderr}`).toContain('Verification: OK');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the fields before or after the file, and refuses a deposit without a valid retention, an empty file or a contract without the option — in the person’s language', async () => {
    const after = depositBody(Buffer.from('Procès-verbal du conseil municipal'), 'pv.txt', { retention_years: '3' }, false);
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/archive', payload: after.payload, headers: { ...auth(user), ...after.headers } });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ retention_years: 3, content_type: 'text/plain; charset=utf-8', title: 'pv' });

    const noRetention = await deposit(user, { title: 'sans durée' });
    expect(noRetention.statusCode).toBe(400);
    expect(noRetention.json().errors).toEqual([{ field: 'retention_years', message: 'must be 1, 3, 5, 10 or 30 (years)' }]);
    const seven = await deposit(user, { retention_years: '7' }, letter);
    expect(seven.statusCode).toBe(400);
    const fr = await t.app.inject({ method: 'POST', url: '/api/v1/archive', ...(() => { const b = depositBody(letter, 'x.pdf', { retention_years: '2' }); return { payload: b.payload, headers: { ...auth(user, 'fr'), ...b.headers } }; })() });
    expect(fr.json().detail).toBe('Choisissez la durée de conservation du document\u00a0: 1, 3, 5, 10 ou 30 ans.');
    const empty = await deposit(user, { retention_years: '1' }, new Uint8Array(0), 'vide.pdf');
    expect(empty.statusCode).toBe(422);

    const other = await createClientOrganisation(t, 'Mairie sans archive', 'sans-archive@example.test', 'client_admin');
    const otherKey = await apiKeyFor(t, 'sans-archive@example.test');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/archive/options', headers: auth(otherKey) })).json()).toEqual({ simple: false, electronic: false });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/archive/options', headers: auth(user) })).json()).toEqual({ simple: true, electronic: true });
    const refused = await deposit(otherKey, { retention_years: '1' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail).toBe('Your contract does not include the electronic archive.');
    expect(other.organisationId).toMatch(/^org_/);
  });

  it('with an Idempotency-Key, the same deposit sent again — or twice at once — archives once; another file under the key is refused', async () => {
    const bytes = Buffer.from(`Arrêté ${Date.now()}`);
    const send = (file: Buffer, key: string) => {
      const body = depositBody(file, 'arrete.txt', { retention_years: '5' });
      return t.app.inject({ method: 'POST', url: '/api/v1/archive', payload: body.payload, headers: { ...auth(user), ...body.headers, 'idempotency-key': key } });
    };
    const first = await send(bytes, 'depot-1');
    const again = await send(bytes, 'depot-1');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    expect((await send(Buffer.from('autre chose'), 'depot-1')).statusCode).toBe(422);

    const twin = Buffer.from(`Arrêté jumeau ${Date.now()}`);
    const both = await Promise.all([send(twin, 'depot-2'), send(twin, 'depot-2')]);
    const created = both.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined);
    expect(created).toHaveLength(1);
    for (const r of both) expect([201, 409]).toContain(r.statusCode);
    const sha = createHash('sha256').update(twin).digest('hex');
    const kept = await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('archive_items').select('id').where('sha256', '=', sha).execute());
    expect(kept).toHaveLength(1);
  });

  it('gives the bytes back byte for byte, and journals every consultation and download in the item’s audit trail', async () => {
    const { id } = (await deposit(user)).json();
    const download = await t.app.inject({ method: 'GET', url: `/api/v1/archive/${id}/content`, headers: auth(user) });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(letter)).toBe(true);
    expect(download.headers['content-disposition']).toMatch(/^attachment/);
    const view = await t.app.inject({ method: 'GET', url: `/api/v1/archive/${id}/content?disposition=inline`, headers: auth(user) });
    expect(view.headers['content-disposition']).toMatch(/^inline/);
    const events = (await t.app.inject({ method: 'GET', url: `/api/v1/archive/${id}/events`, headers: auth(admin) })).json().data;
    expect(events.map((e: { kind: string }) => e.kind)).toEqual(['archive.deposited', 'archive.downloaded', 'archive.consulted']);
    expect(events[1].by).toMatch(/^usr_/);
  });

  it('previews page 1 of a PDF as an image (a consultation, journaled); a file of another kind has no preview, and says so', async () => {
    const { id } = (await deposit(user)).json();
    const preview = await t.app.inject({ method: 'GET', url: `/api/v1/archive/${id}/preview`, headers: auth(user) });
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toBe('image/png');
    expect(preview.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const events = (await t.app.inject({ method: 'GET', url: `/api/v1/archive/${id}/events`, headers: auth(user) })).json().data;
    expect(events.at(-1)).toMatchObject({ kind: 'archive.consulted', detail: { preview: true } });
    const text = (await deposit(user, { retention_years: '1' }, Buffer.from('Note de service'), 'note.txt')).json();
    const none = await t.app.inject({ method: 'GET', url: `/api/v1/archive/${text.id}/preview`, headers: auth(user, 'fr') });
    expect(none.statusCode).toBe(409);
    expect(none.json().detail).toBe('Pas d’aperçu pour ce type de fichier\u00a0: téléchargez-le pour l’ouvrir.');
  });

  it('shows a user their own deposits and an administrator the organisation’s; another organisation finds nothing', async () => {
    const mine = (await deposit(user)).json().id;
    const admins = (await deposit(admin)).json().id;
    const listed = async (key: string) => (await t.app.inject({ method: 'GET', url: '/api/v1/archive?limit=200', headers: auth(key) })).json().data.map((i: { id: string }) => i.id);
    expect(await listed(user)).toContain(mine);
    expect(await listed(user)).not.toContain(admins);
    expect(await listed(admin)).toEqual(expect.arrayContaining([mine, admins]));
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/archive/${admins}`, headers: auth(user) })).statusCode).toBe(404);
    await createClientOrganisation(t, 'Autre mairie', 'autre@example.test', 'client_admin');
    const stranger = await apiKeyFor(t, 'autre@example.test');
    for (const suffix of ['', '/content', '/events', '/proof', '/certificate']) {
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/archive/${mine}${suffix}`, headers: auth(stranger) })).statusCode).toBe(404);
    }
    expect(await listed(stranger)).toEqual([]);
  });

  it('finds documents by words of their title, tags and text (PDF text read by the indexing job)', async () => {
    const { id } = (await deposit(admin, { retention_years: '5', title: 'Délibération', tags: 'conseil' })).json();
    await indexArchiveText(t.container.archive, id);
    const search = async (q: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/archive?query=${encodeURIComponent(q)}`, headers: auth(admin) })).json().data.map((i: { id: string }) => i.id);
    const { rows } = await inScope(t.container.db, systemScope, (tx) => sql<{ text_content: string }>`SELECT text_content FROM archive_items WHERE id = ${id}`.execute(tx));
    const word = rows[0]!.text_content.split(/\s+/).find((w) => /^[\p{L}]{6,}$/u.test(w))!;
    expect(word).toBeTruthy();
    expect(await search(word)).toContain(id);
    expect(await search('conseil')).toContain(id);
    expect(await search('délib')).toContain(id);
    expect(await search('zzzzunlikely')).not.toContain(id);
  });

  it('issues a proof bundle that verifies offline, in the CLI too; a changed byte, another file or a rewritten entry does not', async () => {
    const { id } = (await deposit(user)).json();
    const r = await t.app.inject({ method: 'GET', url: `/api/v1/archive/${id}/proof`, headers: auth(user) });
    expect(r.statusCode).toBe(200);
    const bundle = r.json();
    const ok = await verifyBundle(letter, bundle);
    expect(ok.checks.filter((c) => !c.ok)).toEqual([]);
    expect(ok.checks.map((c) => c.id)).toEqual(['bundle', 'file_sha256', 'file_sha3_256', 'certificates', 'deposit_entry', 'file_timestamp', 'inclusion', 'checkpoint_signature', 'checkpoint_timestamp', 'consistency'].filter((c) => c !== 'consistency' || bundle.journal.earlier));
    expect(ok.ok).toBe(true);

    const changed = Buffer.from(letter);
    changed[500] = changed[500]! ^ 0x01;
    const bad = await verifyBundle(changed, bundle);
    expect(bad.ok).toBe(false);
    expect(bad.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['file_sha256', 'file_sha3_256', 'file_timestamp']);

    const rewritten = structuredClone(bundle);
    rewritten.journal.entries[0].entry = rewritten.journal.entries[0].entry.replace('"retention_years":1', '"retention_years":30');
    const forged = await verifyBundle(letter, rewritten);
    expect(forged.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['inclusion']);
    expect(forged.checks.find((c) => c.id === 'inclusion')!.detail).toBe(`Journal entry ${bundle.journal.entries[0].seq} is not in the journal the checkpoint vouches for: changed, or not Pli's.`);

    const dir = tempDir('verify-cli');
    try {
      fs.writeFileSync(path.join(dir, 'bail.pdf'), letter);
      fs.writeFileSync(path.join(dir, 'bundle.json'), r.body);
      fs.writeFileSync(path.join(dir, 'root.pem'), t.container.trust.keys.root.certificatePem);
      const cli = await runVerify([path.join(dir, 'bail.pdf'), path.join(dir, 'bundle.json'), '--root', path.join(dir, 'root.pem')]);
      expect(cli.code).toBe(0);
      expect(cli.stdout.at(-1)).toBe('VERIFIED: this file is the one Pli archived, and its proof holds.');
      fs.writeFileSync(path.join(dir, 'other.pdf'), changed);
      const no = await runVerify([path.join(dir, 'other.pdf'), path.join(dir, 'bundle.json'), '--lang', 'fr']);
      expect(no.code).toBe(1);
      expect(no.stdout.join('\n')).toContain('✗ L’empreinte SHA-256 du fichier est');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses deleting before the end of the retention, with the date (English and French); the storage port refuses too', async () => {
    const item = (await deposit(user, { retention_years: '10' })).json();
    const en = await t.app.inject({ method: 'DELETE', url: `/api/v1/archive/${item.id}`, headers: auth(user) });
    expect(en.statusCode).toBe(409);
    const until = item.retain_until.slice(0, 10);
    expect(en.json()).toMatchObject({ detail: `This document is kept until ${until}: it cannot be deleted before then. Once its retention ends, an administrator can have it destroyed.`, retain_until: item.retain_until });
    const fr = await t.app.inject({ method: 'DELETE', url: `/api/v1/archive/${item.id}`, headers: auth(user, 'fr') });
    expect(fr.json().detail).toBe(`Ce document est conservé jusqu’au ${until}\u00a0: il ne peut pas être supprimé avant. À l’échéance, un administrateur pourra le faire détruire.`);
    await expect(t.container.storage.delete(item.sha256)).rejects.toMatchObject({ code: 'conflict' });
    expect(await t.container.storage.stat(item.sha256)).not.toBeNull();
  });

  it('extends a retention, never shortens it (English and French)', async () => {
    const item = (await deposit(user, { retention_years: '5' })).json();
    const shorter = await t.app.inject({ method: 'POST', url: `/api/v1/archive/${item.id}/retention`, headers: auth(user, 'fr'), payload: { retention_years: 3 } });
    expect(shorter.statusCode).toBe(422);
    expect(shorter.json().detail).toBe(`Une durée de conservation peut être prolongée, jamais raccourcie\u00a0: ce document est déjà conservé jusqu’au ${item.retain_until.slice(0, 10)}.`);
    const longer = await t.app.inject({ method: 'POST', url: `/api/v1/archive/${item.id}/retention`, headers: auth(user), payload: { retention_years: 30 } });
    expect(longer.statusCode).toBe(200);
    expect(longer.json().retain_until.slice(0, 4)).toBe(String(Number(item.retain_until.slice(0, 4)) + 25));
    expect(await t.container.storage.retainedUntil(item.sha256)).toEqual(new Date(longer.json().retain_until));
    // Even the database refuses to shorten it.
    await expect(inScope(t.container.db, systemScope, (tx) => tx.updateTable('archive_items').set({ retention_years: 1 }).where('id', '=', item.id).execute())).rejects.toThrow(/never shortened/);
  });

  it('at the end of the retention: a legal hold blocks destruction; proposal, waiting period, approval by an administrator, a sealed certificate, and the file gone', async () => {
    const bytes = Buffer.from(`Marché public n° ${Date.now()} — pièces`);
    const item = (await deposit(user, { retention_years: '1', title: 'Marché' }, bytes, 'marche.txt')).json();
    const hold = await t.app.inject({ method: 'POST', url: `/api/v1/archive/${item.id}/legal-hold`, headers: auth(admin), payload: { reason: 'Contentieux au tribunal administratif' } });
    expect(hold.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/archive/${item.id}/legal-hold`, headers: auth(user), payload: { reason: 'moi aussi' } })).statusCode).toBe(403);

    clock.advance(366 * DAY);
    const held = await t.app.inject({ method: 'DELETE', url: `/api/v1/archive/${item.id}`, headers: auth(user, 'fr') });
    expect(held.statusCode).toBe(409);
    expect(held.json().detail).toBe('Ce document est sous gel juridique (Contentieux au tribunal administratif)\u00a0: il ne peut pas être détruit tant qu’un administrateur n’a pas levé le gel.');
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/archive/${item.id}/legal-hold`, headers: auth(admin) })).statusCode).toBe(200);

    // The daily task proposes it (exactly once, however many times it runs).
    const [a, b] = await Promise.all([proposeDueDestructions(t.container.archive), proposeDueDestructions(t.container.archive)]);
    expect(await inScope(t.container.db, systemScope, (tx) => tx.selectFrom('archive_items').select('status').where('id', '=', item.id).executeTakeFirstOrThrow())).toEqual({ status: 'destruction_proposed' });
    expect(a + b).toBeGreaterThanOrEqual(1);
    const early = await t.app.inject({ method: 'POST', url: `/api/v1/archive/${item.id}/destruction/approve`, headers: auth(admin) });
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toMatch(/^The destruction can be approved from \d{4}-\d\d-\d\d, after the 30-day waiting period\.$/);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/archive/${item.id}/destruction/approve`, headers: auth(user) })).statusCode).toBe(403);

    clock.advance(30 * DAY);
    const done = await t.app.inject({ method: 'POST', url: `/api/v1/archive/${item.id}/destruction/approve`, headers: auth(admin) });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'destroyed', sha256: item.sha256, tags: [] });
    expect(await t.container.storage.stat(item.sha256)).toBeNull();
    const content = await t.app.inject({ method: 'GET', url: `/api/v1/archive/${item.id}/content`, headers: auth(user) });
    expect(content.statusCode).toBe(409);
    expect(content.json().detail).toMatch(/^This document was destroyed on \d{4}-\d\d-\d\d; only its record and its proofs remain\.$/);
    const kinds = (await t.app.inject({ method: 'GET', url: `/api/v1/archive/${item.id}/events`, headers: auth(admin) })).json().data.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(['archive.deposited', 'archive.legal_hold_set', 'archive.legal_hold_released', 'archive.destruction_proposed', 'archive.destruction_executed']);

    const certificate = await t.app.inject({ method: 'GET', url: `/api/v1/archive/${item.id}/destruction-certificate`, headers: auth(user) });
    expect(certificate.statusCode).toBe(200);
    expect(certificate.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    if (!lacks('pdfsig')) expect(pdfsig(certificate.rawPayload)).toContain('Pli seal');
    clock.set(new Date(clock.now().getTime() - 396 * DAY));
  });

  it('the deposit certificate is a PDF sealed by Pli that pdfsig verifies', async () => {
    const { id } = (await deposit(user)).json();
    const certificate = await t.app.inject({ method: 'GET', url: `/api/v1/archive/${id}/certificate`, headers: auth(user) });
    expect(certificate.statusCode).toBe(200);
    if (!lacks('pdfsig')) expect(pdfsig(certificate.rawPayload)).toContain('Signature Type: ETSI.CAdES.detached');
  });

  it('tampering: a changed byte in a stored file and an edited journal row are reported by the integrity audit, precisely', async () => {
    const item = (await deposit(admin, { retention_years: '1', title: 'Registre' }, Buffer.from(`Registre des délibérations ${Date.now()}`), 'registre.txt')).json();
    const proof = (await t.app.inject({ method: 'GET', url: `/api/v1/archive/${item.id}/proof`, headers: auth(admin) })).json();
    expect(await auditArchiveObjects(t.container.archive)).toEqual([]);

    const file = path.join(t.container.config.dataDir, 'objects', item.sha256.slice(0, 2), item.sha256.slice(2, 4), item.sha256);
    const original = fs.readFileSync(file);
    fs.chmodSync(file, 0o644);
    const altered = Buffer.from(original);
    altered[3] = altered[3]! ^ 0x20;
    fs.writeFileSync(file, altered);
    try {
      expect(await auditArchiveObjects(t.container.archive)).toEqual([{ id: item.id, organisationId: expect.stringMatching(/^org_/), sha256: item.sha256, problem: 'changed' }]);
      const verdict = await verifyBundle(altered, proof);
      expect(verdict.checks.find((c) => c.id === 'file_sha256')!.ok).toBe(false);
    } finally {
      fs.writeFileSync(file, original);
    }

    const seq = proof.journal.entries[0].seq;
    await sql`ALTER TABLE trust_journal DISABLE TRIGGER USER`.execute(t.container.db);
    await sql`UPDATE trust_journal SET entry = replace(entry, '"retention_years":1', '"retention_years":30') WHERE seq = ${seq}`.execute(t.container.db);
    await sql`ALTER TABLE trust_journal ENABLE TRIGGER USER`.execute(t.container.db);
    const keys = t.container.trust.keys;
    const report = await auditJournal(t.container.db, { sealCertificatePem: keys.seal.certificatePem, rootCertificate: keys.root.certificate }, () => auditArchiveObjects(t.container.archive));
    expect(report.ok).toBe(false);
    expect(report.findings).toContainEqual({ kind: 'entry_changed', seq, detail: 'its text no longer has the hash recorded when it was journaled' });
  });
});

describe('tampering seen by the offline verifier', () => {
  let t: TestApp;
  let key: string;
  let bundle: ProofBundle;
  const file = Buffer.from(`Procès-verbal d’élection ${Date.now()}`);
  const failed = async (b: ProofBundle) => (await verifyBundle(file, b)).checks.filter((c) => !c.ok).map((c) => c.id);

  beforeAll(async () => {
    t = await createTestApp('pglite');
    key = await apiKeyFor(t, 'admin@mairie-demo.test');
    const auth = { authorization: `Bearer ${key}` };
    const body = depositBody(file, 'pv.txt', { retention_years: '3' });
    const { id } = (await t.app.inject({ method: 'POST', url: '/api/v1/archive', payload: body.payload, headers: { ...auth, ...body.headers } })).json();
    await t.app.inject({ method: 'GET', url: `/api/v1/archive/${id}/proof`, headers: auth });
    await t.app.inject({ method: 'GET', url: `/api/v1/archive/${id}/content`, headers: auth });
    // The periodic checkpoint, which the next bundle's entries wait for.
    await writeCheckpoint(t.container.trust.checkpoints);
    bundle = (await t.app.inject({ method: 'GET', url: `/api/v1/archive/${id}/proof`, headers: auth })).json();
  });
  afterAll(() => t.close());

  it('exports sign no checkpoint of their own once one holds the deposit', async () => {
    const count = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM trust_checkpoints`.execute(t.container.db)).rows[0]!.n);
    const before = await count();
    for (let i = 0; i < 3; i += 1) expect((await t.app.inject({ method: 'GET', url: `/api/v1/archive/${bundle.item.id}/proof`, headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    expect(await count()).toBe(before);
  });

  it('an untouched bundle verifies, its journal extending the first checkpoint that held the deposit', async () => {
    expect(bundle.journal.entries.map((e) => JSON.parse(e.entry).kind)).toEqual(['archive.deposited', 'archive.proof_exported', 'archive.downloaded']);
    expect(bundle.journal.earlier).not.toBeNull();
    expect(await failed(bundle)).toEqual([]);
  });

  it('a deleted entry, two entries reordered, a consistency proof or a checkpoint replaced: each named', async () => {
    const deleted = structuredClone(bundle) as any;
    deleted.journal.entries.splice(0, 1);
    // Without its deposit entry, the file's time-stamp is tied to nothing either.
    expect(await failed(deleted)).toEqual(['deposit_entry', 'file_timestamp']);

    const reordered = structuredClone(bundle) as any;
    const [a, b] = [reordered.journal.entries[1]!, reordered.journal.entries[2]!];
    reordered.journal.entries[1] = { ...b, seq: a.seq };
    reordered.journal.entries[2] = { ...a, seq: b.seq };
    const verdict = await verifyBundle(file, reordered);
    expect(verdict.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['inclusion']);
    expect(verdict.checks.find((c) => c.id === 'inclusion')!.detail).toBe(`Journal entries ${a.seq}, ${b.seq} are not in the journal the checkpoint vouches for: changed, or not Pli's.`);

    const inconsistent = structuredClone(bundle);
    const proof = inconsistent.journal.earlier!.consistency as string[];
    const hash = Buffer.from(proof[0]!, 'base64');
    hash[0] = hash[0]! ^ 1;
    proof[0] = hash.toString('base64');
    expect(await failed(inconsistent)).toEqual(['consistency']);

    // A checkpoint of another tree head, signed with a key of someone else's.
    const outsider = await loadOrCreateTrustKeys(path.join(tempDir('outsider'), 'keys'), { now: () => new Date() });
    const replaced = structuredClone(bundle) as { -readonly [K in keyof ProofBundle]: any };
    const cp = replaced.journal.checkpoint;
    cp.root_hash = Buffer.alloc(32, 7).toString('base64');
    cp.statement = canonicalJson({ log: 'pli-trust-journal/v1', tree_size: cp.tree_size, root_hash: cp.root_hash, signed_at: cp.signed_at });
    cp.signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, outsider.seal.privateKey, Buffer.from(cp.statement))).toString('base64');
    expect(await failed(replaced)).toEqual(['inclusion', 'checkpoint_signature', 'checkpoint_timestamp', 'consistency']);
    cp.seal_certificate = outsider.seal.certificatePem;
    const claimed = await verifyBundle(file, replaced);
    expect(claimed.checks.find((c) => c.id === 'checkpoint_signature')!.detail).toBe('The checkpoint is not one Pli signed: its seal certificate is not issued by the root.');
  });

  it('a checkpoint signed before a key rotation carries the seal certificate of its day, issued by the same root', async () => {
    const keysDir = path.join(t.container.config.dataDir, 'keys', 'trust');
    const rootKey = (await privateKeyFromPem(fs.readFileSync(path.join(keysDir, 'root.key.pem'), 'utf8'))).privateKey;
    const next = await generateKeyPair();
    const now = new Date();
    const newSeal = await issueCertificate({ subject: 'Pli seal 2', publicKey: next.publicKey, issuer: { certificate: t.container.trust.keys.root.certificate, privateKey: rootKey }, notBefore: new Date(now.getTime() - 3600_000), notAfter: new Date(now.getTime() + 3650 * DAY), kind: 'seal' });
    const rotated = structuredClone(bundle) as { -readonly [K in keyof ProofBundle]: any };
    rotated.certificates.seal = pem('CERTIFICATE', certificateDer(newSeal));
    // Without the certificate of its day, the old checkpoint's signature is not the (new) seal's …
    expect(await failed(rotated)).toEqual(['checkpoint_signature', 'consistency']);
    // … with it, it holds.
    rotated.journal.checkpoint.seal_certificate = t.container.trust.keys.seal.certificatePem;
    rotated.journal.earlier.checkpoint.seal_certificate = t.container.trust.keys.seal.certificatePem;
    expect(await failed(rotated)).toEqual([]);
  });
});

describe('hostile or oversized deposits', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await createTestApp('pglite', { env: { PLI_ARCHIVE_MAX_BYTES: '4096' } });
    key = await apiKeyFor(t, 'user@mairie-demo.test');
  });
  afterAll(() => t.close());
  const send = (payload: Buffer | string, contentType: string) => t.app.inject({ method: 'POST', url: '/api/v1/archive', payload, headers: { authorization: `Bearer ${key}`, 'accept-language': 'fr', 'content-type': contentType } });
  const count = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/archive', headers: { authorization: `Bearer ${key}` } })).json().data.length;

  it('refuses a file over the limit with the limit, keeps nothing, and goes on serving', async () => {
    const body = depositBody(Buffer.alloc(5000, 0x41), 'gros.txt', { retention_years: '1' });
    const r = await send(body.payload, body.headers['content-type']!);
    expect(r.statusCode).toBe(413);
    expect(r.json().detail).toMatch(/^Le fichier dépasse .* la taille maximale qu’accepte l’archive\.$/);
    expect(await count()).toBe(0);
    const ok = depositBody(Buffer.alloc(100, 0x41), 'petit.txt', { retention_years: '1' });
    expect((await send(ok.payload, ok.headers['content-type']!)).statusCode).toBe(201);
  });

  it('answers a malformed body, a body without a file or a JSON body with a clear refusal', async () => {
    const json = await send('{"retention_years":1}', 'application/json');
    expect(json.statusCode).toBe(415);
    const noFile = await send('--b\r\nContent-Disposition: form-data; name="retention_years"\r\n\r\n1\r\n--b--\r\n', 'multipart/form-data; boundary=b');
    expect(noFile.statusCode).toBe(400);
    const cut = await send('--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 cut short', 'multipart/form-data; boundary=b');
    expect(cut.statusCode).toBe(400);
    expect(cut.json().code).toBe('bad_request');
    expect(await count()).toBe(1); // the one small deposit of the test before
    expect(noFile.json().errors).toEqual([{ field: 'file', message: expect.any(String) }]);
  });
});
