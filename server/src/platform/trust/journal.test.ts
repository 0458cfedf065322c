import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyConsistency, verifyInclusion } from '#domain/trust/merkle.js';
import { backends, createTestDatabase, type TestDatabase } from '../../../test/helpers.js';
import { inScope, systemScope } from '../db/scope.js';
import {
  appendToJournal,
  journalConsistencyProof,
  journalHasher,
  journalInclusionProof,
  journalTreeHead,
  leafHashOf,
  type JournalEvent,
} from './journal.js';

const clock = { now: () => new Date('2026-12-04T09:00:00.000Z') };
const event = (i: number, organisationId: string | null = null): JournalEvent => ({ kind: 'test.event', organisationId, subject: `item_${i}`, data: { n: i } });

describe.each(backends())('the trust journal on %s', (kind) => {
  let tdb: TestDatabase;
  let orgA: string;
  let orgB: string;
  const db = () => tdb.database.db;

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    const orgs = await sql<{ id: string }>`SELECT id FROM organisations WHERE kind = 'client' ORDER BY id LIMIT 2`.execute(db());
    if (orgs.rows.length < 2) {
      for (const name of ['Org A', 'Org B']) await sql`INSERT INTO organisations (id, kind, name) VALUES (${`org_journal_${name.at(-1)}`}, 'client', ${name})`.execute(db());
    }
    const ids = (await sql<{ id: string }>`SELECT id FROM organisations WHERE kind = 'client' ORDER BY id LIMIT 2`.execute(db())).rows;
    orgA = ids[0]!.id;
    orgB = ids[1]!.id;
  });
  afterAll(() => tdb.dispose());

  it('entries appended at the same time, from several organisations, take each position once; the head is the tree of them all', async () => {
    const before = (await journalTreeHead(db())).size;
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        inScope(db(), { kind: 'organisation', organisationId: i % 2 ? orgA : orgB }, (tx) => appendToJournal(tx, clock, event(i, i % 2 ? orgA : orgB))),
      ),
    );
    const rows = (await inScope(db(), systemScope, (tx) => sql<{ seq: number; entry: string }>`SELECT seq, entry FROM trust_journal ORDER BY seq`.execute(tx))).rows;
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: before + 24 }, (_, i) => i));
    for (const r of rows) expect(JSON.parse(r.entry).seq).toBe(Number(r.seq));
    // The head, made from stored nodes, is the RFC's MTH of the entries as stored.
    const leaves = rows.map((r) => leafHashOf(r.entry));
    const mth = (d: Uint8Array[]): Uint8Array => (d.length === 1 ? d[0]! : journalHasher.node(mth(d.slice(0, 2 ** Math.floor(Math.log2(d.length - 1)))), mth(d.slice(2 ** Math.floor(Math.log2(d.length - 1))))));
    const head = await journalTreeHead(db());
    expect(head.size).toBe(rows.length);
    expect(Buffer.from(head.root).equals(Buffer.from(mth(leaves)))).toBe(true);
    // Every entry's proof verifies against it; the first head is consistent with every later one.
    for (let seq = 0; seq < head.size; seq += 1) {
      expect(verifyInclusion(seq, head.size, leaves[seq]!, await journalInclusionProof(db(), seq, head.size), head.root, journalHasher)).toBe(true);
    }
    for (let size = 1; size < head.size; size += 1) {
      const old = await journalTreeHead(db(), size);
      expect(verifyConsistency(size, head.size, await journalConsistencyProof(db(), size, head.size), old.root, head.root, journalHasher), `${size} → ${head.size}`).toBe(true);
    }
  });

  it('an entry is journaled with the change it records, or not at all', async () => {
    const before = (await journalTreeHead(db())).size;
    await expect(
      inScope(db(), { kind: 'organisation', organisationId: orgA }, async (tx) => {
        await appendToJournal(tx, clock, event(99, orgA));
        throw new Error('the deposit failed');
      }),
    ).rejects.toThrow('the deposit failed');
    expect((await journalTreeHead(db())).size).toBe(before);
    await inScope(db(), { kind: 'organisation', organisationId: orgA }, (tx) => appendToJournal(tx, clock, event(100, orgA)));
    expect((await journalTreeHead(db())).size).toBe(before + 1);
  });

  it('nobody changes, deletes or truncates an entry, not even the owner; the head only grows by one', async () => {
    const owner = db();
    for (const statement of [
      sql`UPDATE trust_journal SET kind = 'forged' WHERE seq = 0`,
      sql`DELETE FROM trust_journal WHERE seq = 0`,
      sql`TRUNCATE trust_journal`,
      sql`UPDATE trust_journal_nodes SET hash = hash WHERE level = 0 AND index = 0`,
      sql`DELETE FROM trust_journal_nodes`,
      sql`UPDATE trust_journal_head SET size = 0`,
      sql`UPDATE trust_journal_head SET size = size + 2`,
      sql`DELETE FROM trust_journal_head`,
    ]) {
      // (TRUNCATE meets the checkpoints' foreign key first: refused all the same.)
      await expect(inScope(owner, systemScope, (tx) => statement.execute(tx))).rejects.toThrow(/append-only|one entry at a time|permission denied|referenced in a foreign key/);
      await expect(statement.execute(owner)).rejects.toThrow(/append-only|one entry at a time|referenced in a foreign key/);
    }
  });

  it('an organisation reads its own entries only; it cannot write one in another’s name', async () => {
    const seen = await inScope(db(), { kind: 'organisation', organisationId: orgA }, (tx) => sql<{ organisation_id: string | null }>`SELECT organisation_id FROM trust_journal`.execute(tx));
    expect(seen.rows.length).toBeGreaterThan(0);
    expect(new Set(seen.rows.map((r) => r.organisation_id))).toEqual(new Set([orgA]));
    await expect(inScope(db(), { kind: 'organisation', organisationId: orgA }, (tx) => appendToJournal(tx, clock, event(7, orgB)))).rejects.toThrow(/row-level security/);
  });
});
