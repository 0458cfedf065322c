/** The accounts module's public face: other modules and the platform wiring import only this. */
export { accountsRoutes } from './accounts.routes.js';
export { authenticateApiKey, createApiKey, revokeApiKeyById } from './api-keys.js';
export { createUserFromCli, findUserByEmail, principalOfUser } from './users.js';
export { seed, formatSeedNotice, DEMO_CLIENT_NAME, PROVIDER_NAME } from './seed.js';
