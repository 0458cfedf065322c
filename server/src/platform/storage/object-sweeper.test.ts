import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../../test/helpers.js';
import { inScope, systemScope } from '../db/scope.js';
import { KEY_COLUMNS, SWEEP_GRACE_MS, sweepObjects } from './object-sweeper.js';

const HOUR = 60 * 60 * 1000;

describe.each(backends())('storage sweeper on %s', (kind) => {
  let t: TestApp;
  const storage = () => t.container.storage;
  const sweep = () => sweepObjects(t.container);
  const put = async () => (await storage().put(randomBytes(2000))).key;
  /** As if the object had sat there unused for `ms`. */
  const age = async (key: string, ms: number) => {
    const at = new Date(Date.now() - ms);
    await fs.utimes(path.join(t.container.config.dataDir, 'objects', key.slice(0, 2), key.slice(2, 4), key), at, at);
  };

  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('deletes an object no row references once nobody has put it for the grace period, and keeps a younger one', async () => {
    const old = await put();
    const young = await put();
    await age(old, SWEEP_GRACE_MS + HOUR);
    await age(young, SWEEP_GRACE_MS - HOUR);
    expect(await sweep()).toBeGreaterThanOrEqual(1);
    expect(await storage().stat(old)).toBeNull();
    expect(await storage().stat(young)).not.toBeNull();
  });

  it('spares an old object put again since (the same bytes uploaded anew)', async () => {
    const bytes = randomBytes(2000);
    const { key } = await storage().put(bytes);
    await age(key, SWEEP_GRACE_MS + HOUR);
    await storage().put(bytes);
    await sweep();
    expect(await storage().stat(key)).not.toBeNull();
  });

  it('spares an object put again while the sweep runs, after the listing saw it old', async () => {
    const { key, sizeBytes } = await storage().put(randomBytes(2000));
    // The listing the sweep works from says "stored long ago"; the object was put again since.
    const list = vi.spyOn(storage(), 'list').mockImplementationOnce(async function* () {
      yield { key, sizeBytes, storedAt: new Date(Date.now() - SWEEP_GRACE_MS - HOUR) };
    });
    try {
      expect(await sweep()).toBe(0);
    } finally {
      list.mockRestore();
    }
    expect(await storage().stat(key)).not.toBeNull();
  });

  it('keeps every object a row references, however old: documents, sources, purchase orders, account imports, print files, deposit slips, reprints', async () => {
    const keys = {
      document: await put(),
      source: await put(),
      purchaseOrder: await put(),
      accountImport: await put(),
      ticket: await put(),
      part: await put(),
      labels: await put(),
      depositSlip: await put(),
      reprint: await put(),
    };
    const orphan = await put();
    await inScope(t.container.db, systemScope, async (tx) => {
      const user = await tx.selectFrom('users').select(['id', 'organisation_id']).where('email', '=', 'user@mairie-demo.test').executeTakeFirstOrThrow();
      const now = new Date();
      const owner = { organisation_id: user.organisation_id, created_by: user.id, created_at: now };
      await tx.insertInto('documents').values({ ...owner, id: 'doc_sweep_1', filename: 'lettre.pdf', status: 'ready', source_kind: 'pdf', sha256: keys.document, size_bytes: 2000, pages: 1, ready_at: now }).execute();
      await tx.insertInto('documents').values({ ...owner, id: 'doc_sweep_2', filename: 'lettre.txt', status: 'converting', source_kind: 'txt', source_sha256: keys.source, source_size_bytes: 2000 }).execute();
      await tx
        .insertInto('orders')
        .values({ ...owner, id: 'ord_sweep_1', kind: 'paper', name: 'Relance', status: 'submitted', documents: '[]', options: '{}', address_source: 'document', split: null, quote: '{}', submitted_at: now, purchase_order_sha256: keys.purchaseOrder, updated_at: now })
        .execute();
      await tx.insertInto('account_imports').values({ id: 'imp_sweep_1', organisation_id: user.organisation_id, filename: 'comptes.csv', file_sha256: keys.accountImport, created_by: user.id, created_at: now, rows: '[]' }).execute();
      await tx
        .insertInto('batches')
        .values({
          id: 'bat_sweep_1',
          production_key: 'sweep',
          attributes: '{}',
          status: 'deposited',
          closed_at: now,
          print_files: JSON.stringify({ ticket: keys.ticket, parts: [{ part: 1, sha256: keys.part, sheets: 1, pages: 1 }], labels: keys.labels }),
          deposit_slip: JSON.stringify({ sha256: keys.depositSlip, prepared_at: now.toISOString(), confirmed_at: null, confirmed_by: null }),
          created_at: now,
          updated_at: now,
        })
        .execute();
      await tx.insertInto('batch_events').values({ id: 'evt_sweep_1', batch_id: 'bat_sweep_1', type: 'batch.reprint', detail: JSON.stringify({ file: keys.reprint }), at: now }).execute();
    });
    for (const key of [...Object.values(keys), orphan]) await age(key, 30 * 24 * HOUR);

    expect(await sweep()).toBeGreaterThanOrEqual(1);
    expect(await storage().stat(orphan)).toBeNull();
    for (const [what, key] of Object.entries(keys)) expect(await storage().stat(key), what).not.toBeNull();
  });

  it('knows every column that holds an object key', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name LIKE '%sha256' ORDER BY table_name, column_name`.execute(t.container.db);
    expect(rows.map((r) => [r.table_name, r.column_name])).toEqual([...KEY_COLUMNS].map((c) => [...c]).sort());
  });
});
