import { Anchor, Drawer, Group, List, SimpleGrid, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { formatDateTime } from '../../lib/format';
import { mailpieceStatus } from '../orders/labels';
import { formatEuros } from '../tariffs/money';
import { isPreparingSlip, useBatch, type BatchDetail } from './api';
import { BatchState } from './BatchState';
import { attributesText, batchCode, batchEventText } from './labels';

const MAILPIECE_ORDER = ['pending', 'printed', 'inserted', 'franked', 'deposited'];

/** A file of the batch: an API address, opened in a new tab (the session cookie goes along). */
function FileLink({ href, children }: { href: string; children: string }) {
  return (
    <Anchor href={href} target="_blank" rel="noopener">
      {children}
    </Anchor>
  );
}

function Files({ batch }: { batch: BatchDetail }) {
  const { t, i18n } = useTranslation();
  const slip = batch.deposit_slip;
  const items: Array<{ key: string; node: ReactNode }> = [];
  for (const part of batch.print_files) {
    items.push({
      key: part.url,
      node: (
        <FileLink href={part.url}>
          {t('production.detail.printPart', { part: part.part, count: part.sheets, pages: part.pages })}
        </FileLink>
      ),
    });
  }
  if (batch.ticket_url) items.push({ key: 'ticket', node: <FileLink href={batch.ticket_url}>{t('production.detail.ticket')}</FileLink> });
  if (batch.labels_url) items.push({ key: 'labels', node: <FileLink href={batch.labels_url}>{t('production.detail.labels')}</FileLink> });
  if (slip) {
    items.push({
      key: 'slip',
      node: (
        <Group gap="xs" component="span">
          <FileLink href={slip.url}>{t('production.detail.depositSlip')}</FileLink>
          <Text span size="sm" c={slip.confirmed_at ? 'green' : 'dimmed'}>
            {slip.confirmed_at
              ? t('production.detail.slipConfirmed', { date: formatDateTime(slip.confirmed_at, i18n.language) })
              : t('production.detail.slipPrepared', { date: formatDateTime(slip.prepared_at, i18n.language) })}
          </Text>
        </Group>
      ),
    });
  }
  return (
    <Stack gap="xs">
      {items.length > 0 ? (
        <List spacing={4}>
          {items.map((item) => (
            <List.Item key={item.key}>{item.node}</List.Item>
          ))}
        </List>
      ) : (
        <Text c="dimmed">{t('production.detail.noFiles')}</Text>
      )}
      {isPreparingSlip(batch) && <Text size="sm" c="dimmed">{t('production.detail.slipComing')}</Text>}
    </Stack>
  );
}

function Detail({ batch }: { batch: BatchDetail }) {
  const { t, i18n } = useTranslation();
  const counts = Object.entries(batch.by_status).sort(([a], [b]) => MAILPIECE_ORDER.indexOf(a) - MAILPIECE_ORDER.indexOf(b));
  const facts: Array<[string, ReactNode]> = [
    [t('production.batches.columns.status'), <BatchState key="state" batch={batch} />],
    [t('production.batches.columns.attributes'), attributesText(t, batch.attributes)],
    [t('production.batches.columns.mailpieces'), String(batch.mailpieces)],
    [t('production.batches.columns.sheets'), String(batch.sheets)],
    [t('production.batches.columns.postage'), batch.postage_cents === null ? '—' : formatEuros(batch.postage_cents, i18n.language)],
    [t('production.detail.closedAt'), batch.closed_at ? formatDateTime(batch.closed_at, i18n.language) : t('production.detail.open')],
  ];
  return (
    <Stack gap="lg">
      <SimpleGrid component="dl" cols={2} spacing="xs" verticalSpacing="xs" m={0}>
        {facts.map(([term, value]) => (
          <div key={term}>
            <Text component="dt" size="sm" c="dimmed">
              {term}
            </Text>
            <Text component="dd" m={0}>
              {value}
            </Text>
          </div>
        ))}
      </SimpleGrid>

      <section aria-labelledby="batch-by-status">
        <Title order={3} size="h4" id="batch-by-status" mb="xs">
          {t('production.detail.byStatus')}
        </Title>
        {counts.length > 0 ? (
          <Group gap="lg">
            {counts.map(([status, count]) => (
              <Text key={status}>
                {mailpieceStatus(t, status)} : <strong>{count}</strong>
              </Text>
            ))}
          </Group>
        ) : (
          <Text c="dimmed">—</Text>
        )}
      </section>

      <section aria-labelledby="batch-files">
        <Title order={3} size="h4" id="batch-files" mb="xs">
          {t('production.detail.files')}
        </Title>
        <Files batch={batch} />
      </section>

      <section aria-labelledby="batch-orders">
        <Title order={3} size="h4" id="batch-orders" mb="xs">
          {t('production.detail.orders')}
        </Title>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('production.intake.columns.client')}</Table.Th>
              <Table.Th scope="col">{t('production.intake.columns.order')}</Table.Th>
              <Table.Th scope="col">{t('production.batches.columns.mailpieces')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {batch.orders.map((order) => (
              <Table.Tr key={order.id}>
                <Table.Td>{order.organisation}</Table.Td>
                <Table.Td>{order.name}</Table.Td>
                <Table.Td>{order.mailpieces}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </section>

      <section aria-labelledby="batch-events">
        <Title order={3} size="h4" id="batch-events" mb="xs">
          {t('production.detail.events')}
        </Title>
        <Timeline bulletSize={12} lineWidth={2} active={batch.events.length - 1}>
          {batch.events.map((event, index) => (
            <Timeline.Item key={`${event.at}-${index}`} title={batchEventText(t, event)}>
              <Text size="xs" c="dimmed">
                {formatDateTime(event.at, i18n.language)}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      </section>
    </Stack>
  );
}

/** One batch in a side panel (`?batch=`): counts, orders, files and what happened to it. */
export function BatchDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const batch = useBatch(id);
  const title = batch.data ? t('production.detail.title', { batch: batchCode(batch.data) }) : t('production.detail.loading');
  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size="lg" title={title} closeButtonProps={{ 'aria-label': t('common.close') }}>
      {batch.isPending ? <Loading /> : batch.isError ? <ErrorAlert error={batch.error} /> : <Detail batch={batch.data} />}
    </Drawer>
  );
}
