import { Anchor, Button, Drawer, Stack, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { Section } from '../../components/Section';
import { formatDateTime } from '../../lib/format';
import type { Mailpiece, OrderDto } from '../orders/api';
import type { LetterColumn } from '../orders/OrderDetails';
import { eventLabel } from '../webhooks/labels';
import { useMailpieceHistory, useOrderHandoverSummary, useOrderReturns, type MailpieceEvent, type MailpieceReturn } from './api';
import { HandoverCounts } from './HandoverCounts';
import { reasonText } from './labels';
import { ResendDialog, type ResendTarget } from './ResendDialog';

/** A mailpiece's statuses once handed to La Poste. */
const AFTER_HANDOVER = ['deposited', 'delivered', 'returned', 'ar_received'];
/** Statuses of a mailpiece something came back for (a returned letter, an AR card). */
const CAME_BACK = ['returned', 'ar_received'];

function handedOver(order: OrderDto): boolean {
  return order.mailpieces.some((m) => AFTER_HANDOVER.includes(m.status));
}

/** An order's counts once something was deposited: delivered, returned by reason, AR cards back. */
export function OrderHandover({ order }: { order: OrderDto }) {
  const { t } = useTranslation();
  const summary = useOrderHandoverSummary(order.id, handedOver(order));
  if (!summary.data || summary.data.deposited === 0) return summary.isError ? <ErrorAlert error={summary.error} /> : null;
  const anythingBack = summary.data.returned.total + summary.data.ar_received > 0;
  return (
    <Section
      title={t('returns.order.title')}
      lead={t('returns.order.lead')}
      actions={
        anythingBack ? (
          <Anchor component={Link} to={`/returned-mail?order=${encodeURIComponent(order.id)}`}>
            {t('returns.order.all')}
          </Anchor>
        ) : undefined
      }
    >
      <HandoverCounts summary={summary.data} label={t('returns.order.title')} />
    </Section>
  );
}

/** An event of a mailpiece's timeline in words, with what La Poste said or why it came back. */
function eventWords(t: TFunction, event: MailpieceEvent): string {
  const d = event.detail;
  if (event.type === 'mailpiece.postal_event' && typeof d.label === 'string') return t('returns.history.postal', { label: d.label });
  const words = eventLabel(t, event.type);
  if (event.type === 'mailpiece.returned' && typeof d.reason === 'string') return `${words} (${reasonText(t, d.reason)})`;
  return words;
}

function HistoryDrawer({ mailpiece, orderId, onClose }: { mailpiece: Mailpiece | null; orderId: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const history = useMailpieceHistory(mailpiece?.id ?? null, orderId);
  const events = history.data ?? [];
  return (
    <Drawer
      opened={mailpiece !== null}
      onClose={onClose}
      position="right"
      size="md"
      title={t('returns.history.title', { recipient: mailpiece?.recipient.address[0] ?? '' })}
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

/**
 * What the order page adds to its letters once they are at La Poste: a column with the scan of
 * what came back, « Renvoyer » for a returned letter (or the order that sent it again), and each
 * letter's timeline; and the dialogs these open.
 */
export function useLetterFollowUp(order: OrderDto): { column: LetterColumn | undefined; dialogs: ReactNode } {
  const { t } = useTranslation();
  const shown = handedOver(order);
  const returns = useOrderReturns(order.id, order.mailpieces.some((m) => CAME_BACK.includes(m.status)));
  const [resending, setResending] = useState<ResendTarget | null>(null);
  const [history, setHistory] = useState<Mailpiece | null>(null);

  const byMailpiece = new Map<string, MailpieceReturn[]>();
  for (const r of returns.data ?? []) byMailpiece.set(r.mailpiece.id, [...(byMailpiece.get(r.mailpiece.id) ?? []), r]);

  const cell = (m: Mailpiece): ReactNode => {
    if (!m.id) return null;
    const id = m.id;
    const back = byMailpiece.get(id) ?? [];
    const returned = back.find((r) => r.kind === 'returned');
    const card = back.find((r) => r.kind === 'ar');
    const recipient = m.recipient.address[0] ?? id;
    return (
      <Stack gap={4} align="flex-start">
        {returned && (
          <Anchor href={returned.scan.url} target="_blank" rel="noopener" size="sm" aria-label={t('returns.client.scanOf', { recipient })}>
            {t('returns.client.scan')}
          </Anchor>
        )}
        {card && (
          <Anchor href={card.scan.url} target="_blank" rel="noopener" size="sm" aria-label={t('returns.order.arScanOf', { recipient })}>
            {t('returns.order.arScan')}
          </Anchor>
        )}
        {m.status === 'returned' &&
          (returned?.resent_by ? (
            <Anchor component={Link} to={`/orders/${returned.resent_by}`} size="sm">
              {t('returns.client.resent')}
            </Anchor>
          ) : (
            <Button size="xs" onClick={() => setResending({ mailpiece: id, address: m.recipient.address, country: m.recipient.country })} aria-label={t('returns.resend.actionFor', { recipient })}>
              {t('returns.resend.action')}
            </Button>
          ))}
        {AFTER_HANDOVER.includes(m.status) && (
          <Button size="xs" variant="default" onClick={() => setHistory(m)} aria-label={t('returns.history.openFor', { recipient })}>
            {t('returns.history.open')}
          </Button>
        )}
      </Stack>
    );
  };

  return {
    column: shown ? { label: t('returns.order.column'), cell } : undefined,
    dialogs: (
      <>
        <ResendDialog target={resending} onClose={() => setResending(null)} />
        <HistoryDrawer mailpiece={history} orderId={order.id} onClose={() => setHistory(null)} />
      </>
    ),
  };
}
