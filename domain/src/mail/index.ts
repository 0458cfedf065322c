/** Paper-mail rules: sheets and weight, postage steps and class limits (their figures: the
 * effective-dated production rules), the production and
 * postal calendars, delivery estimates, address checks and pricing. Pure: no I/O, no clock. */
export * from './paper.js';
export * from './postage.js';
export * from './calendar.js';
export * from './delivery.js';
export * from './address.js';
export * from './pricing.js';
export * from './production-rules.js';
