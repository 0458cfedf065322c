// Webhooks of the client organisation (contracts/src/tracking.ts), read and written through
// TanStack Query: the list, a new one (its signing secret answered once), deletion, and each
// one's delivery log with "send again".
import type { createWebhookBody, webhookCreated, webhookDelivery, webhookSchema } from '#contracts/tracking.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { http } from '../../lib/http';

export type Webhook = z.infer<typeof webhookSchema>;
export type CreatedWebhook = z.infer<typeof webhookCreated>;
export type NewWebhook = z.infer<typeof createWebhookBody>;
export type Delivery = z.infer<typeof webhookDelivery>;
export type DeliveryStatus = Delivery['status'];

const WEBHOOKS = ['webhooks'] as const;
const deliveriesKey = (webhookId: string) => ['webhooks', webhookId, 'deliveries'] as const;

/** How often an open delivery log is read again. */
export const LOG_REFRESH_MS = 5_000;

export function useWebhooks() {
  return useQuery({
    queryKey: WEBHOOKS,
    queryFn: ({ signal }) => http.get<{ data: Webhook[] }>('/api/v1/webhooks', { signal }),
    select: (answer) => answer.data,
    staleTime: 0,
  });
}

export function useCreateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewWebhook) => http.post<CreatedWebhook>('/api/v1/webhooks', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: WEBHOOKS, exact: true }),
  });
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (hook: Webhook) => http.delete(`/api/v1/webhooks/${encodeURIComponent(hook.id)}`),
    onSuccess: async (_answer, hook) => {
      queryClient.removeQueries({ queryKey: deliveriesKey(hook.id) });
      await queryClient.invalidateQueries({ queryKey: WEBHOOKS, exact: true });
    },
  });
}

/** The latest 100 deliveries of a webhook, read again every 5 s while `webhookId` is set. */
export function useDeliveries(webhookId: string | null) {
  return useQuery({
    queryKey: deliveriesKey(webhookId ?? ''),
    queryFn: ({ signal }) =>
      http.get<{ data: Delivery[] }>(`/api/v1/webhooks/${encodeURIComponent(webhookId ?? '')}/deliveries`, { signal }),
    select: (answer) => answer.data,
    enabled: webhookId !== null,
    staleTime: 0,
    refetchInterval: LOG_REFRESH_MS,
  });
}

export function useRetryDelivery(webhookId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (delivery: Delivery) =>
      http.post(
        `/api/v1/webhooks/${encodeURIComponent(webhookId)}/deliveries/${encodeURIComponent(delivery.id)}/retry`,
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deliveriesKey(webhookId) }),
  });
}
