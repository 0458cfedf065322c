// E-letters, the sender's side (contracts/src/orders.ts, kind "electronic"; contracts/src/eletters.ts):
// a draft, its submission, the order page followed live, the proofs of each mailpiece.
import type { electronicOrderBody, ElectronicOrderDto } from '#contracts/orders.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { http } from '../../lib/http';
import { useEventStream } from '../../lib/use-event-stream';
import { orderKey, ordersKey } from '../orders/api';

export type EletterOrder = ElectronicOrderDto;
export type EletterMailpiece = EletterOrder['mailpieces'][number];
export type NewEletter = z.input<typeof electronicOrderBody>;

const orderPath = (id: string) => `/api/v1/orders/${encodeURIComponent(id)}`;

/** Creates the draft (its price comes back), then sends it once the person confirms. */
export function useCreateEletter() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewEletter) => http.post<EletterOrder>('/api/v1/orders', body),
    onSuccess: async (order) => {
      queryClient.setQueryData(orderKey(order.id), order);
      await queryClient.invalidateQueries({ queryKey: ordersKey });
    },
  });
}

export function useSendEletter() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => http.post<EletterOrder>(`${orderPath(id)}/submit`),
    onSuccess: async (order) => {
      queryClient.setQueryData(orderKey(order.id), order);
      await queryClient.invalidateQueries({ queryKey: ordersKey });
    },
  });
}

/** The order's page follows its letters live: each e-letter event reads the order again. */
export function useLiveEletterOrder(order: EletterOrder) {
  const queryClient = useQueryClient();
  return useEventStream((event) => {
    if (event.order_id === order.id) void queryClient.invalidateQueries({ queryKey: orderKey(order.id) });
  });
}

export const evidencePdfUrl = (id: string) => `/api/v1/evidence/${encodeURIComponent(id)}/pdf`;

/** Re-reads the order while letters are on their way (a safety net under the live stream). */
export function useEletterOrder(id: string, initial: EletterOrder) {
  return useQuery({ queryKey: orderKey(id), queryFn: ({ signal }) => http.get<EletterOrder>(orderPath(id), { signal }), initialData: initial, staleTime: 0, refetchInterval: 30_000 });
}
