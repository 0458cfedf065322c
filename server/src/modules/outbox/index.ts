/** The outbox module's public face. */
export { outboxRoutes } from './outbox.routes.js';
