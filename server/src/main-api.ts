import { startApi } from './api-process.js';

await startApi();
