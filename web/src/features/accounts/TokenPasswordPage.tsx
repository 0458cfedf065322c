import { Alert, Anchor, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { Loading } from '../../components/Loading';
import { ApiError, http } from '../../lib/http';
import { usePageTitle } from '../../lib/use-page-title';
import { NewPasswordForm } from './NewPasswordForm';

interface TokenInfo {
  email: string;
  name: string;
  expires_at: string;
}

type Kind = 'activation' | 'reset';

const PATHS: Record<Kind, { info: string; confirm: string }> = {
  activation: { info: '/api/v1/activation/', confirm: '/api/v1/activation' },
  reset: { info: '/api/v1/password-reset/', confirm: '/api/v1/password-reset/confirm' },
};

function tokenProblem(error: unknown): 'expired' | 'used' | 'unknown' | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'token_expired') return 'expired';
  if (error.code === 'token_used') return 'used';
  if (error.status === 404 || error.status === 410) return 'unknown';
  return null;
}

const TEXT = {
  activation: {
    title: 'activation.title',
    welcome: 'activation.welcome',
    submit: 'activation.submit',
    doneTitle: 'activation.doneTitle',
    done: 'activation.done',
    expired: 'activation.expired',
    used: 'activation.used',
    unknown: 'activation.unknown',
    whatToDo: 'activation.whatToDo',
  },
  reset: {
    title: 'reset.title',
    welcome: 'reset.welcome',
    submit: 'reset.submit',
    doneTitle: 'reset.doneTitle',
    done: 'reset.done',
    expired: 'reset.expired',
    used: 'reset.used',
    unknown: 'reset.unknown',
    whatToDo: 'reset.whatToDo',
  },
} as const;

/** /activate/:token and /reset-password/:token: the link from the e-mail, then a new password. */
export function TokenPasswordPage({ kind }: { kind: Kind }) {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const text = TEXT[kind];
  usePageTitle(t(text.title));
  const info = useQuery({
    queryKey: ['token', kind, token],
    queryFn: () => http.get<TokenInfo>(`${PATHS[kind].info}${encodeURIComponent(token)}`),
    retry: false,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const confirm = useMutation({
    mutationFn: (password: string) => http.post(PATHS[kind].confirm, { token, password }, { authAttempt: true }),
  });

  let body;
  if (info.isPending) {
    body = <Loading />;
  } else if (info.isError || tokenProblem(confirm.error)) {
    const problem = tokenProblem(confirm.error) ?? tokenProblem(info.error) ?? 'unknown';
    body = (
      <Stack gap="md">
        <Alert color="red" variant="light" role="alert" title={t(text[problem])}>
          {t(text.whatToDo)}
        </Alert>
        <Group>
          {kind === 'reset' ? (
            <Button component={Link} to="/forgot-password">
              {t('reset.askAgain')}
            </Button>
          ) : (
            <Button component={Link} to="/login" variant="default">
              {t('activation.toSignIn')}
            </Button>
          )}
        </Group>
      </Stack>
    );
  } else if (confirm.isSuccess) {
    body = (
      <Stack gap="md">
        <Alert color="green" variant="light" role="status" title={t(text.doneTitle)}>
          {t(text.done)}
        </Alert>
        <Group>
          <Button component={Link} to={`/login?email=${encodeURIComponent(info.data.email)}`}>
            {t('activation.signIn')}
          </Button>
        </Group>
      </Stack>
    );
  } else {
    body = (
      <Stack gap="md">
        <Text>{t(text.welcome, { name: info.data.name })}</Text>
        <NewPasswordForm
          email={info.data.email}
          name={info.data.name}
          submitLabel={t(text.submit)}
          pending={confirm.isPending}
          error={confirm.error}
          onSubmit={(password) => confirm.mutate(password)}
        />
      </Stack>
    );
  }

  return (
    <Stack gap="lg" maw={480} mx="auto">
      <Title order={1}>{t(text.title)}</Title>
      <Paper withBorder p="lg" radius="md">
        {body}
      </Paper>
      <Anchor component={Link} to="/login" size="sm">
        {t('activation.backToSignIn')}
      </Anchor>
    </Stack>
  );
}
