import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestDatabase, type TestDatabase } from '../../../test/helpers.js';
import { createIdGenerator } from '../ids/ids.js';
import { appendToJournal } from '../trust/journal.js';
import { inScope, systemScope, type Tx } from './scope.js';

/**
 * The tenant wall is the database's, not the code's: with the application role, a raw
 * `SELECT *` in organisation A's transaction returns none of organisation B's rows, for every
 * table that holds a client organisation's data.
 */
const ids = createIdGenerator();

/** Rows of one organisation in every tenant-scoped table. A new such table must be added here. */
async function fillOrganisation(tdb: TestDatabase, name: string): Promise<string> {
  const org = ids.next('org');
  const user = ids.next('usr');
  await inScope(tdb.database.db, systemScope, async (tx) => {
    await tx.insertInto('organisations').values({ id: org, kind: 'client', name }).execute();
    await tx.insertInto('contracts').values({ id: ids.next('ctr'), organisation_id: org, starts_on: '2026-01-01', options: '{}' }).execute();
    await tx.insertInto('users').values({ id: user, organisation_id: org, email: `${user}@example.test`, name, role: 'client_user' }).execute();
    await tx.insertInto('api_keys').values({ id: ids.next('key'), organisation_id: org, user_id: user, name: 'k', secret_hash: 'x' }).execute();
    await tx.insertInto('outbox_messages').values({ id: ids.next('msg'), organisation_id: org, to_address: 'a@b.test', subject: 's', text_body: 't' }).execute();
    await tx.insertInto('idempotency_keys').values({ organisation_id: org, principal_id: user, key: 'k', request_hash: 'h' }).execute();
    const now = new Date();
    await tx.insertInto('sessions').values({ id: `s-${org}`, user_id: user, organisation_id: org, stage: 'signed_in', csrf_token: 'c', created_at: now, last_seen_at: now, expires_at: now }).execute();
    await tx.insertInto('user_tokens').values({ id: `t-${org}`, user_id: user, organisation_id: org, kind: 'activation', created_at: now, expires_at: now }).execute();
    await tx.insertInto('account_imports').values({ id: ids.next('imp'), organisation_id: org, filename: 'f.csv', file_sha256: 'x', created_by: user, created_at: now, rows: '[]' }).execute();
    await tx.insertInto('audit_events').values({ id: ids.next('evt'), organisation_id: org, action: 'test', at: now }).execute();
    await tx.insertInto('documents').values({ id: ids.next('doc'), organisation_id: org, created_by: user, filename: 'a.pdf', status: 'converting', source_kind: 'docx', created_at: now }).execute();
    await tx.insertInto('tariffs').values({ id: ids.next('trf'), organisation_id: org, effective_from: '2026-01-01', tariff: '{}', created_at: now }).execute();
    const order = ids.next('ord');
    await tx
      .insertInto('orders')
      .values({ id: order, organisation_id: org, created_by: user, kind: 'paper', name: 'o', status: 'submitted', documents: '[]', options: '{}', address_source: 'document', split: null, quote: '{}', submitted_at: now, created_at: now, updated_at: now })
      .execute();
    const mp = ids.next('mp');
    await tx
      .insertInto('mailpieces')
      .values({ id: mp, organisation_id: org, order_id: order, number: 1, status: 'pending', recipient: '{}', first_page: 1, last_page: 1, sheets: 1, weight_mg: 1, postage_step: '20g', carrier_sheet: false, created_at: now, updated_at: now })
      .execute();
    const evt = ids.next('evt');
    await tx.insertInto('order_events').values({ id: evt, organisation_id: org, order_id: order, mailpiece_id: mp, type: 'order.submitted', at: now }).execute();
    const hook = ids.next('whk');
    await tx.insertInto('webhooks').values({ id: hook, organisation_id: org, url: 'https://example.test/h', events: ['*'], secret_sealed: 'x', status: 'active', created_at: now }).execute();
    await tx.insertInto('webhook_deliveries').values({ id: ids.next('dlv'), organisation_id: org, webhook_id: hook, event_id: evt, event_type: 'order.submitted', payload: '{}', status: 'pending', next_attempt_at: now, created_at: now }).execute();
    const deposit = await appendToJournal(tx, { now: () => now }, { kind: 'test.event', organisationId: org, subject: null, data: {} });
    await tx
      .insertInto('archive_items')
      .values({ id: ids.next('arc'), organisation_id: org, tier: 'simple', kind: 'sent_file', owner_user_id: user, order_id: order, title: 't', filename: 'a.pdf', content_type: 'application/pdf', sha256: 'a'.repeat(64), sha3_256: 'b'.repeat(64), size_bytes: 1, deposited_at: now, deposit_seq: deposit.seq })
      .execute();
    await tx
      .insertInto('eletters')
      .values({ mailpiece_id: mp, organisation_id: org, order_id: order, envoi: `LE-${mp}`, kind: 'simple', recipient_email: 'r@example.test', recipient_name: 'R', recipient_phone: null, recipient_kind: 'professional', consent_ref: null, link_hash: `l-${mp}`, code_hash: null, fallback_after_days: null, created_at: now, updated_at: now })
      .execute();
    await tx
      .insertInto('eletter_evidence')
      .values({ id: ids.next('evd'), organisation_id: org, mailpiece_id: mp, seq: 1, event: 'SubmissionAcceptance', at: now, record: '{}', record_digest: 'c'.repeat(64), previous: null, seal: new Uint8Array([1]), timestamp_token: new Uint8Array([2]), journal_seq: deposit.seq, retain_until: '2027-12-07' })
      .execute();
    await tx.insertInto('recipient_sessions').values({ id: ids.next('rcs'), organisation_id: org, mailpiece_id: mp, token_hash: `t-${mp}`, csrf_token: 'c', stage: 'open', created_at: now, expires_at: now }).execute();
    await tx
      .insertInto('mailpiece_returns')
      .values({ id: ids.next('ret'), organisation_id: org, order_id: order, mailpiece_id: mp, kind: 'returned', reason: 'address_error', scan_sha256: 'd'.repeat(64), scan_content_type: 'application/pdf', scan_size_bytes: 1, scan_filename: 'scan.pdf', recorded_by: user, received_at: now })
      .execute();
    await tx.insertInto('address_flags').values({ id: ids.next('adf'), organisation_id: org, address_key: `k-${org}`, address: '{"lines":[],"country":"FR"}', reason: 'address_error', mailpiece_id: mp, flagged_at: now }).execute();
    await tx.insertInto('postal_tracking').values({ mailpiece_id: mp, organisation_id: org, tracking_number: '1E00000000000', deposited_at: now }).execute();
    await tx.insertInto('postal_events').values({ id: ids.next('pev'), organisation_id: org, mailpiece_id: mp, code: 'PC1', label: 'Pris en charge', at: now, received_at: now }).execute();
    await tx.insertInto('chase_flags').values({ id: ids.next('chs'), organisation_id: org, mailpiece_id: mp, kind: 'no_delivery', flagged_at: now }).execute();
  });
  return org;
}

const COVERED = ['organisations', 'contracts', 'users', 'api_keys', 'outbox_messages', 'idempotency_keys', 'sessions', 'user_tokens', 'account_imports', 'audit_events', 'documents', 'tariffs', 'orders', 'mailpieces', 'order_events', 'webhooks', 'webhook_deliveries', 'trust_journal', 'archive_items', 'eletters', 'eletter_evidence', 'recipient_sessions', 'mailpiece_returns', 'address_flags', 'postal_tracking', 'postal_events', 'chase_flags'];

describe.each(backends())('tenant isolation on %s', (kind) => {
  let tdb: TestDatabase;
  let a: string;
  let b: string;
  let tenantTables: string[];

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    a = await fillOrganisation(tdb, 'Organisation A');
    b = await fillOrganisation(tdb, 'Organisation B');
    const r = await sql<{ table_name: string }>`
      SELECT DISTINCT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'organisation_id'`.execute(tdb.database.db);
    tenantTables = ['organisations', ...r.rows.map((x) => x.table_name)].sort();
  });
  afterAll(() => tdb.dispose());

  it('knows every tenant-scoped table (a new one must get rows above and a policy)', () => {
    expect(tenantTables).toEqual([...COVERED].sort());
  });

  it('forces row-level security on every tenant-scoped table', async () => {
    const r = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
      WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`.execute(tdb.database.db);
    for (const table of tenantTables) {
      const row = r.rows.find((x) => x.relname === table);
      expect(row, table).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
    }
  });

  it.each(COVERED)('a transaction of organisation A sees none of B’s rows in %s', async (table) => {
    const rows = await inScope(tdb.database.db, { kind: 'organisation', organisationId: a }, async (tx) => {
      const who = await sql<{ current_user: string }>`SELECT current_user`.execute(tx);
      expect(who.rows[0]?.current_user).toBe('pli_app');
      return (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(tx)).rows;
    });
    const owner = (row: Record<string, unknown>) => (table === 'organisations' ? row.id : row.organisation_id);
    expect(rows.filter((row) => owner(row) === b)).toEqual([]);
    // …while A's own rows are there (the outbox is the provider's only: empty for clients).
    if (table !== 'outbox_messages') expect(rows.some((row) => owner(row) === a)).toBe(true);
  });

  it('provider staff keep the clients’ archives and never read them; nobody deletes an archived item', async () => {
    const seen = await inScope(tdb.database.db, { kind: 'provider', organisationId: 'org_provider' }, (tx) => sql`SELECT id FROM archive_items`.execute(tx));
    expect(seen.rows).toEqual([]);
    await expect(inScope(tdb.database.db, { kind: 'organisation', organisationId: a }, (tx) => sql`DELETE FROM archive_items`.execute(tx))).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM archive_items`.execute(tdb.database.db)).rejects.toThrow(/never deleted/);
  });

  it('the audit trail is append-only for the application', async () => {
    await expect(
      inScope(tdb.database.db, { kind: 'provider', organisationId: 'org_provider' }, (tx) => sql`UPDATE audit_events SET action = 'rewritten'`.execute(tx)),
    ).rejects.toThrow(/permission denied/);
    await expect(
      inScope(tdb.database.db, { kind: 'provider', organisationId: 'org_provider' }, (tx) => sql`DELETE FROM audit_events`.execute(tx)),
    ).rejects.toThrow(/permission denied/);
  });

  it('a transaction of organisation A cannot write into B', async () => {
    await expect(
      inScope(tdb.database.db, { kind: 'organisation', organisationId: a }, (tx) =>
        tx.insertInto('contracts').values({ id: ids.next('ctr'), organisation_id: b, starts_on: '2026-01-01', options: '{}' }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await inScope(tdb.database.db, { kind: 'organisation', organisationId: a }, (tx) =>
      tx.updateTable('users').set({ name: 'taken over' }).where('organisation_id', '=', b).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
  });

  it('every organisation reads the production rules (its quotes follow them); only staff add a version', async () => {
    const db = tdb.database.db;
    const asA = { kind: 'organisation', organisationId: a } as const;
    const row = (effective_from: string) => ({ id: ids.next('prr'), effective_from, rules: '{}', created_at: new Date() });
    await inScope(db, { kind: 'provider', organisationId: 'org_provider' }, (tx) => tx.insertInto('production_rules').values(row('2026-01-01')).execute());
    expect((await inScope(db, asA, (tx) => tx.selectFrom('production_rules').select('effective_from').execute())).length).toBeGreaterThan(0);
    await expect(inScope(db, asA, (tx) => tx.insertInto('production_rules').values(row('2026-02-01')).execute())).rejects.toThrow(/row-level security/);
    await expect(inScope(db, { kind: 'provider', organisationId: 'org_provider' }, (tx) => sql`UPDATE production_rules SET rules = '{}'`.execute(tx))).rejects.toThrow(/permission denied/);
  });

  it('without a declared scope the application role sees nothing', async () => {
    const rows = await tdb.database.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL ROLE pli_app`.execute(tx);
      return (await sql`SELECT * FROM users`.execute(tx)).rows;
    });
    expect(rows).toEqual([]);
  });

  it('a batch holding letters of A and B: A reads its own letters’ places in it, and the batch once deposited — never B’s letters', async () => {
    const db = tdb.database.db;
    const asA = { kind: 'organisation', organisationId: a } as const;
    const { batch, letters } = await inScope(db, systemScope, async (tx) => {
      const letters = await tx.selectFrom('mailpieces').select(['id', 'organisation_id']).where('organisation_id', 'in', [a, b]).orderBy('id').execute();
      const id = ids.next('bat');
      const now = new Date();
      await tx.insertInto('batches').values({ id, production_key: 'shared', attributes: '{}', status: 'franked', closed_at: now, print_files: '{}', created_at: now, updated_at: now }).execute();
      await tx.insertInto('batch_mailpieces').values(letters.map((m, i) => ({ mailpiece_id: m.id, batch_id: id, position: i + 1 }))).execute();
      return { batch: id, letters };
    });
    // The deposit slip extract's read with its order filter left out: what the system scope, which it used to run in, would give.
    const extract = (tx: Tx) => tx.selectFrom('batch_mailpieces as bm').innerJoin('mailpieces as m', 'm.id', 'bm.mailpiece_id').select('m.organisation_id').where('bm.batch_id', '=', batch).execute();
    expect((await inScope(db, systemScope, extract)).map((r) => r.organisation_id).sort()).toEqual([a, b].sort());
    expect((await inScope(db, asA, extract)).map((r) => r.organisation_id)).toEqual([a]);
    expect((await inScope(db, asA, (tx) => sql<{ mailpiece_id: string }>`SELECT * FROM batch_mailpieces`.execute(tx))).rows.map((r) => r.mailpiece_id)).toEqual(letters.filter((m) => m.organisation_id === a).map((m) => m.id));
    // The batch itself is the floor's until it is deposited.
    const batchesOfA = async () => (await inScope(db, asA, (tx) => sql<{ id: string }>`SELECT * FROM batches`.execute(tx))).rows.map((r) => r.id);
    expect(await batchesOfA()).toEqual([]);
    await inScope(db, systemScope, (tx) => tx.updateTable('batches').set({ status: 'deposited' }).where('id', '=', batch).execute());
    expect(await batchesOfA()).toEqual([batch]);
  });

  it('provider staff see every organisation', async () => {
    const rows = await inScope(tdb.database.db, { kind: 'provider', organisationId: 'org_provider' }, (tx) =>
      tx.selectFrom('organisations').select('id').where('id', 'in', [a, b]).execute(),
    );
    expect(rows).toHaveLength(2);
  });
});
