import { Drawer, Stack, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { formatDateTime } from '../../lib/format';
import { eventLabel } from '../webhooks/labels';
import { useMailpieceHistory, type MailpieceEvent } from './api';
import { reasonText } from './labels';

/** The mailpiece a history panel is open for: its id, its order (the cache key) and who it goes to. */
export interface HistoryTarget {
  id: string;
  orderId: string;
  /** The recipient in a few words (the first address line, a name or an e-mail), for the title. */
  recipient: string;
}

/** An event of a mailpiece's timeline in words, with what La Poste said or why it came back. */
function eventWords(t: TFunction, event: MailpieceEvent): string {
  const d = event.detail;
  if (event.type === 'mailpiece.postal_event' && typeof d.label === 'string') return t('returns.history.postal', { label: d.label });
  const words = eventLabel(t, event.type);
  if (event.type === 'mailpiece.returned' && typeof d.reason === 'string') return `${words} (${reasonText(t, d.reason)})`;
  return words;
}

/**
 * « Historique »: a mailpiece's timeline (GET /api/v1/mailpieces/{id}) in a side panel, from the
 * order's submission to what La Poste said and what came back. Shared by the order's page and
 * the tracking tab.
 */
export function MailpieceHistoryDrawer({ target, onClose }: { target: HistoryTarget | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const history = useMailpieceHistory(target?.id ?? null, target?.orderId ?? '');
  const events = history.data ?? [];
  return (
    <Drawer
      opened={target !== null}
      onClose={onClose}
      position="right"
      size="md"
      title={t('returns.history.title', { recipient: target?.recipient ?? '' })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {history.isPending ? (
        <Loading />
      ) : history.isError ? (
        <ErrorAlert error={history.error} />
      ) : events.length === 0 ? (
        <Text c="dimmed">{t('returns.history.empty')}</Text>
      ) : (
        <Stack component="ol" gap="sm" m={0} p={0} style={{ listStyle: 'none' }} aria-label={t('returns.history.label')}>
          {events.map((e, index) => (
            <li key={`${e.type}-${e.at}-${index}`}>
              <Text size="xs" c="dimmed">
                {formatDateTime(typeof e.detail.at === 'string' && e.type === 'mailpiece.postal_event' ? e.detail.at : e.at, i18n.language)}
              </Text>
              <Text fw={500}>{eventWords(t, e)}</Text>
            </li>
          ))}
        </Stack>
      )}
    </Drawer>
  );
}
