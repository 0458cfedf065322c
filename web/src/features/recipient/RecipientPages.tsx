import { Alert, Anchor, Button, Group, List, PinInput, Stack, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { formatDateTime, formatLastParisDay } from '../../lib/format';
import { ApiError } from '../../lib/http';
import { askNewCode, currentSession, decide, documentUrl, IDENTITY_START, openLetter, readLetter, resendTextCode, sendTextCode, type RecipientLetter } from './api';

/**
 * /r/:link — the notification's link. A registered letter opens a session at once (the identity
 * check comes next, on /r/letter); a simple letter asks for the access code of the e-mail.
 */
export function RecipientLinkPage() {
  const { t } = useTranslation();
  const { link = '' } = useParams();
  const navigate = useNavigate();
  const [probe, setProbe] = useState<'probing' | 'code' | 'failed'>('probing');
  const [error, setError] = useState<unknown>(null);
  const [code, setCode] = useState('');
  const [pending, setPending] = useState(false);
  const [newCodeSent, setNewCodeSent] = useState(false);

  useEffect(() => {
    let live = true;
    openLetter(link)
      .then(() => live && navigate('/r/letter', { replace: true }))
      .catch((cause: unknown) => {
        if (!live) return;
        // A simple letter: its code is needed. Anything else is said as it is.
        if (cause instanceof ApiError && cause.status === 400) setProbe('code');
        else {
          setError(cause);
          setProbe('failed');
        }
      });
    return () => {
      live = false;
    };
  }, [link, navigate]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await openLetter(link, code);
      navigate('/r/letter', { replace: true });
    } catch (cause) {
      setError(cause);
    } finally {
      setPending(false);
    }
  };

  const again = async () => {
    setError(null);
    try {
      await askNewCode(link);
      setNewCodeSent(true);
    } catch (cause) {
      setError(cause);
    }
  };

  return (
    <Page title={t('recipient.title')} lead={t('recipient.lead')}>
      {probe === 'probing' && <Loading />}
      {probe === 'failed' && <ErrorAlert error={error} />}
      {probe === 'code' && (
        <Stack component="form" onSubmit={(e) => void submit(e)} gap="md" maw={420}>
          <TextInput label={t('recipient.codeLabel')} value={code} onChange={(e) => setCode(e.currentTarget.value)} placeholder="1234-5678" autoComplete="one-time-code" inputMode="numeric" required />
          <ErrorAlert error={error} />
          {newCodeSent && (
            <Alert color="green" role="status">
              {t('recipient.newCodeSent')}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={pending}>
              {t('recipient.open')}
            </Button>
            <Button variant="subtle" onClick={() => void again()}>
              {t('recipient.newCode')}
            </Button>
          </Group>
        </Stack>
      )}
    </Page>
  );
}

/** /r/letter — where the recipient's session stands: identity check, text code, then the letter. */
export function RecipientLetterPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const session = useQuery({ queryKey: ['recipient', 'session'], queryFn: currentSession, retry: false, staleTime: 0 });
  const identityError = params.get('identity_error');

  if (session.isPending) return <Loading />;
  if (!session.data) {
    return (
      <Page title={t('recipient.title')}>
        <ErrorAlert error={session.error} />
      </Page>
    );
  }
  const s = session.data;
  return (
    <Page title={t('recipient.title')} lead={t('recipient.envoi', { envoi: s.envoi })}>
      {identityError && s.stage === 'identity' && (
        <Alert color="red" role="alert">
          {t('recipient.identityError')}
        </Alert>
      )}
      {s.stage === 'identity' && (
        <Stack gap="md" maw={560}>
          <Text>{t('recipient.registeredLead')}</Text>
          {s.decision_closes_at && <Text>{t('recipient.until', { date: formatLastParisDay(s.decision_closes_at, i18n.language) })}</Text>}
          <Text>{t('recipient.identityLead')}</Text>
          <Group>
            <Button component="a" href={IDENTITY_START}>
              {t('recipient.identity')}
            </Button>
          </Group>
        </Stack>
      )}
      {s.stage === 'second_factor' && <TextCodeForm />}
      {s.stage === 'open' && <LetterView />}
    </Page>
  );
}

function TextCodeForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await sendTextCode(code);
      await queryClient.invalidateQueries({ queryKey: ['recipient'] });
    } catch (cause) {
      setError(cause);
    } finally {
      setPending(false);
    }
  };
  return (
    <Stack component="form" onSubmit={(e) => void submit(e)} gap="md" maw={420}>
      <Text id="text-code-label">{t('recipient.textCode')}</Text>
      <PinInput length={6} type="number" oneTimeCode value={code} onChange={setCode} aria-label={t('recipient.textCode')} />
      <ErrorAlert error={error} />
      <Group>
        <Button type="submit" loading={pending} disabled={code.length !== 6}>
          {t('recipient.confirm')}
        </Button>
        <Button variant="subtle" onClick={() => void resendTextCode().catch(setError)}>
          {t('recipient.resend')}
        </Button>
      </Group>
    </Stack>
  );
}

function LetterView() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const letter = useQuery({ queryKey: ['recipient', 'letter'], queryFn: readLetter, retry: false, staleTime: 0 });
  const [asking, setAsking] = useState<'accept' | 'refuse' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  if (letter.isPending) return <Loading />;
  if (!letter.data) return <ErrorAlert error={letter.error} />;
  const l: RecipientLetter = letter.data;

  const confirm = async () => {
    if (!asking) return;
    setPending(true);
    setError(null);
    try {
      queryClient.setQueryData(['recipient', 'letter'], await decide(asking));
      setAsking(null);
    } catch (cause) {
      setError(cause);
    } finally {
      setPending(false);
    }
  };

  return (
    <Stack gap="md">
      <Text fw={600}>{t(`recipient.status.${l.status}`)}</Text>
      {l.kind === 'registered' && l.status === 'notified' && (
        <Stack gap="sm">
          <Text>{t('recipient.hidden')}</Text>
          {l.decision_closes_at && <Text>{t('recipient.until', { date: formatLastParisDay(l.decision_closes_at, i18n.language) })}</Text>}
          <Group>
            <Button onClick={() => setAsking('accept')}>{t('recipient.accept')}</Button>
            <Button variant="default" color="red" onClick={() => setAsking('refuse')}>
              {t('recipient.refuse')}
            </Button>
          </Group>
        </Stack>
      )}
      {l.status === 'refused' && <Text>{t('recipient.refused')}</Text>}
      {(l.status === 'expired' || l.status === 'fallback_paper') && <Text>{t('recipient.gone')}</Text>}
      {l.sender && (
        <dl>
          <dt>
            <Text fw={600}>{t('recipient.from')}</Text>
          </dt>
          <dd>{l.sender}</dd>
          <dt>
            <Text fw={600}>{t('recipient.subject')}</Text>
          </dt>
          <dd>{l.subject}</dd>
        </dl>
      )}
      {l.documents && (
        <Stack gap="xs">
          <Text fw={600}>{t('recipient.documents')}</Text>
          <List>
            {l.documents.map((d) => (
              <List.Item key={d.number}>
                <Anchor href={documentUrl(d.number)} download={d.filename}>
                  {t('recipient.download', { name: d.filename })}
                </Anchor>
              </List.Item>
            ))}
          </List>
        </Stack>
      )}
      {l.notified_at && (
        <Text size="sm" c="dimmed">
          {formatDateTime(l.notified_at, i18n.language)}
        </Text>
      )}
      <ConfirmDialog
        opened={asking !== null}
        title={asking === 'accept' ? t('recipient.accept') : t('recipient.refuse')}
        confirmLabel={asking === 'accept' ? t('recipient.accept') : t('recipient.refuse')}
        danger={asking === 'refuse'}
        pending={pending}
        error={error}
        onConfirm={() => void confirm()}
        onClose={() => setAsking(null)}
      >
        {asking === 'accept' ? t('recipient.acceptConfirm') : t('recipient.refuseConfirm')}
      </ConfirmDialog>
    </Stack>
  );
}
