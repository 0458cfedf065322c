import { Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { homeOf } from '../../app/navigation';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../lib/use-page-title';
import { PasswordStep } from './PasswordStep';
import { RecoveryCodes } from './RecoveryCodes';
import { TotpEnrollment } from './TotpEnrollment';
import { TotpStep } from './TotpStep';
import { safeNext, sessionKey, useSession } from './session';
import { useSignOut } from './use-sign-out';

/**
 * /login: the step follows the session's stage — password, then the second factor (a code, or
 * enrolling the authenticator app at a staff member's first sign-in), then the app.
 */
export function SignInPage() {
  const { t } = useTranslation();
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const restart = useSignOut('here');
  // Shown once after enrolment, before the app: kept here because the session is already complete.
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const stage = session.data?.stage ?? 'signed_out';

  const titles = {
    signed_out: t('signIn.title'),
    totp_required: t('totp.title'),
    totp_enrollment: t('enroll.title'),
    signed_in: t('signIn.title'),
  } as const;
  const title = recoveryCodes ? t('recovery.title') : titles[stage];
  usePageTitle(title);

  if (session.isPending) return <Loading />;
  if (session.isError) return <ErrorAlert error={session.error} />;

  const user = session.data?.user;
  if (stage === 'signed_in' && user && !recoveryCodes) return <Navigate to={next ?? homeOf(user.role)} replace />;

  const finish = async () => {
    await queryClient.invalidateQueries({ queryKey: sessionKey });
    const role = queryClient.getQueryData<typeof session.data>(sessionKey)?.user.role;
    setRecoveryCodes(null);
    if (role) navigate(next ?? homeOf(role), { replace: true });
  };

  let body;
  if (recoveryCodes) {
    body = <RecoveryCodes codes={recoveryCodes} onDone={() => void finish()} doneLabel={t('recovery.continue')} />;
  } else if (stage === 'totp_required') {
    body = <TotpStep onRestart={() => restart.mutate()} />;
  } else if (stage === 'totp_enrollment' && user) {
    body = (
      <Stack gap="md">
        <Text>{t('enroll.mandatory')}</Text>
        <TotpEnrollment
          userId={user.id}
          onEnrolled={setRecoveryCodes}
          onCancel={() => restart.mutate()}
          cancelLabel={t('signIn.restart')}
        />
      </Stack>
    );
  } else {
    body = <PasswordStep defaultEmail={params.get('email') ?? ''} />;
  }

  return (
    <Stack gap="lg" maw={480} mx="auto">
      <Title order={1}>{title}</Title>
      {user && stage !== 'signed_in' && !recoveryCodes && (
        <Text c="dimmed">{t('signIn.as', { email: user.email })}</Text>
      )}
      <Paper withBorder p="lg" radius="md">
        {body}
      </Paper>
    </Stack>
  );
}
