import { z } from 'zod';
import { defineJob } from '../../platform/jobs/job-queue.js';

/** Sends an electronic order: its deposit evidence, then each recipient's notification. */
export const sendEletterJob = defineJob({
  name: 'eletters.send',
  schema: z.object({ order_id: z.string() }),
  retryLimit: 10,
  retryDelaySeconds: 10,
  heartbeatSeconds: 60,
});
