// The archives (contracts/src/archive.ts): the list with its search, an item and its audit
// trail, a deposit with its progress, and the acts on an item (metadata, retention, legal hold,
// destruction). Every answer that is an item refreshes that item's page and the list.
import type { ArchiveEventDto, ArchiveItemDto } from '#contracts/archive.js';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { http } from '../../lib/http';
import { useCursorList } from '../../lib/pages';
import { uploadFile } from '../../lib/upload';

export type ArchiveItem = ArchiveItemDto;
export type ArchiveEvent = ArchiveEventDto;
export type Tier = ArchiveItem['tier'];

const ARCHIVE = ['archive'] as const;
const itemKey = (id: string) => ['archive', 'item', id] as const;
const eventsKey = (id: string) => ['archive', 'item', id, 'events'] as const;
export const itemPath = (id: string) => `/api/v1/archive/${encodeURIComponent(id)}`;

export interface ArchiveFilter {
  query: string;
  tier: Tier | 'all';
}

export function useArchive(filter: ArchiveFilter) {
  const params = new URLSearchParams({ limit: '50' });
  if (filter.query.trim()) params.set('query', filter.query.trim());
  if (filter.tier !== 'all') params.set('tier', filter.tier);
  return useCursorList<ArchiveItem>([...ARCHIVE, 'list', filter], `/api/v1/archive?${params}`);
}

/** Which archives the organisation's contract includes. */
export function useArchiveOptions() {
  return useQuery({ queryKey: [...ARCHIVE, 'options'], queryFn: ({ signal }) => http.get<{ simple: boolean; electronic: boolean }>('/api/v1/archive/options', { signal }), staleTime: 60_000 });
}

export function useArchiveItem(id: string) {
  return useQuery({ queryKey: itemKey(id), queryFn: ({ signal }) => http.get<ArchiveItem>(itemPath(id), { signal }), staleTime: 0 });
}

export function useArchiveEvents(id: string) {
  return useQuery({
    queryKey: eventsKey(id),
    queryFn: ({ signal }) => http.get<{ data: ArchiveEvent[] }>(`${itemPath(id)}/events`, { signal }),
    select: (answer) => answer.data,
    staleTime: 0,
  });
}

async function refresh(queryClient: QueryClient, item: ArchiveItem): Promise<void> {
  queryClient.setQueryData(itemKey(item.id), item);
  await queryClient.invalidateQueries({ queryKey: ARCHIVE });
}

export interface NewDeposit {
  file: File;
  retentionYears: number;
  title: string;
  tags: string;
}

export function useDeposit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ deposit, onProgress }: { deposit: NewDeposit; onProgress: (fraction: number) => void }) =>
      uploadFile<ArchiveItem>('/api/v1/archive', deposit.file, {
        onProgress,
        fields: { retention_years: String(deposit.retentionYears), ...(deposit.title.trim() ? { title: deposit.title.trim() } : {}), ...(deposit.tags.trim() ? { tags: deposit.tags } : {}) },
      }),
    onSuccess: (item) => refresh(queryClient, item),
  });
}

/** An act on an item that answers the item: retention, legal hold, destruction, metadata. */
function useItemAct<V>(act: (variables: V) => Promise<ArchiveItem>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: act, onSuccess: (item) => refresh(queryClient, item) });
}

export const useExtendRetention = () => useItemAct(({ id, years }: { id: string; years: number }) => http.post<ArchiveItem>(`${itemPath(id)}/retention`, { retention_years: years }));
export const useSetLegalHold = () => useItemAct(({ id, reason }: { id: string; reason: string }) => http.post<ArchiveItem>(`${itemPath(id)}/legal-hold`, { reason }));
export const useReleaseLegalHold = () => useItemAct(({ id }: { id: string }) => http.delete<ArchiveItem>(`${itemPath(id)}/legal-hold`));
export const useProposeDestruction = () => useItemAct(({ id }: { id: string }) => http.delete<ArchiveItem>(itemPath(id)));
export const useApproveDestruction = () => useItemAct(({ id }: { id: string }) => http.post<ArchiveItem>(`${itemPath(id)}/destruction/approve`));
export const useUpdateMetadata = () => useItemAct(({ id, title, tags }: { id: string; title: string; tags: string[] }) => http.patch<ArchiveItem>(itemPath(id), { title, tags }));

/** An archived file becomes a new letter document (inspected as any upload). */
export function useReuse() {
  return useMutation({ mutationFn: ({ id }: { id: string }) => http.post<{ document_id: string }>(`${itemPath(id)}/reuse`) });
}

/** The file and its proof bundle, for the check in the browser (the reading is journaled as a consultation). */
export async function fetchForVerification(id: string): Promise<{ file: Uint8Array; bundle: string }> {
  const [file, bundle] = await Promise.all([
    fetch(`${itemPath(id)}/content?disposition=inline`, { credentials: 'include' }),
    fetch(`${itemPath(id)}/proof`, { credentials: 'include' }),
  ]);
  if (!file.ok || !bundle.ok) throw new Error(`HTTP ${file.ok ? bundle.status : file.status}`);
  return { file: new Uint8Array(await file.arrayBuffer()), bundle: await bundle.text() };
}
