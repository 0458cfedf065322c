import type { OutboxMessage } from '#contracts/organisations.js';
import { useQuery } from '@tanstack/react-query';
import { http } from '../../lib/http';
import { useCursorList } from '../../lib/pages';

export type { OutboxMessage };

export function useOutbox() {
  return useCursorList<OutboxMessage>(['outbox'], '/api/v1/outbox?limit=50');
}

export function useOutboxMessage(id: string | null) {
  return useQuery({
    queryKey: ['outbox-message', id],
    queryFn: ({ signal }) => http.get<OutboxMessage>(`/api/v1/outbox/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: id !== null,
    staleTime: Infinity,
  });
}
