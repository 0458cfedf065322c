import { Alert, Anchor, Button, Group, List, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime, formatDay } from '../../lib/format';
import { OrderHandover, useLetterFollowUp } from '../returns/OrderReturns';
import { purchaseOrderUrl, useCancelOrder, useDepositSlips, useDocuments, useLiveOrder, type DocumentDto, type OrderDto } from './api';
import { ORDER_STATUS } from './labels';
import { LettersTable, OrderSummary } from './OrderDetails';
import classes from './Orders.module.css';
import { QuoteTable } from './QuoteTable';

/** A refusal reason, when the provider gave one (M-1.2). */
function refusalReason(order: OrderDto): string | null {
  const reason = order.refusal_reason;
  return typeof reason === 'string' && reason.trim() !== '' ? reason : null;
}

// The road of a sent order, step by step (a refused or withdrawn order leaves it).
const PROGRESS = [
  { status: 'submitted', label: 'orders.progress.submitted' },
  { status: 'accepted', label: 'orders.progress.accepted' },
  { status: 'in_production', label: 'orders.progress.in_production' },
  { status: 'completed', label: 'orders.progress.completed' },
] as const;

/** Where the order is on its road: steps done, the current one, those to come. */
function OrderProgress({ order }: { order: OrderDto }) {
  const { t, i18n } = useTranslation();
  const current = PROGRESS.findIndex((p) => p.status === order.status);
  if (current < 0) return null;
  const when = (index: number): string | null => {
    if (index === 0 && order.submitted_at) return formatDateTime(order.submitted_at, i18n.language);
    if (index === 1 && order.accepted_at) return formatDateTime(order.accepted_at, i18n.language);
    if (index === 2 && order.in_production_at) return formatDateTime(order.in_production_at, i18n.language);
    if (index === 3 && order.completed_at) return formatDateTime(order.completed_at, i18n.language);
    return null;
  };
  return (
    <ol className={classes.progress} aria-label={t('orders.progress.label')}>
      {PROGRESS.map((p, index) => {
        // The last step, once reached, is done rather than in progress.
        const state = index < current || (index === current && p.status === 'completed') ? 'done' : index === current ? 'current' : 'todo';
        const date = when(index);
        return (
          <li key={p.status} data-state={state} aria-current={index === current ? 'step' : undefined}>
            <span className={classes.progressDot} aria-hidden />
            <span>
              <Text span fw={state === 'current' ? 700 : 500} c={state === 'todo' ? 'dimmed' : undefined}>
                {t(p.label)}
              </Text>
              {date && (
                <Text span size="xs" c="dimmed" display="block">
                  {date}
                </Text>
              )}
              {state !== 'todo' && <VisuallyHidden>{state === 'done' ? t('orders.progress.done') : t('orders.progress.current')}</VisuallyHidden>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** The deposit slips of the batches this order's letters went out in, once deposited. */
function DepositSlips({ order }: { order: OrderDto }) {
  const { t, i18n } = useTranslation();
  const slips = useDepositSlips(order.id, order.status === 'in_production' || order.status === 'completed');
  if (slips.isError) return <ErrorAlert error={slips.error} />;
  const list = slips.data ?? [];
  if (list.length === 0) return null;
  return (
    <Section title={t('orders.view.depositSlips')} lead={t('orders.view.depositSlipsLead')}>
      <List spacing="xs">
        {list.map((slip) => (
          <List.Item key={slip.url}>
            <Anchor href={slip.url} target="_blank" rel="noopener">
              {slip.deposited_at
                ? t('orders.view.depositSlip', { batch: `B${slip.batch_number}`, date: formatDateTime(slip.deposited_at, i18n.language) })
                : t('orders.view.depositSlipUndated', { batch: `B${slip.batch_number}` })}
            </Anchor>{' '}
            <Text span size="sm" c="dimmed">
              {t('orders.view.depositSlipLetters', { count: slip.mailpieces })}
            </Text>
          </List.Item>
        ))}
      </List>
    </Section>
  );
}

/**
 * A sent order, read-only: its status, the frozen quote, its mailpieces, the purchase order,
 * and — only until the provider accepts it — withdrawing it whole (M-1.1).
 */
export function OrderView({ order }: { order: OrderDto }) {
  const { t, i18n } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const cancel = useCancelOrder(order.id);
  const docs = useDocuments([...order.documents, ...(order.options.background ? [order.options.background.document] : [])]);
  const documents = new Map<string, DocumentDto>();
  for (const q of docs) if (q.data) documents.set(q.data.id, q.data);
  const status = ORDER_STATUS[order.status];
  const reason = order.status === 'refused' ? refusalReason(order) : null;
  // Refused and withdrawn orders are over: nothing more will happen to them.
  const live = useLiveOrder(order.id, order.status !== 'refused' && order.status !== 'cancelled');
  // Once at La Poste: what came back, re-sending a returned letter, each letter's timeline.
  const followUp = useLetterFollowUp(order);

  return (
    <Page
      title={order.name}
      actions={
        <Anchor component={Link} to="/orders">
          {t('orders.wizard.backToList')}
        </Anchor>
      }
    >
      <Group gap="xs" mt={-8}>
        <span data-testid="order-status">
          <StatusBadge color={status.color}>{t(status.label)}</StatusBadge>
        </span>
        {order.submitted_at && <Text c="dimmed">{t('orders.view.submittedAt', { date: formatDateTime(order.submitted_at, i18n.language) })}</Text>}
        {live.connected && (
          <Text span size="xs" c="green.8" className={classes.live} title={t('orders.view.liveHint')}>
            {t('orders.view.live')}
          </Text>
        )}
      </Group>
      <OrderProgress order={order} />
      {order.status === 'refused' && (
        <Alert color="red" variant="filled" title={t('orders.view.refusedTitle')} role="alert">
          {reason ? (
            <Stack gap={4}>
              <Text fw={700} size="lg">
                {t('orders.view.refusedReasonLabel')} {reason}
              </Text>
              <Text size="sm">{t('orders.view.refusedNothing')}</Text>
            </Stack>
          ) : (
            t('orders.view.refusedBody')
          )}
        </Alert>
      )}
      {order.status === 'cancelled' && (
        <Alert color="gray" variant="light" title={t('orders.view.cancelledTitle')}>
          {t('orders.view.cancelledBody')}
        </Alert>
      )}
      {order.status === 'submitted' && (
        <Alert color="blue" variant="light" title={t('orders.view.submittedTitle')}>
          <Stack gap="sm">
            <Text size="sm">{t('orders.view.submittedBody')}</Text>
            <Group>
              <Button color="red" variant="light" onClick={() => setConfirming(true)}>
                {t('orders.view.withdraw')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {(order.status === 'accepted' || order.status === 'in_production' || order.status === 'completed') && (
        <Alert color="teal" variant="light" title={order.status === 'completed' ? t('orders.view.completedTitle') : t('orders.view.firmTitle')}>
          {order.status === 'completed' ? t('orders.view.completedBody') : t('orders.view.firm')}
        </Alert>
      )}

      <Group gap="sm">
        <Button component="a" href={purchaseOrderUrl(order.id)} target="_blank" rel="noopener" variant="default">
          {t('orders.view.purchaseOrder')}
        </Button>
      </Group>

      <Section title={t('orders.view.setup')}>
        <OrderSummary order={order} documents={documents} />
      </Section>

      <Section title={t('orders.view.quoteTitle')} lead={t('orders.view.quoteLead')}>
        {order.quote ? <QuoteTable quote={order.quote} caption={t('orders.view.quoteCaption')} /> : <Text c="dimmed">{t('orders.quote.none')}</Text>}
        {order.delivery_estimate && <Text>{t('orders.view.delivery', { date: formatDay(order.delivery_estimate, i18n.language) })}</Text>}
      </Section>

      <Section title={t('orders.view.mailpieces', { count: order.letters })}>
        {order.mailpieces.length > 0 ? (
          <LettersTable mailpieces={order.mailpieces} total={order.letters} sent caption={t('orders.view.mailpiecesCaption')} extra={followUp.column} />
        ) : (
          <Text c="dimmed">{t('orders.view.noMailpieces')}</Text>
        )}
      </Section>

      <OrderHandover order={order} />

      <DepositSlips order={order} />

      {followUp.dialogs}

      <ConfirmDialog
        opened={confirming && order.status === 'submitted'}
        title={t('orders.view.withdrawTitle')}
        confirmLabel={t('orders.view.withdrawConfirm')}
        danger
        pending={cancel.isPending}
        error={cancel.error}
        onConfirm={() => cancel.mutate(undefined, { onSuccess: () => setConfirming(false) })}
        onClose={() => {
          setConfirming(false);
          cancel.reset();
        }}
      >
        {t('orders.view.withdrawBody')}
      </ConfirmDialog>
    </Page>
  );
}
