/** The orders module's public face. */
export { orderRoutes, tariffRoutes } from './orders.routes.js';
export { ensureStandardTariff, type OrderDeps } from './orders.js';
