import type { ArchiveItem } from './api';

/** The retentions of M-6.c, in years. */
export const RETENTIONS = [1, 3, 5, 10, 30] as const;

export function statusColor(item: ArchiveItem): string {
  if (item.legal_hold) return 'orange';
  return item.status === 'kept' ? 'green' : item.status === 'destruction_proposed' ? 'yellow' : 'gray';
}
