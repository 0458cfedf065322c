// Paper orders and the documents they send: the API of contracts/src/orders.ts and
// contracts/src/documents.ts, read and written through TanStack Query.
import type { DocumentDto } from '#contracts/documents.js';
import type { orderListItem, OrderDto, paperOptions, paperOrderBody, recipientSchema, splitSchema, updatePaperOrderBody } from '#contracts/orders.js';
import type { depositSlipItem } from '#contracts/production.js';
import { useMutation, useQueries, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import type { z } from 'zod';
import { http } from '../../lib/http';
import { useCursorList } from '../../lib/pages';
import { uploadFile, type UploadOptions } from '../../lib/upload';
import { useEventStream } from '../../lib/use-event-stream';

export type { DocumentDto, OrderDto };
export type OrderListItem = z.infer<typeof orderListItem>;
export type OrderStatus = OrderDto['status'];
export type PaperOptions = z.output<typeof paperOptions>;
export type Recipient = z.output<typeof recipientSchema>;
export type Split = z.output<typeof splitSchema>;
export type CreateOrderInput = z.input<typeof paperOrderBody>;
export type UpdateOrderInput = z.input<typeof updatePaperOrderBody>;
export type Quote = NonNullable<OrderDto['quote']>;
export type Mailpiece = OrderDto['mailpieces'][number];
export type OrderProblem = OrderDto['problems'][number];
export type DepositSlip = z.infer<typeof depositSlipItem>;

/** The list's filters: the status words of the API, or every order. */
export type OrderFilter = 'draft' | 'submitted' | 'all';

export const ordersKey = ['orders'] as const;
export const orderKey = (id: string) => ['order', id] as const;
export const documentKey = (id: string) => ['document', id] as const;
/** Under the order's key: reading the order again reads its deposit slips again too. */
export const depositSlipsKey = (id: string) => ['order', id, 'deposit-slips'] as const;

const IN_PROGRESS: readonly OrderStatus[] = ['submitted', 'accepted', 'in_production'];

const orderPath = (id: string) => `/api/v1/orders/${encodeURIComponent(id)}`;

/** The caller's orders (the server narrows: the organisation's for an administrator, the user's own otherwise). */
export function useOrders(filter: OrderFilter) {
  const status = filter === 'all' ? '' : `&status=${filter}`;
  return useCursorList<OrderListItem>([...ordersKey, filter], `/api/v1/orders?limit=50${status}`);
}

export function useOrder(id: string | null) {
  return useQuery({
    queryKey: orderKey(id ?? ''),
    queryFn: ({ signal }) => http.get<OrderDto>(orderPath(id ?? ''), { signal }),
    enabled: id !== null,
    // A draft's quote and letters follow every change; a sent order moves through production,
    // so its page reads it again now and then until it is done.
    staleTime: 0,
    refetchInterval: (query) => (IN_PROGRESS.includes(query.state.data?.status ?? 'draft') ? 30_000 : false),
  });
}

/** Keeps an order the server answered with, when the answer is one (a write may answer 204). */
function store(queryClient: QueryClient, answer: unknown): void {
  if (typeof answer === 'object' && answer !== null && 'id' in answer && 'status' in answer && 'options' in answer) {
    const order = answer as OrderDto;
    queryClient.setQueryData(orderKey(order.id), order);
  }
}

export function useCreateOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateOrderInput) => http.post<OrderDto>('/api/v1/orders', body),
    onSuccess: async (order) => {
      store(queryClient, order);
      await queryClient.invalidateQueries({ queryKey: ordersKey });
    },
  });
}

/** PATCH a draft, then read it again: the quote, the letters and their problems follow the set-up. */
export async function saveDraft(queryClient: QueryClient, id: string, body: UpdateOrderInput): Promise<void> {
  const answer = await http.patch<unknown>(orderPath(id), body);
  store(queryClient, answer);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: orderKey(id) }),
    queryClient.invalidateQueries({ queryKey: ordersKey }),
  ]);
}

export function useDeleteOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => http.delete(orderPath(id)),
    // The draft's own entry is left to expire: removing it while its page is still shown
    // would have that page ask for it again (a 404).
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ordersKey }),
  });
}

/** What deleting several drafts came to: the ids deleted, and those refused with why. */
export interface DraftsDeletion {
  deleted: string[];
  failed: Array<{ id: string; error: unknown }>;
}

/**
 * Deletes drafts one DELETE after the other (one refusal does not stop the rest), telling how
 * many are done as it goes; the list is read again once, at the end.
 */
export function useDeleteDrafts() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ ids, onProgress }: { ids: readonly string[]; onProgress: (done: number) => void }): Promise<DraftsDeletion> => {
      const outcome: DraftsDeletion = { deleted: [], failed: [] };
      for (const id of ids) {
        try {
          await http.delete(orderPath(id));
          outcome.deleted.push(id);
        } catch (error) {
          outcome.failed.push({ id, error });
        }
        onProgress(outcome.deleted.length + outcome.failed.length);
      }
      return outcome;
    },
    // Not awaited: the page reports the outcome at once, the list follows.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ordersKey });
    },
  });
}

/** The user's final validation. The same Idempotency-Key on a retry or a double click returns the first answer. */
export function useSubmitOrder(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (idempotencyKey: string) =>
      http.post<OrderDto>(`${orderPath(id)}/submit`, undefined, { headers: { 'Idempotency-Key': idempotencyKey } }),
    onSuccess: async (answer) => {
      store(queryClient, answer);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: orderKey(id) }),
        queryClient.invalidateQueries({ queryKey: ordersKey }),
      ]);
    },
  });
}

/** Withdraws a submitted order whole (only until the provider accepts it, M-1.1). */
export function useCancelOrder(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => http.post<OrderDto>(`${orderPath(id)}/cancel`),
    onSuccess: async (answer) => {
      store(queryClient, answer);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: orderKey(id) }),
        queryClient.invalidateQueries({ queryKey: ordersKey }),
      ]);
    },
  });
}

/** The deposit slips of the batches this order's letters were deposited in (none before the first deposit). */
export function useDepositSlips(id: string, enabled: boolean) {
  return useQuery({
    queryKey: depositSlipsKey(id),
    queryFn: ({ signal }) => http.get<{ data: DepositSlip[] }>(`${orderPath(id)}/deposit-slips`, { signal }),
    select: (answer) => answer.data,
    enabled,
    staleTime: 0,
  });
}

/** A batch of events (a whole batch scanned) is read as one: the order is read again this long after the first. */
const LIVE_GATHER_MS = 200;

/**
 * Keeps an order's page live: each event about this order (accepted, a mailpiece printed,
 * deposited…) reads the order and its deposit slips again, so statuses change without a
 * reload. At each (re)connection the order is read again too, for what happened meanwhile.
 */
export function useLiveOrder(id: string, enabled: boolean): { connected: boolean } {
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = useCallback(() => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void queryClient.invalidateQueries({ queryKey: orderKey(id) });
    }, LIVE_GATHER_MS);
  }, [queryClient, id]);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );
  return useEventStream(
    (event) => {
      if (event.order_id === id) refresh();
    },
    { enabled, onOpen: refresh },
  );
}

export function purchaseOrderUrl(id: string): string {
  return `${orderPath(id)}/purchase-order`;
}

const documentPath = (id: string) => `/api/v1/documents/${encodeURIComponent(id)}`;

/** A page as PNG; `window` overlays the envelope window (what shows through it). */
export function previewUrl(documentId: string, page = 1, window = true): string {
  return `${documentPath(documentId)}/preview?page=${page}${window ? '&window=1' : ''}`;
}

/** A document, read again every second while an office file is being converted to PDF. */
export function documentQuery(id: string) {
  return {
    queryKey: documentKey(id),
    queryFn: ({ signal }: { signal: AbortSignal }) => http.get<DocumentDto>(documentPath(id), { signal }),
    staleTime: Infinity, // documents are immutable once ready or failed
    refetchInterval: (query: { state: { data?: DocumentDto | undefined } }) => (query.state.data?.status === 'converting' ? 1_000 : false),
  };
}

export function useDocument(id: string) {
  return useQuery(documentQuery(id));
}

/** Every document of a set-up at once (the letter, attachments, background). */
export function useDocuments(ids: readonly string[]) {
  return useQueries({ queries: ids.map((id) => documentQuery(id)) });
}

/** POST /api/v1/documents: 201 ready (PDF) or 202 converting (office file); the answer is cached. */
export async function uploadDocument(queryClient: QueryClient, file: File, options: UploadOptions = {}): Promise<DocumentDto> {
  const document = await uploadFile<DocumentDto>('/api/v1/documents', file, options);
  queryClient.setQueryData(documentKey(document.id), document);
  return document;
}
