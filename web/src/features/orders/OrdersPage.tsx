import { Anchor, Button, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ListTable } from '../../components/ListTable';
import { LoadMore } from '../../components/LoadMore';
import { Page } from '../../components/Page';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../lib/format';
import { useCurrentUser } from '../accounts/session';
import { useOrders, type OrderFilter } from './api';
import { formatCount, formatEuros, ORDER_STATUS } from './labels';
import classes from './Orders.module.css';

const FILTERS: readonly OrderFilter[] = ['all', 'draft', 'submitted'];

function filterOf(value: string | null): OrderFilter {
  return FILTERS.includes(value as OrderFilter) ? (value as OrderFilter) : 'all';
}

/**
 * /orders: the organisation's paper orders for an administrator, the user's own for a user
 * (the server decides), newest first, 50 at a time, filtered by status (`?status=`).
 */
export function OrdersPage() {
  const { t, i18n } = useTranslation();
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const filter = filterOf(params.get('status'));
  const list = useOrders(filter);

  const content = (
    <ListTable
      state={list}
      isEmpty={list.items.length === 0}
      empty={t(`orders.list.empty.${filter}`)}
      minWidth={680}
      caption={t('orders.list.caption')}
      columns={[
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
                  <Table.Th scope="row" fw={500}>
                    <Anchor component={Link} to={`/orders/${encodeURIComponent(order.id)}`}>
                      {order.name}
                    </Anchor>
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
        <Button component={Link} to="/orders/new">
          {t('orders.list.new')}
        </Button>
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
      {content}
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} />
    </Page>
  );
}
