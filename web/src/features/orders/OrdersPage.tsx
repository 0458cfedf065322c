import { Alert, Anchor, Button, Checkbox, Group, List, Progress, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ListTable } from '../../components/ListTable';
import { LoadMore } from '../../components/LoadMore';
import { Page } from '../../components/Page';
import { StatusBadge } from '../../components/StatusBadge';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { useCurrentUser } from '../accounts/session';
import { useDeleteDrafts, useOrders, type OrderFilter } from './api';
import { formatCount, formatEuros, ORDER_STATUS } from './labels';
import classes from './Orders.module.css';

const FILTERS: readonly OrderFilter[] = ['all', 'draft', 'submitted'];

function filterOf(value: string | null): OrderFilter {
  return FILTERS.includes(value as OrderFilter) ? (value as OrderFilter) : 'all';
}

/** What the last bulk deletion came to, by name: drafts leave the list, so their names are kept here. */
interface DeletionReport {
  deleted: number;
  failed: Array<{ id: string; name: string; reason: string }>;
}

/**
 * /orders: the organisation's paper orders for an administrator, the user's own for a user
 * (the server decides), newest first, 50 at a time, filtered by status (`?status=`). Drafts
 * can be selected and deleted together; nothing else can be deleted.
 */
export function OrdersPage() {
  const { t, i18n } = useTranslation();
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const filter = filterOf(params.get('status'));
  const list = useOrders(filter);
  const remove = useDeleteDrafts();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState(0);
  const [report, setReport] = useState<DeletionReport | null>(null);

  const drafts = list.items.filter((order) => order.status === 'draft');
  // Only drafts on screen count: a selection does not outlive its row (another filter, a deletion).
  const chosen = drafts.filter((order) => selected.has(order.id));
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const deleteChosen = () => {
    const names = new Map(chosen.map((order) => [order.id, order.name]));
    setDone(0);
    setReport(null);
    remove.mutate(
      { ids: [...names.keys()], onProgress: setDone },
      {
        onSuccess: (outcome) => {
          setReport({
            deleted: outcome.deleted.length,
            failed: outcome.failed.map((f) => ({ id: f.id, name: names.get(f.id) ?? f.id, reason: errorMessage(t, f.error) })),
          });
          setSelected(new Set(outcome.failed.map((f) => f.id)));
          setConfirming(false);
        },
      },
    );
  };

  const content = (
    <ListTable
      state={list}
      isEmpty={list.items.length === 0}
      empty={t(`orders.list.empty.${filter}`)}
      minWidth={720}
      caption={t('orders.list.caption')}
      columns={[
        { label: t('orders.list.columns.select') },
        { label: t('orders.list.columns.name') },
        { label: t('orders.list.columns.status') },
        { label: t('orders.list.columns.letters'), className: classes.number },
        { label: t('orders.list.columns.total'), className: classes.number },
        { label: t('orders.list.columns.updated') },
      ]}
    >
      {list.items.map((order) => {
        const status = ORDER_STATUS[order.status];
        return (
          <Table.Tr key={order.id}>
            <Table.Td w={1}>
              {order.status === 'draft' && (
                <Checkbox
                  checked={selected.has(order.id)}
                  onChange={(event) => toggle(order.id, event.currentTarget.checked)}
                  aria-label={t('orders.list.selectDraft', { name: order.name })}
                />
              )}
            </Table.Td>
            <Table.Th scope="row" fw={500}>
              <Anchor component={Link} to={`/orders/${encodeURIComponent(order.id)}`}>
                {order.name}
              </Anchor>
              {order.kind === 'electronic' && (
                <Text span size="sm" c="dimmed">
                  {' '}
                  ({t('eletters.kindShort')})
                </Text>
              )}
            </Table.Th>
            <Table.Td>
              <StatusBadge color={status.color}>{t(status.label)}</StatusBadge>
            </Table.Td>
            {/* A draft's letters and price are worked out when it is opened, not stored: "—" until sent. */}
            <Table.Td className={classes.number}>
              {order.status === 'draft' && order.total_cents === null ? '—' : formatCount(order.letters, i18n.language)}
            </Table.Td>
            <Table.Td className={classes.number}>{order.total_cents === null ? '—' : formatEuros(order.total_cents, i18n.language)}</Table.Td>
            <Table.Td>{formatDateTime(order.updated_at, i18n.language)}</Table.Td>
          </Table.Tr>
        );
      })}
    </ListTable>
  );

  return (
    <Page
      title={t('nav.orders')}
      lead={me.role === 'client_admin' ? t('orders.list.leadAdmin', { organisation: me.organisation.name }) : t('orders.list.leadUser')}
      actions={
        <Group gap="sm">
          <Button component={Link} to="/orders/new">
            {t('orders.list.new')}
          </Button>
          <Button component={Link} to="/eletters/new" variant="light">
            {t('eletters.new')}
          </Button>
        </Group>
      }
    >
      <Stack gap="xs">
        <Text size="sm" fw={500} id="orders-filter-label">
          {t('orders.list.filter')}
        </Text>
        <SegmentedControl
          aria-labelledby="orders-filter-label"
          value={filter}
          onChange={(value) => setParams(value === 'all' ? {} : { status: value }, { replace: true })}
          data={FILTERS.map((value) => ({ value, label: t(`orders.list.filters.${value}`) }))}
          w="fit-content"
          maw="100%"
        />
      </Stack>
      {report && report.failed.length === 0 && (
        <Alert color="green" variant="light" role="status" withCloseButton onClose={() => setReport(null)} closeButtonLabel={t('common.close')}>
          {t('orders.list.deleted', { count: report.deleted })}
        </Alert>
      )}
      {report && report.failed.length > 0 && (
        <Alert color="orange" variant="light" role="alert" title={t('orders.list.notDeleted', { count: report.failed.length })}>
          <Stack gap="xs">
            {report.deleted > 0 && <Text size="sm">{t('orders.list.deleted', { count: report.deleted })}</Text>}
            <List size="sm">
              {report.failed.map((f) => (
                <List.Item key={f.id}>
                  {f.name} — {f.reason}
                </List.Item>
              ))}
            </List>
          </Stack>
        </Alert>
      )}
      {drafts.length > 0 && (
        <Group gap="sm">
          <Button variant="light" color="red" disabled={chosen.length === 0} onClick={() => setConfirming(true)}>
            {t('orders.list.deleteSelected')}
          </Button>
          <Text size="sm" c="dimmed" role="status" aria-live="polite">
            {chosen.length > 0 ? t('orders.list.selected', { count: chosen.length }) : ''}
          </Text>
        </Group>
      )}
      {content}
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} />

      <ConfirmDialog
        opened={confirming}
        title={t('orders.list.deleteTitle', { count: chosen.length })}
        confirmLabel={t('orders.list.deleteConfirm')}
        danger
        pending={remove.isPending}
        onConfirm={deleteChosen}
        onClose={() => setConfirming(false)}
      >
        <Stack gap="sm">
          <Text>{t('orders.list.deleteBody')}</Text>
          <List size="sm">
            {chosen.map((order) => (
              <List.Item key={order.id}>{order.name}</List.Item>
            ))}
          </List>
          {remove.isPending && (
            <Stack gap={4}>
              <Progress value={(done / Math.max(chosen.length, 1)) * 100} aria-label={t('orders.list.deleting', { done, total: chosen.length })} />
              <Text size="sm" role="status">
                {t('orders.list.deleting', { done, total: chosen.length })}
              </Text>
            </Stack>
          )}
        </Stack>
      </ConfirmDialog>
    </Page>
  );
}
