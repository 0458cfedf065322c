import type { Kysely } from 'kysely';
import type { Role } from '#domain/roles.js';
import type { Clock } from '../../platform/clock/clock.js';
import { generatePassword } from '../../platform/crypto/secrets.js';
import type { ContractOptions, DB } from '../../platform/db/schema.js';
import { inScope, systemScope } from '../../platform/db/scope.js';
import type { IdGenerator } from '../../platform/ids/ids.js';
import { insertUser } from './users.js';

export const PROVIDER_NAME = 'Pli — Prestataire';
export const DEMO_CLIENT_NAME = 'Mairie de Démo';

const DEMO_PEOPLE: ReadonlyArray<{ email: string; name: string; role: Role; client: boolean }> = [
  { email: 'admin@pli.test', name: 'Alice Administratrice', role: 'provider_admin', client: false },
  { email: 'operator@pli.test', name: 'Omar Opérateur', role: 'operator', client: false },
  { email: 'support@pli.test', name: 'Sophie Support', role: 'support_agent', client: false },
  { email: 'admin@mairie-demo.test', name: 'Claire Dubois', role: 'client_admin', client: true },
  { email: 'user@mairie-demo.test', name: 'Julien Martin', role: 'client_user', client: true },
];

export interface SeedResult {
  /** Empty when the database already had its organisations. */
  created: Array<{ email: string; role: Role; password: string; generated: boolean }>;
  providerOrganisationId: string;
}

/**
 * First start on an empty database: the provider's own organisation always (nothing can be
 * administered without it), and the demo unless PLI_SEED=none. Runs once: a database that already
 * has organisations is left alone.
 */
export async function seed(
  deps: { db: Kysely<DB>; clock: Clock; ids: IdGenerator },
  opts: { demo: boolean; demoPassword: string | undefined },
): Promise<SeedResult> {
  return inScope(deps.db, systemScope, async (tx) => {
    const existing = await tx.selectFrom('organisations').select('id').where('kind', '=', 'provider').executeTakeFirst();
    if (existing) return { created: [], providerOrganisationId: existing.id };

    const now = deps.clock.now();
    const providerId = deps.ids.next('org');
    await tx.insertInto('organisations').values({ id: providerId, kind: 'provider', name: PROVIDER_NAME, created_at: now }).execute();
    if (!opts.demo) return { created: [], providerOrganisationId: providerId };

    const clientId = deps.ids.next('org');
    await tx.insertInto('organisations').values({ id: clientId, kind: 'client', name: DEMO_CLIENT_NAME, created_at: now }).execute();
    const everyOption: ContractOptions = { undelivered_mail: true, simple_archive: true, electronic_archive: true, user_assistance: true };
    const today = now.toISOString().slice(0, 10);
    const inThreeYears = `${now.getUTCFullYear() + 3}${today.slice(4)}`;
    const onboardingEnd = new Date(now.getTime() + 90 * 86_400_000).toISOString().slice(0, 10);
    await tx
      .insertInto('contracts')
      .values({
        id: deps.ids.next('ctr'),
        organisation_id: clientId,
        starts_on: today,
        ends_on: inThreeYears,
        onboarding_ends_on: onboardingEnd,
        options: JSON.stringify(everyOption),
        created_at: now,
      })
      .execute();

    const created: SeedResult['created'] = [];
    for (const person of DEMO_PEOPLE) {
      const password = opts.demoPassword ?? generatePassword();
      await insertUser(tx, deps, {
        organisationId: person.client ? clientId : providerId,
        email: person.email,
        name: person.name,
        role: person.role,
        password,
      });
      created.push({ email: person.email, role: person.role, password, generated: opts.demoPassword === undefined });
    }
    return { created, providerOrganisationId: providerId };
  });
}

/** The once-only terminal notice of generated demo passwords. Written to the terminal, not the log. */
export function formatSeedNotice(result: SeedResult): string | null {
  if (result.created.length === 0) return null;
  const lines = [
    '',
    '  Pli demo accounts created (first start):',
    ...result.created.map((c) => `    ${c.email.padEnd(26)} ${c.role.padEnd(15)} ${c.generated ? c.password : '(PLI_DEMO_PASSWORD)'}`),
  ];
  if (result.created.some((c) => c.generated)) lines.push('  These passwords are shown once and never logged: note them now.');
  lines.push('');
  return lines.join('\n');
}
