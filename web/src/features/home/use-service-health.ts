import { useQuery } from '@tanstack/react-query';
import { http } from '../../lib/http';

export interface Health {
  status: string;
}

export type ServiceState = 'checking' | 'up' | 'down';

/** `GET /api/health` answers 200 {"status":"ok"} once the database answers. */
export function useServiceHealth(): ServiceState {
  const query = useQuery({
    queryKey: ['health'],
    queryFn: ({ signal }) => http.get<Health>('/api/health', { signal }),
    refetchInterval: 30_000,
    retry: 1,
  });
  if (query.isPending) return 'checking';
  if (query.isError) return 'down';
  return query.data.status === 'ok' ? 'up' : 'down';
}
