/** The e-letters module's public face (M-4): electronic orders, the recipients' access, evidence, deadlines. */
export { evidenceRoutes, recipientRoutes } from './eletters.routes.js';
export { cancelElectronicOrder, createElectronicOrder, getElectronicOrder, submitElectronicOrder, updateElectronicOrder, type ElectronicOrderView, type EletterDeps } from './eletters.js';
export { presentElectronicOrder } from './eletters.presenter.js';
export { sendEletterJob } from './jobs.js';
export { RECIPIENT_COOKIE, authenticateRecipient, identityCallback } from './recipient-access.js';
export { NOTIFICATION_TEMPLATE, notificationDelivered, runDeadlines, sendElectronicOrder } from './sending.js';
