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
    for (const c of ['migrate', 'seed', 'api-key create', 'api-key revoke', 'user create']) expect(r.stdout.join('\n')).toContain(c);
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
