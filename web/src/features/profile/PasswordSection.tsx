import { Alert, Box } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { http } from '../../lib/http';
import { NewPasswordForm } from '../accounts/NewPasswordForm';
import { sessionKey, useCurrentUser } from '../accounts/session';
import { Section } from '../../components/Section';

/** Change the password: the other sessions end, this one stays. */
export function PasswordSection() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const [round, setRound] = useState(0); // a fresh, empty form after each change
  const change = useMutation({
    mutationFn: ({ current, next }: { current: string; next: string }) =>
      http.post('/api/v1/me/password', { current_password: current, new_password: next }, { authAttempt: true }),
    onSuccess: async () => {
      setRound((n) => n + 1);
      await queryClient.invalidateQueries({ queryKey: sessionKey });
    },
  });
  return (
    <Section title={t('profile.password.title')} lead={t('profile.password.lead')}>
      {change.isSuccess && (
        <Alert color="green" variant="light" role="status">
          {t('profile.password.changed')}
        </Alert>
      )}
      <Box maw={480}>
        <NewPasswordForm
          key={round}
          currentPassword
          name={user.name}
          submitLabel={t('profile.password.submit')}
          pending={change.isPending}
          error={change.error}
          onSubmit={(next, current) => change.mutate({ current, next })}
        />
      </Box>
    </Section>
  );
}
