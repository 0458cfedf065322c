import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../lib/error-message';
import { http } from '../../lib/http';
import { rememberSession, type SessionResponse } from './session';

/** Second step of sign-in: a code from the authenticator app, or a recovery code. */
export function TotpStep({ onRestart }: { onRestart: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: (value: string) => http.post<SessionResponse>('/api/v1/session/totp', { code: value }, { authAttempt: true }),
    onSuccess: (session) => rememberSession(queryClient, session),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = code.trim();
    if (value.length >= 6) verify.mutate(value);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text>{t('totp.explain')}</Text>
        <TextInput
          label={t('totp.code')}
          description={t('totp.codeHint')}
          autoComplete="one-time-code"
          autoCapitalize="off"
          spellCheck={false}
          required
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          error={fieldError(verify.error, 'code')}
          autoFocus
        />
        <ErrorAlert error={verify.error} shownFields={['code']} />
        <Group justify="space-between">
          <Button type="submit" loading={verify.isPending}>
            {t('totp.verify')}
          </Button>
          <Button variant="subtle" onClick={onRestart}>
            {t('signIn.restart')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
