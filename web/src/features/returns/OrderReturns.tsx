import { Anchor, Button, Stack } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Section } from '../../components/Section';
import type { Mailpiece, OrderDto } from '../orders/api';
import type { LetterColumn } from '../orders/OrderDetails';
import { useOrderHandoverSummary, useOrderReturns, type MailpieceReturn } from './api';
import { HandoverCounts } from './HandoverCounts';
import { MailpieceHistoryDrawer } from './MailpieceHistoryDrawer';
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
        <MailpieceHistoryDrawer
          target={history?.id ? { id: history.id, orderId: order.id, recipient: history.recipient.address[0] ?? '' } : null}
          onClose={() => setHistory(null)}
        />
      </>
    ),
  };
}
