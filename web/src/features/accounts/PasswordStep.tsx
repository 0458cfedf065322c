import { Anchor, Button, Group, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../lib/error-message';
import { http } from '../../lib/http';
import { rememberSession, type SessionResponse } from './session';
import { PasswordField } from '../../components/PasswordField';

/** First step of sign-in: e-mail and password. */
export function PasswordStep({ defaultEmail }: { defaultEmail: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(defaultEmail);
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      http.post<SessionResponse>('/api/v1/session', body, { authAttempt: true }),
    onSuccess: (session) => rememberSession(queryClient, session),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (email.trim() === '' || password === '') return;
    signIn.mutate({ email: email.trim(), password });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label={t('common.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fieldError(signIn.error, 'email')}
          data-autofocus
          autoFocus={defaultEmail === ''}
        />
        <PasswordField
          label={t('common.password')}
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fieldError(signIn.error, 'password')}
          autoFocus={defaultEmail !== ''}
        />
        <ErrorAlert error={signIn.error} shownFields={['email', 'password']} />
        <Group justify="space-between" align="center">
          <Button type="submit" loading={signIn.isPending}>
            {t('signIn.submit')}
          </Button>
          <Anchor component={Link} to="/forgot-password">
            {t('signIn.forgot')}
          </Anchor>
        </Group>
      </Stack>
    </form>
  );
}
