export * from './batching.js';
export * from './floor-status.js';
