/** Tracking: the live event stream (and, next, webhooks) over the order event log. */
export { trackingRoutes } from './tracking.routes.js';
