import { Alert, Anchor, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { fieldError } from '../../lib/error-message';
import { refusalMessage } from '../orders/ProblemAlert';
import { conflictOrder, useResend } from './api';

/** The letter to send again: its id and the address it came back from. */
export interface ResendTarget {
  mailpiece: string;
  address: readonly string[];
  country: string;
}

const MIN_LINES = 2;
const MAX_LINES = 7;

function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * « Renvoyer »: the address the letter came back from, to correct (one line per line, the
 * recipient's name first, the postcode and town last), then « Renvoyer à cette adresse » — a new
 * order with the same letter and options, submitted at once; the page goes to it. A letter sent
 * again already: the order that did it.
 */
export function ResendDialog({ target, onClose }: { target: ResendTarget | null; onClose: () => void }) {
  const { t } = useTranslation();
  // The last letter shown stays in the dialog while it fades out.
  // Each opening starts afresh (its own form: the address as it came back, no earlier refusal).
  const [shown, setShown] = useState<{ target: ResendTarget; opening: number } | null>(target ? { target, opening: 1 } : null);
  if (target && target !== shown?.target) setShown({ target, opening: (shown?.opening ?? 0) + 1 });
  return (
    <Modal opened={target !== null} onClose={onClose} title={t('returns.resend.title')} centered size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
      {shown && <ResendForm key={shown.opening} target={shown.target} onClose={onClose} />}
    </Modal>
  );
}

function ResendForm({ target, onClose }: { target: ResendTarget; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const resend = useResend();
  const [text, setText] = useState(() => target.address.join('\n'));
  const [invalid, setInvalid] = useState(false);

  const close = () => {
    if (resend.isPending) return;
    resend.reset();
    onClose();
  };

  const lines = linesOf(text);
  const wrongCount = lines.length < MIN_LINES || lines.length > MAX_LINES;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (resend.isPending) return;
    if (wrongCount) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    resend.mutate(
      { mailpiece: target.mailpiece, address: lines, country: target.country || 'FR' },
      {
        onSuccess: ({ order_id }) => {
          onClose();
          navigate(`/orders/${order_id}`);
        },
      },
    );
  };

  const existing = conflictOrder(resend.error);
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text>{t('returns.resend.body')}</Text>
        <Textarea
          label={t('returns.resend.address')}
          description={t('returns.resend.addressHint')}
          required
          autosize
          minRows={4}
          maxRows={8}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={invalid && wrongCount ? t('returns.resend.lines', { min: MIN_LINES, max: MAX_LINES }) : fieldError(resend.error, 'address')}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          spellCheck={false}
          data-autofocus
        />
        {resend.error !== null && (
          <Alert color="red" variant="light" role="alert" title={t('returns.resend.refused')}>
            <Stack gap={4}>
              <Text size="sm">{refusalMessage(t, resend.error)}</Text>
              {existing && (
                <Anchor component={Link} to={`/orders/${existing}`} onClick={close} fw={600}>
                  {t('returns.resend.existing')}
                </Anchor>
              )}
            </Stack>
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={resend.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={resend.isPending}>
            {t('returns.resend.confirm')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
