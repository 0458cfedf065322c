import type { Container } from '../src/container.js';
import { createApiKey, findUserByEmail, principalOfUser } from '../src/modules/accounts/index.js';

export async function apiKeyOf(container: Container, email: string): Promise<string> {
  const user = await findUserByEmail(container.db, email);
  if (!user) throw new Error(`no user ${email}`);
  return (await createApiKey(container, await principalOfUser(container.db, user.id), 'bench')).key;
}
