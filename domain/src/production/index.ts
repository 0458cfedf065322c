export * from './batching.js';
export * from './deposit.js';
export * from './floor-status.js';
export * from './registered.js';
export * from './franking.js';
export * from './after-handover.js';
