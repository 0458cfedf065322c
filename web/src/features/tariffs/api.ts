// Tariffs, effective-dated: the API of contracts/src/tariffs.ts, read and written through
// TanStack Query. A tariff is never edited in place: a change is a new tariff from a date.
import type { tariffBody, tariffRecord } from '#contracts/tariffs.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { http } from '../../lib/http';

export type Tariff = z.infer<typeof tariffBody>;
export type TariffLines = Tariff['lines'];
export type TariffRecord = z.infer<typeof tariffRecord>;

/** `null`: the provider's standard tariffs. */
export const tariffsKey = (organisationId: string | null) => ['tariffs', organisationId ?? 'standard'] as const;

/**
 * The tariffs that apply to the choice, newest first: the standard ones, plus an organisation's
 * own when one is given (each row says which by `organisation_id`).
 */
export function useTariffs(organisationId: string | null) {
  return useQuery({
    queryKey: tariffsKey(organisationId),
    queryFn: ({ signal }) =>
      http.get<{ data: TariffRecord[] }>(
        `/api/v1/tariffs${organisationId ? `?organisation=${encodeURIComponent(organisationId)}` : ''}`,
        { signal },
      ),
    select: (answer) => answer.data,
  });
}

export function useCreateTariff() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { organisation_id: string | null; tariff: Tariff }) => http.post<TariffRecord>('/api/v1/tariffs', body),
    // A standard tariff is part of every organisation's list too: read them all again.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tariffs'] }),
  });
}
