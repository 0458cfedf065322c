import { Button, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router-dom';
import { ErrorAlert } from '../components/ErrorAlert';
import { Loading } from '../components/Loading';
import { signedOutOnPurpose, useSession, type Role } from '../features/accounts/session';
import { ForbiddenPage } from './ForbiddenPage';

/**
 * Renders its children for a fully signed-in person (and, with `roles`, only those roles);
 * anyone else goes to /login, which brings them back here (`?next=`) once signed in.
 */
export function RequireSession({ roles, children }: { roles?: readonly Role[]; children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();

  if (session.isPending) return <Loading />;
  if (session.isError && !session.data) {
    return (
      <Stack gap="md" p="md">
        <ErrorAlert error={session.error} />
        <div>
          <Button onClick={() => void session.refetch()}>{t('common.retry')}</Button>
        </div>
      </Stack>
    );
  }
  if (!session.data || session.data.stage !== 'signed_in') {
    const here = `${location.pathname}${location.search}`;
    const to = signedOutOnPurpose() ? '/login' : `/login?next=${encodeURIComponent(here)}`;
    return <Navigate to={to} replace />;
  }
  if (roles && !roles.includes(session.data.user.role)) return <ForbiddenPage />;
  return children;
}
