/** The orders module's public face. */
export { orderRoutes } from './orders.routes.js';
export { ensureStandardTariff, type OrderDeps } from './orders.js';
