import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers.js';
import { runCommand } from './commands.js';

/** The operator's commands, run in-process as the control socket runs them. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('pglite');
});
afterAll(() => t.close());

const run = (...argv: string[]) => runCommand(t.container, argv);

describe('pli commands', () => {
  it('help lists every command', async () => {
    const r = await run('help');
    expect(r.code).toBe(0);
    for (const c of ['migrate', 'seed', 'api-key create', 'api-key revoke', 'user create', 'journal audit', 'journal checkpoint']) expect(r.stdout.join('\n')).toContain(c);
  });

  it('checkpoints the journal on demand and audits it; a tampered entry is named, with exit code 1', async () => {
    // The journal starts with the trust keys installed at the first start.
    expect(await run('journal', 'checkpoint')).toMatchObject({ code: 0, stdout: [expect.stringMatching(/^Checkpoint of 1 entry, root [0-9a-f]{64}, signed and time-stamped at /)] });
    const { appendToJournal } = await import('../platform/trust/journal.js');
    const { inScope, systemScope } = await import('../platform/db/scope.js');
    for (let i = 0; i < 3; i += 1) await inScope(t.container.db, systemScope, (tx) => appendToJournal(tx, t.container.clock, { kind: 'test.event', organisationId: null, subject: null, data: { i } }));
    const cp = await run('journal', 'checkpoint');
    expect(cp.stdout[0]).toMatch(/^Checkpoint of 5 entries, root [0-9a-f]{64}, signed and time-stamped at /);
    expect(await run('journal', 'audit')).toEqual({ code: 0, stdout: ['Journal: 6 entries, 2 checkpoints; the first 5 verified against a signed, time-stamped checkpoint.', 'No finding: every entry is the one its checkpoints vouch for.'], stderr: [] });
    const { sql } = await import('kysely');
    await sql`ALTER TABLE trust_journal DISABLE TRIGGER USER`.execute(t.container.db);
    await sql`UPDATE trust_journal SET entry = replace(entry, '"i":1', '"i":7') WHERE seq = 3`.execute(t.container.db);
    await sql`ALTER TABLE trust_journal ENABLE TRIGGER USER`.execute(t.container.db);
    const audit = await run('journal', 'audit');
    expect(audit.code).toBe(1);
    expect(audit.stderr).toEqual([
      'Entry 3 was changed: its text no longer has the hash recorded when it was journaled.',
      'The checkpoint of 5 entries no longer matches the journal: entry 3 differs from what it vouched for.',
    ]);
  });

  it('migrate and seed are safe to run again', async () => {
    expect(await run('migrate')).toMatchObject({ code: 0, stdout: ['The database is up to date.'] });
    expect(await run('seed')).toMatchObject({ code: 0, stdout: ['The database was already seeded: nothing to do.'] });
  });

  it('creates a user, then an API key for them', async () => {
    const created = await run('user', 'create', '--email', 'Agent.Accueil@Mairie-Demo.test', '--name', 'Agent d’accueil', '--role', 'client_user', '--organisation', 'Mairie de Démo', '--password', 'a-long-password-1');
    expect(created.code, created.stderr.join()).toBe(0);
    const key = await run('api-key', 'create', '--email', 'agent.accueil@mairie-demo.test');
    expect(key.code).toBe(0);
    expect(key.stdout.at(-1)).toMatch(/^pli_/);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key.stdout.at(-1)}` } });
    expect(me.json()).toMatchObject({ email: 'agent.accueil@mairie-demo.test', role: 'client_user' });
  });

  it.each([
    [['user', 'create', '--email', 'x@y.test'], 'user create needs --name, --role, --organisation.'],
    [['user', 'create', '--email', 'x@y.test', '--name', 'X', '--role', 'boss', '--organisation', 'Mairie de Démo'], 'Unknown role "boss"'],
    [['user', 'create', '--email', 'x@y.test', '--name', 'X', '--role', 'operator', '--organisation', 'Mairie de Démo'], 'The role operator cannot belong to a client organisation.'],
    [['user', 'create', '--email', 'admin@pli.test', '--name', 'X', '--role', 'client_user', '--organisation', 'Mairie de Démo'], 'An account with the e-mail admin@pli.test already exists.'],
    [['user', 'create', '--email', 'x@y.test', '--name', 'X', '--role', 'client_user', '--organisation', 'Nowhere'], 'No organisation is named or numbered "Nowhere".'],
    [['user', 'create', '--email', 'not-an-email', '--name', 'X', '--role', 'client_user', '--organisation', 'Mairie de Démo'], 'is not an e-mail address'],
    [['api-key', 'create'], 'api-key create needs --email'],
    [['api-key', 'revoke', 'key_00000000000000000000000000'], 'API key key_00000000000000000000000000 was not found.'],
    [['api-key', 'create', '--emial', 'x'], "Unknown option '--emial'"],
    [['frobnicate'], 'Unknown command "frobnicate"'],
  ])('%j answers with a clear sentence', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).not.toBe(0);
    expect(r.stderr.join('\n')).toContain(message);
  });

  it('a key for a user waiting for activation is refused', async () => {
    await run('user', 'create', '--email', 'invited@mairie-demo.test', '--name', 'Invité', '--role', 'client_user', '--organisation', 'Mairie de Démo');
    const r = await run('api-key', 'create', '--email', 'invited@mairie-demo.test');
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toContain('is invited');
  });
});
