import { parseArgs } from 'node:util';
import { ROLES, type Role } from '#domain/roles.js';
import type { Container } from '../container.js';
import { AppError } from '../errors.js';
import { migrate } from '../platform/db/migrate.js';
import { writeCheckpoint } from '../platform/trust/checkpoints.js';
import { auditJournal, describeFinding } from '../platform/trust/journal-audit.js';
import { runVerify } from './verify-command.js';
import { auditArchiveObjects } from '../modules/archive/index.js';
import { createApiKey, createUserFromCli, findUserByEmail, formatSeedNotice, principalOfUser, revokeApiKeyById, seed } from '../modules/accounts/index.js';

/**
 * The operator's commands (`npm run pli -- …`). The same function runs in the CLI process when it
 * owns the database, and inside a running server when the CLI reaches it by the control socket:
 * either way through the same use cases.
 */
export interface CommandResult {
  code: number;
  stdout: string[];
  stderr: string[];
}

export const USAGE = `Usage: npm run pli -- <command>

  migrate                                   apply pending database migrations
  seed                                      seed an empty database (provider organisation, demo unless PLI_SEED=none)
  api-key create --email <e-mail> [--name <name>]
                                            create an API key acting as that user; the key is the last line
  api-key revoke <key id>                   revoke an API key (key_…)
  user create --email <e-mail> --name <name> --role <role> --organisation <id or name> [--password <password>]
                                            create a user (roles: ${ROLES.join(', ')})
  journal audit                             re-check the trust journal against its signed checkpoints (exit 1 on any finding)
  journal checkpoint                        sign and time-stamp the journal's head now
  verify <file> <bundle.json> [--root <root.pem>] [--lang fr|en]
                                            check a file against its proof bundle, offline (no database, no server)
  help                                      this text`;

export async function runCommand(container: Container, argv: string[]): Promise<CommandResult> {
  const out: string[] = [];
  const ok = (...lines: string[]): CommandResult => ({ code: 0, stdout: [...out, ...lines], stderr: [] });
  const fail = (message: string, code = 1): CommandResult => ({ code, stdout: out, stderr: [message] });
  const [command, sub, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
        return ok(USAGE);
      case 'verify':
        return await runVerify(argv.slice(1));
      case 'migrate': {
        const applied = await migrate(container.db);
        return ok(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      }
      case 'seed': {
        const result = await seed(container, { demo: container.config.seed === 'demo', demoPassword: container.config.demoPassword });
        return ok(formatSeedNotice(result) ?? 'The database was already seeded: nothing to do.');
      }
      case 'api-key': {
        if (sub === 'create') {
          const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' } }, strict: true });
          if (!values.email) return fail('api-key create needs --email <user e-mail>.', 2);
          const user = await findUserByEmail(container.db, values.email);
          if (!user) return fail(`No user has the e-mail ${values.email}.`);
          if (user.status !== 'active') return fail(`The user ${user.email} is ${user.status}: an API key would not work.`);
          const principal = await principalOfUser(container.db, user.id);
          const key = await createApiKey(container, principal, values.name ?? `CLI ${container.clock.now().toISOString().slice(0, 10)}`);
          return ok(`Created API key ${key.id} for ${user.email}. It is shown once; keep it secret:`, key.key);
        }
        if (sub === 'revoke') {
          const [keyId] = rest;
          if (!keyId) return fail('api-key revoke needs the key id (key_…).', 2);
          const { email } = await revokeApiKeyById(container, keyId);
          return ok(`Revoked API key ${keyId} of ${email}.`);
        }
        return fail(`Unknown api-key command "${sub ?? ''}".\n\n${USAGE}`, 2);
      }
      case 'journal': {
        if (sub === 'audit') {
          const report = await auditJournal(container.db, { sealCertificatePem: container.trust.keys.seal.certificatePem, rootCertificate: container.trust.keys.root.certificate }, () => auditArchiveObjects(container.archive), container.storage);
          const summary = `Journal: ${report.entries} entries, ${report.checkpoints} checkpoint${report.checkpoints === 1 ? '' : 's'}; the first ${report.verifiedUpTo} verified against a signed, time-stamped checkpoint.`;
          if (report.ok) return ok(summary, 'No finding: every entry is the one its checkpoints vouch for.');
          return { code: 1, stdout: [...out, summary], stderr: report.findings.map(describeFinding) };
        }
        if (sub === 'checkpoint') {
          const cp = await writeCheckpoint(container.trust.checkpoints, { force: true });
          return ok(cp ? `Checkpoint of ${cp.treeSize} entr${cp.treeSize === 1 ? 'y' : 'ies'}, root ${Buffer.from(cp.rootHash).toString('hex')}, signed and time-stamped at ${cp.signedAt.toISOString()}.` : 'The journal is empty: nothing to checkpoint.');
        }
        return fail(`Unknown journal command "${sub ?? ''}".\n\n${USAGE}`, 2);
      }
      case 'user': {
        if (sub !== 'create') return fail(`Unknown user command "${sub ?? ''}".\n\n${USAGE}`, 2);
        const { values } = parseArgs({
          args: rest,
          options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, organisation: { type: 'string' }, password: { type: 'string' } },
          strict: true,
        });
        const missing = (['email', 'name', 'role', 'organisation'] as const).filter((k) => !values[k]);
        if (missing.length) return fail(`user create needs ${missing.map((m) => `--${m}`).join(', ')}.`, 2);
        if (!(ROLES as readonly string[]).includes(values.role!)) return fail(`Unknown role "${values.role}". Roles: ${ROLES.join(', ')}.`, 2);
        if (values.password !== undefined && values.password.length < 12) return fail('The password must be at least 12 characters.', 2);
        const created = await createUserFromCli(container, {
          email: values.email!,
          name: values.name!,
          role: values.role as Role,
          organisation: values.organisation!,
          password: values.password,
        });
        return ok(`Created user ${created.id} (${values.email}) in ${created.organisationId}${values.password ? '' : ': an invitation e-mail with the activation link is on its way'}.`);
      }
      default:
        return fail(`Unknown command "${command}".\n\n${USAGE}`, 2);
    }
  } catch (err) {
    if (err instanceof AppError) return fail(err.detail);
    if (err instanceof TypeError && 'code' in err && String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) {
      return fail(`${err.message}\n\n${USAGE}`, 2);
    }
    throw err;
  }
}
