import type { AccountImport, Organisation } from '#contracts/organisations.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../lib/http';
import { useCursorList } from '../../lib/pages';
import { usersKey } from '../users/api';

export type { AccountImport, Organisation };
export type Contract = NonNullable<Organisation['contract']>;
export type ContractOptions = Contract['options'];

export interface OrganisationInput {
  name: string;
  contract: {
    starts_on: string;
    ends_on: string | null;
    onboarding_ends_on: string | null;
    options: ContractOptions;
  };
}

export const organisationKey = (id: string) => ['organisation', id] as const;

export function useOrganisations(query: string) {
  const q = query.trim();
  return useCursorList<Organisation>(
    ['organisations', q],
    `/api/v1/organisations?limit=50${q ? `&query=${encodeURIComponent(q)}` : ''}`,
  );
}

export function useOrganisation(id: string) {
  return useQuery({
    queryKey: organisationKey(id),
    queryFn: ({ signal }) => http.get<Organisation>(`/api/v1/organisations/${encodeURIComponent(id)}`, { signal }),
  });
}

function useStoreOrganisation() {
  const queryClient = useQueryClient();
  return (organisation: Organisation) => {
    queryClient.setQueryData(organisationKey(organisation.id), organisation);
    return queryClient.invalidateQueries({ queryKey: ['organisations'] });
  };
}

export function useCreateOrganisation() {
  const store = useStoreOrganisation();
  return useMutation({
    mutationFn: (body: OrganisationInput) => http.post<Organisation>('/api/v1/organisations', body),
    onSuccess: store,
  });
}

export function useUpdateOrganisation(id: string) {
  const store = useStoreOrganisation();
  return useMutation({
    mutationFn: (body: OrganisationInput) => http.patch<Organisation>(`/api/v1/organisations/${encodeURIComponent(id)}`, body),
    onSuccess: store,
  });
}

export function useSetOrganisationStatus(id: string) {
  const store = useStoreOrganisation();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: 'suspend' | 'reactivate') =>
      http.post<Organisation>(`/api/v1/organisations/${encodeURIComponent(id)}/${action}`),
    onSuccess: async (organisation) => {
      await store(organisation);
      await queryClient.invalidateQueries({ queryKey: usersKey(id) });
    },
  });
}

export function useApplyImport(organisationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (importId: string) =>
      http.post<AccountImport>(
        `/api/v1/organisations/${encodeURIComponent(organisationId)}/account-imports/${encodeURIComponent(importId)}/apply`,
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: usersKey(organisationId) }),
        queryClient.invalidateQueries({ queryKey: organisationKey(organisationId) }),
        queryClient.invalidateQueries({ queryKey: ['organisations'] }),
      ]),
  });
}
