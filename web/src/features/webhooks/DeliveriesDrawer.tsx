import { Alert, Button, Drawer, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ListTable } from '../../components/ListTable';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../lib/format';
import { useDeliveries, useRetryDelivery, type Delivery, type Webhook } from './api';
import { DELIVERY_STATUS, eventLabel } from './labels';

/** A webhook's delivery log, read again every 5 s while open; undelivered ones can be sent again. */
export function DeliveriesDrawer({ hook, onClose }: { hook: Webhook | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer
      opened={hook !== null}
      onClose={onClose}
      position="right"
      size="64rem"
      title={t('webhooks.log.title')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {hook && <DeliveryLog key={hook.id} hook={hook} />}
    </Drawer>
  );
}

function DeliveryLog({ hook }: { hook: Webhook }) {
  const { t, i18n } = useTranslation();
  const deliveries = useDeliveries(hook.id);
  const retry = useRetryDelivery(hook.id);
  const [notice, setNotice] = useState<string | null>(null);
  const when = (value: string | null) => (value ? formatDateTime(value, i18n.language) : '—');

  const send = (delivery: Delivery) => {
    setNotice(null);
    retry.mutate(delivery, { onSuccess: () => setNotice(t('webhooks.log.retried')) });
  };

  const answer = (d: Delivery) => {
    if (d.last_status_code !== null) return t('webhooks.log.http', { code: d.last_status_code });
    return d.last_error ?? '—';
  };

  return (
    <Stack gap="md">
      <Stack gap={2}>
        <Text fw={500} style={{ overflowWrap: 'anywhere' }}>
          {hook.url}
        </Text>
        <Text size="sm" c="dimmed">
          {t('webhooks.log.lead')}
        </Text>
      </Stack>
      {notice && (
        <Alert color="green" variant="light" role="status" withCloseButton onClose={() => setNotice(null)} closeButtonLabel={t('common.close')}>
          {notice}
        </Alert>
      )}
      <ErrorAlert error={retry.error} />
      <ListTable
        state={deliveries}
        isEmpty={(deliveries.data ?? []).length === 0}
        empty={t('webhooks.log.empty')}
        minWidth={820}
        caption={t('webhooks.log.title')}
        columns={[
          { label: t('webhooks.log.columns.event') },
          { label: t('webhooks.log.columns.status') },
          { label: t('webhooks.log.columns.attempts') },
          { label: t('webhooks.log.columns.answer') },
          { label: t('webhooks.log.columns.lastAttempt') },
          { label: t('webhooks.log.columns.nextAttempt') },
          { label: t('webhooks.columns.actions') },
        ]}
      >
        {(deliveries.data ?? []).map((d) => {
          const status = DELIVERY_STATUS[d.status];
          const event = eventLabel(t, d.event_type);
          return (
            <Table.Tr key={d.id}>
              <Table.Th scope="row" fw={400}>
                <Text size="sm">{event}</Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  {d.event_type}
                </Text>
              </Table.Th>
              <Table.Td>
                <StatusBadge color={status.color}>{t(status.label)}</StatusBadge>
              </Table.Td>
              <Table.Td>{d.attempts}</Table.Td>
              <Table.Td maw={220} style={{ overflowWrap: 'anywhere' }}>
                {answer(d)}
              </Table.Td>
              <Table.Td>{when(d.last_attempt_at)}</Table.Td>
              <Table.Td>{when(d.next_attempt_at)}</Table.Td>
              <Table.Td>
                {d.status !== 'delivered' && (
                  <Button
                    size="xs"
                    variant="default"
                    aria-label={t('webhooks.log.retryFor', { event, date: when(d.created_at) })}
                    loading={retry.isPending && retry.variables.id === d.id}
                    onClick={() => send(d)}
                  >
                    {t('webhooks.log.retry')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </ListTable>
    </Stack>
  );
}
