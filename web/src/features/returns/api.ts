// What comes back after the handover to La Poste (contracts/src/returns.ts): the floor's returns
// desk (a mailpiece found by its code or a search, recorded with its scan), the letters to chase
// La Poste about, and the client's side — the returns list, the counts, the CSV export, a
// returned letter sent again, the address book's flags.
import type { AddressFlagDto, ChaseItemDto, DeskMailpieceDto, HandoverSummaryDto, ReturnDto } from '#contracts/returns.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, http } from '../../lib/http';
import { useCursorList } from '../../lib/pages';
import { uploadFile } from '../../lib/upload';
import { ordersKey } from '../orders/api';

export type DeskMailpiece = DeskMailpieceDto;
export type MailpieceReturn = ReturnDto;
export type HandoverSummary = HandoverSummaryDto;
export type AddressFlag = AddressFlagDto;
export type ChaseItem = ChaseItemDto;
export type ReturnKind = MailpieceReturn['kind'];
export type ReturnReason = NonNullable<MailpieceReturn['reason']>;

export const RETURN_REASONS: readonly ReturnReason[] = ['address_error', 'not_claimed', 'refused'];

/** The largest scan the desk takes (the server's limit too). */
export const MAX_SCAN_BYTES = 25 * 1024 * 1024;
/** What a scan may be: a PDF, a PNG or a JPEG. */
export const SCAN_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export const SCAN_ACCEPT = '.pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg';

const RETURNS = ['returns'] as const;
const chaseKey = ['returns', 'chase'] as const;
const flagsKey = ['returns', 'address-flags'] as const;
/** Under the order's key: the order page's live re-read reads its counts and returns again too. */
const orderSummaryKey = (orderId: string) => ['order', orderId, 'returns-summary'] as const;
const orderReturnsKey = (orderId: string) => ['order', orderId, 'returns'] as const;

// ——— The floor's desk ———

/** The mailpiece a scanned code names (registered number, sheet mark or mp_ id). */
export function useDeskLookup() {
  return useMutation({
    mutationFn: (code: string) => http.get<DeskMailpiece>(`/api/v1/returns/desk/lookup?code=${encodeURIComponent(code)}`),
  });
}

/** When the code cannot be read: deposited letters by recipient, registered number, order or client. */
export function useDeskSearch(query: string) {
  const q = query.trim();
  return useQuery({
    queryKey: [...RETURNS, 'desk-search', q],
    queryFn: ({ signal }) => http.get<{ data: DeskMailpiece[] }>(`/api/v1/returns/desk/search?q=${encodeURIComponent(q)}`, { signal }),
    select: (answer) => answer.data,
    enabled: q.length >= 2,
    staleTime: 0,
  });
}

export interface ReturnToRecord {
  mailpiece: string;
  kind: ReturnKind;
  reason: ReturnReason | null;
  file: File;
}

/** Records what came back with its scan: the fields first, then the file (with its progress). */
export function useRecordReturn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ input, onProgress }: { input: ReturnToRecord; onProgress: (fraction: number) => void }) =>
      uploadFile<MailpieceReturn>('/api/v1/returns', input.file, {
        onProgress,
        fields: { mailpiece: input.mailpiece, kind: input.kind, ...(input.kind === 'returned' && input.reason ? { reason: input.reason } : {}) },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: RETURNS }),
  });
}

/**
 * The registered letters to chase La Poste about (no delivery news, no AR card). A server that
 * does not have the list yet (404) has nothing to chase.
 */
export function useChase() {
  return useQuery({
    queryKey: chaseKey,
    queryFn: async ({ signal }) => {
      try {
        return (await http.get<{ data: ChaseItem[] }>('/api/v1/postal-tracking/chase', { signal })).data;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return [];
        throw error;
      }
    },
    staleTime: 0,
    refetchInterval: 60_000,
  });
}

// ——— The client's side ———

export interface ReturnsFilter {
  kind: ReturnKind | null;
  reason: ReturnReason | null;
  order: string | null;
}

function filterQuery(filter: ReturnsFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.kind) params.set('kind', filter.kind);
  if (filter.reason && filter.kind !== 'ar') params.set('reason', filter.reason);
  if (filter.order) params.set('order', filter.order);
  return params;
}

export function useReturns(filter: ReturnsFilter) {
  const params = filterQuery(filter);
  params.set('limit', '50');
  return useCursorList<MailpieceReturn>([...RETURNS, 'list', filter], `/api/v1/returns?${params}`);
}

/** The CSV of the returns the filter shows (a plain link: the session cookie goes along). */
export function exportUrl(filter: ReturnsFilter): string {
  const params = filterQuery(filter).toString();
  return `/api/v1/returns/export${params ? `?${params}` : ''}`;
}

/** The scan as a download rather than shown in the browser. */
export function scanDownloadUrl(r: Pick<MailpieceReturn, 'scan'>): string {
  return `${r.scan.url}${r.scan.url.includes('?') ? '&' : '?'}disposition=attachment`;
}

export function useHandoverSummary() {
  return useQuery({
    queryKey: [...RETURNS, 'summary'],
    queryFn: ({ signal }) => http.get<HandoverSummary>('/api/v1/returns/summary', { signal }),
    staleTime: 0,
  });
}

/** An order's counts; read again with the order (its live events). */
export function useOrderHandoverSummary(orderId: string, enabled: boolean) {
  return useQuery({
    queryKey: orderSummaryKey(orderId),
    queryFn: ({ signal }) => http.get<HandoverSummary>(`/api/v1/returns/summary?order=${encodeURIComponent(orderId)}`, { signal }),
    enabled,
    staleTime: 0,
  });
}

/** An order's returned letters and AR cards (200 at most: an order's page shows 200 letters). */
export function useOrderReturns(orderId: string, enabled: boolean) {
  return useQuery({
    queryKey: orderReturnsKey(orderId),
    queryFn: ({ signal }) => http.get<{ data: MailpieceReturn[] }>(`/api/v1/returns?order=${encodeURIComponent(orderId)}&limit=200`, { signal }),
    select: (answer) => answer.data,
    enabled,
    staleTime: 0,
  });
}

export function useAddressFlags(enabled = true) {
  return useQuery({
    queryKey: flagsKey,
    queryFn: ({ signal }) => http.get<{ data: AddressFlag[] }>('/api/v1/address-book/flags', { signal }),
    select: (answer) => answer.data,
    enabled,
    staleTime: 0,
  });
}

/** The address is right after all: orders to it stop warning. */
export function useClearFlag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => http.delete<void>(`/api/v1/address-book/flags/${encodeURIComponent(id)}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: flagsKey }),
  });
}

export interface Resend {
  mailpiece: string;
  address: string[];
  country: string;
}

/** A returned letter sent again to a corrected address: a new linked order, submitted at once. */
export function useResend() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ mailpiece, address, country }: Resend) => http.post<{ order_id: string }>(`/api/v1/mailpieces/${encodeURIComponent(mailpiece)}/resend`, { address, country }),
    onSuccess: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: RETURNS }), queryClient.invalidateQueries({ queryKey: ordersKey })]);
    },
  });
}

/** The order a conflict names (a letter already sent again), when the server says which. */
export function conflictOrder(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const id = error.extra.order_id;
  return typeof id === 'string' && id.startsWith('ord_') ? id : null;
}

/** One event of a mailpiece's timeline (GET /api/v1/mailpieces/{id}). */
export interface MailpieceEvent {
  type: string;
  at: string;
  detail: Record<string, unknown>;
}

/** A mailpiece's timeline, from its printing to what La Poste said and what came back. */
export function useMailpieceHistory(id: string | null, orderId: string) {
  return useQuery({
    // Under the order's key: its live events read the timeline again too.
    queryKey: ['order', orderId, 'mailpiece', id ?? ''],
    queryFn: ({ signal }) => http.get<{ events: MailpieceEvent[] }>(`/api/v1/mailpieces/${encodeURIComponent(id ?? '')}`, { signal }),
    select: (answer) => answer.events,
    enabled: id !== null,
    staleTime: 0,
  });
}
