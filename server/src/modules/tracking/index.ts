/** Tracking: the live event stream and webhooks over the order event log. */
export { trackingRoutes } from './tracking.routes.js';
export { deliverDue, dispatchEvents, type WebhookDeps } from './webhooks.js';
