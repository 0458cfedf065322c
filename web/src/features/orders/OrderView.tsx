import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime, formatDay } from '../../lib/format';
import { purchaseOrderUrl, useCancelOrder, useDocuments, type DocumentDto, type OrderDto } from './api';
import { ORDER_STATUS } from './labels';
import { LettersTable, OrderSummary } from './OrderDetails';
import { QuoteTable } from './QuoteTable';

/** A refusal reason, when the server gives one (M-1.2); the contract does not name the field yet. */
function refusalReason(order: OrderDto): string | null {
  const extra = order as OrderDto & { refusal_reason?: unknown; refused_reason?: unknown };
  const reason = extra.refusal_reason ?? extra.refused_reason;
  return typeof reason === 'string' && reason.trim() !== '' ? reason : null;
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
        <StatusBadge color={status.color}>{t(status.label)}</StatusBadge>
        {order.submitted_at && <Text c="dimmed">{t('orders.view.submittedAt', { date: formatDateTime(order.submitted_at, i18n.language) })}</Text>}
      </Group>
      {order.status === 'refused' && (
        <Alert color="red" variant="light" title={t('orders.view.refusedTitle')} role="alert">
          {reason ? t('orders.view.refusedReason', { reason }) : t('orders.view.refusedBody')}
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
        <Text size="sm" c="dimmed">
          {t('orders.view.firm')}
        </Text>
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
          <LettersTable mailpieces={order.mailpieces} total={order.letters} sent caption={t('orders.view.mailpiecesCaption')} />
        ) : (
          <Text c="dimmed">{t('orders.view.noMailpieces')}</Text>
        )}
      </Section>

      <ConfirmDialog
        opened={confirming}
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
