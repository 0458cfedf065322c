import { Alert, Anchor, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../lib/error-message';
import { http } from '../../lib/http';
import { usePageTitle } from '../../lib/use-page-title';

/** /forgot-password: the answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  usePageTitle(t('forgot.title'));
  const [email, setEmail] = useState('');
  const ask = useMutation({
    mutationFn: (value: string) => http.post('/api/v1/password-reset', { email: value }, { authAttempt: true }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (email.trim() !== '') ask.mutate(email.trim());
  };
  return (
    <Stack gap="lg" maw={480} mx="auto">
      <Title order={1}>{t('forgot.title')}</Title>
      <Paper withBorder p="lg" radius="md">
        {ask.isSuccess ? (
          <Alert color="blue" variant="light" role="status" title={t('forgot.sentTitle')}>
            {t('forgot.sent', { email: ask.variables })}
          </Alert>
        ) : (
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              <Text>{t('forgot.explain')}</Text>
              <TextInput
                label={t('common.email')}
                type="email"
                autoComplete="email"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={fieldError(ask.error, 'email')}
                autoFocus
              />
              <ErrorAlert error={ask.error} shownFields={['email']} />
              <Group>
                <Button type="submit" loading={ask.isPending}>
                  {t('forgot.submit')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Paper>
      <Anchor component={Link} to="/login" size="sm">
        {t('activation.backToSignIn')}
      </Anchor>
    </Stack>
  );
}
