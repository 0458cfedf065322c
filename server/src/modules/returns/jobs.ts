import { z } from 'zod';
import { defineJob } from '../../platform/jobs/job-queue.js';

/** A returned letter's or an AR card's scan, into the simple archive (its recording enqueues it). */
export const archiveReturnScanJob = defineJob({ name: 'returns.archive_scan', schema: z.object({ return_id: z.string() }), retryLimit: 5, expireInSeconds: 600 });
