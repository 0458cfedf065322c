/** The orders module's public face. */
export { orderRoutes, productionRulesRoutes, tariffRoutes } from './orders.routes.js';
export { presentQuote } from './orders.presenter.js';
export { ordersPolicy } from './orders.policy.js';
export { changeOrderStatus, checkArchiveOption, checkDocumentsReady, createFollowUpOrder, ensureStandardTariff, insertDraft, loadOrder, refuseIfNotDraft, tariffFor, updateDraft, type ElectronicOrders, type OrderDeps, type OrderInput, type OrderRow } from './orders.js';
export { parisWallClock } from './paris-time.js';
export { ensureProductionRules } from './production-rules.js';
