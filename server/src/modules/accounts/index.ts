/** The accounts module's public face: other modules and the platform wiring import only this. */
export { accountsRoutes } from './accounts.routes.js';
export { organisationRoutes } from './organisations.routes.js';
export { sessionRoutes, SESSION_COOKIE } from './sessions.routes.js';
export { authenticateApiKey, createApiKey, revokeApiKeyById } from './api-keys.js';
export { authenticateSession } from './sessions.js';
export { createUserFromCli, findUserByEmail, principalOfUser } from './users.js';
export { seed, formatSeedNotice, DEMO_CLIENT_NAME, PROVIDER_NAME } from './seed.js';
export { accountsPolicy } from './accounts.policy.js';
