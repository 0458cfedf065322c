export const STATUS = {
  queued: { label: 'outbox.status.queued', color: 'yellow' },
  sent: { label: 'outbox.status.sent', color: 'green' },
  failed: { label: 'outbox.status.failed', color: 'red' },
} as const;
