/** The orders module's public face. */
export { orderRoutes, productionRulesRoutes, tariffRoutes } from './orders.routes.js';
export { changeOrderStatus, ensureStandardTariff, loadOrder, type OrderDeps, type OrderRow } from './orders.js';
export { parisWallClock } from './paris-time.js';
export { ensureProductionRules } from './production-rules.js';
