import type { UserDto } from '#contracts/organisations.js';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { http } from '../../lib/http';
import { useCursorList } from '../../lib/pages';

export type { UserDto };
export type ClientRole = 'client_admin' | 'client_user';

export const usersKey = (organisationId: string) => ['users', organisationId] as const;

/** People of one organisation, newest first, 50 at a time. */
export function usePeople(organisationId: string) {
  return useCursorList<UserDto>(
    usersKey(organisationId),
    `/api/v1/users?organisation=${encodeURIComponent(organisationId)}&limit=50`,
  );
}

/** After a change to people: their list and the organisation's head count. */
function useInvalidatePeople(organisationId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: usersKey(organisationId) }),
      queryClient.invalidateQueries({ queryKey: ['organisation', organisationId] }),
      queryClient.invalidateQueries({ queryKey: ['organisations'] }),
    ]);
}

export function useInvite(organisationId: string) {
  const invalidate = useInvalidatePeople(organisationId);
  return useMutation({
    mutationFn: (body: { name: string; email: string; role: ClientRole }) =>
      http.post<UserDto>('/api/v1/users', { ...body, organisation_id: organisationId }),
    onSuccess: invalidate,
  });
}

export type PersonAction = 'deactivate' | 'reactivate' | 'resend-invitation';

export function usePersonAction(organisationId: string) {
  const invalidate = useInvalidatePeople(organisationId);
  return useMutation({
    mutationFn: ({ user, action }: { user: UserDto; action: PersonAction }) =>
      http.post(`/api/v1/users/${encodeURIComponent(user.id)}/${action}`),
    onSuccess: invalidate,
  });
}
