// The production floor (provider staff): the API of contracts/src/production.ts — the intake
// queue and the decision on each order, print batches and their files, scanning, reprints, the
// floor's settings and the registered-number ranges — read and written through TanStack Query.
import type {
  addRangeBody,
  batchDetail,
  batchSchema,
  buildBatchesResult,
  FloorSettingsDto,
  floorStep,
  intakeItem,
  registeredRangeSchema,
  reprintResult,
  scanResult,
} from '#contracts/production.js';
import type { productionRulesBody, productionRulesRecord } from '#contracts/production-rules.js';
import { DEFAULT_PRODUCTION_RULES, type ProductionRules } from '#domain/mail/index.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { http, request } from '../../lib/http';

export type IntakeItem = z.infer<typeof intakeItem>;
export type Batch = z.infer<typeof batchSchema>;
export type BatchDetail = z.infer<typeof batchDetail>;
export type BatchStatus = Batch['status'];
export type BuildResult = z.infer<typeof buildBatchesResult>;
export type FloorStep = z.infer<typeof floorStep>;
export type ScanResult = z.infer<typeof scanResult>;
export type ReprintResult = z.infer<typeof reprintResult>;
export type RegisteredRange = z.infer<typeof registeredRangeSchema>;
export type RangeInput = z.input<typeof addRangeBody>;
export type FloorSettings = FloorSettingsDto;
export type ProductionRulesInput = z.infer<typeof productionRulesBody>;
export type ProductionRulesVersion = z.infer<typeof productionRulesRecord>;

export const intakeKey = ['production', 'intake'] as const;
export const batchesKey = ['production', 'batches'] as const;
export const batchKey = (id: string) => ['production', 'batches', id] as const;
const settingsKey = ['production', 'settings'] as const;
const rangesKey = ['production', 'registered-ranges'] as const;

/** How often a batch whose print file is being made is read again. */
const PRINT_FILE_POLL_MS = 2_000;

/** A batch closed (by an operator or a cut-off) whose print file is still being made. */
export function isMakingPrintFile(batch: Pick<Batch, 'status' | 'closed_at'>): boolean {
  return batch.status === 'building' && batch.closed_at !== null;
}

/** Franked, and its deposit slip still being prepared (a job): the deposit scan must wait. */
export function isPreparingSlip(batch: Pick<Batch, 'status' | 'deposit_slip'>): boolean {
  return batch.status === 'franked' && batch.deposit_slip === null;
}

const waiting = (batch: Batch) => isMakingPrintFile(batch) || isPreparingSlip(batch);

/** Submitted orders waiting for the provider's decision, oldest first (as the server answers). */
export function useIntake() {
  return useQuery({
    queryKey: intakeKey,
    queryFn: ({ signal }) => http.get<{ data: IntakeItem[] }>('/api/v1/production/intake', { signal }),
    select: (answer) => answer.data,
    staleTime: 0,
    // New orders arrive from clients: the queue is read again every half-minute while shown.
    refetchInterval: 30_000,
  });
}

function useDecision<T>(path: (id: string) => string, body?: (input: T) => unknown) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: T }) => http.post<void>(path(id), body?.(input)),
    // The order leaves the queue either way (decided here, or by someone else meanwhile: 409).
    onSettled: () => queryClient.invalidateQueries({ queryKey: intakeKey }),
  });
}

const orderPath = (id: string) => `/api/v1/production/orders/${encodeURIComponent(id)}`;

export function useAcceptOrder() {
  return useDecision<undefined>((id) => `${orderPath(id)}/accept`);
}

export function useRefuseOrder() {
  return useDecision<string>(
    (id) => `${orderPath(id)}/refuse`,
    (reason) => ({ reason }),
  );
}

/** Print batches, newest first; read again every 2 s while one is waiting for a file. */
export function useBatches() {
  return useQuery({
    queryKey: batchesKey,
    queryFn: ({ signal }) => http.get<{ data: Batch[] }>('/api/v1/production/batches', { signal }),
    select: (answer) => answer.data,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.data.some(waiting) ? PRINT_FILE_POLL_MS : false),
  });
}

export function useBatch(id: string | null) {
  return useQuery({
    queryKey: batchKey(id ?? ''),
    queryFn: ({ signal }) => http.get<BatchDetail>(`/api/v1/production/batches/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: id !== null,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data && waiting(query.state.data) ? PRINT_FILE_POLL_MS : false),
  });
}

/** Puts the accepted mailpieces into batches now, and closes them (their print files are then made). */
export function useBuildBatches() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => http.post<BuildResult>('/api/v1/production/batches/build', { close: true }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: batchesKey }),
  });
}

/** One scan on the floor; the batches shown follow it. */
export function useScan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { code: string; step: FloorStep }) => http.post<ScanResult>('/api/v1/production/scan', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: batchesKey }),
  });
}

export function useReprint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { code: string; reason: string }) => http.post<ReprintResult>('/api/v1/production/reprint', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: batchesKey }),
  });
}

export function useFloorSettings() {
  return useQuery({
    queryKey: settingsKey,
    queryFn: ({ signal }) => http.get<FloorSettings>('/api/v1/production/settings', { signal }),
    staleTime: 0,
  });
}

export function useUpdateFloorSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    // lib/http.ts has no `put` shortcut: the generic request carries the CSRF header all the same.
    mutationFn: (body: FloorSettings) => request<FloorSettings>('PUT', '/api/v1/production/settings', { body }),
    onSuccess: (settings) => queryClient.setQueryData(settingsKey, settings),
  });
}

export function useRegisteredRanges() {
  return useQuery({
    queryKey: rangesKey,
    queryFn: ({ signal }) => http.get<{ data: RegisteredRange[] }>('/api/v1/production/registered-ranges', { signal }),
    select: (answer) => answer.data,
    staleTime: 0,
  });
}

export function useAddRange() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RangeInput) => http.post<RegisteredRange>('/api/v1/production/registered-ranges', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: rangesKey }),
  });
}

export function useWithdrawRange() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => http.post<RegisteredRange>(`/api/v1/production/registered-ranges/${encodeURIComponent(id)}/withdraw`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: rangesKey }),
  });
}

const rulesKey = ['production', 'rules'] as const;

/** Every version of the production rules, newest first, each marked past, in force or scheduled. */
export function useProductionRules() {
  return useQuery({
    queryKey: rulesKey,
    queryFn: ({ signal }) => http.get<{ data: ProductionRulesVersion[] }>('/api/v1/production/rules', { signal }),
    select: (answer) => answer.data,
  });
}

/** The rules in force today (the ones the server plans a draft with); the defaults until read. */
export function useRulesInForce(): ProductionRules {
  const versions = useProductionRules();
  return versions.data?.find((v) => v.status === 'in_force')?.rules ?? DEFAULT_PRODUCTION_RULES;
}

export function useCreateProductionRules() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProductionRulesInput) => http.post<ProductionRulesVersion>('/api/v1/production/rules', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: rulesKey }),
  });
}
