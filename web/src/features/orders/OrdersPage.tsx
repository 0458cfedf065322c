import { Anchor, Button, SegmentedControl, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { Loading } from '../../components/Loading';
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

  let content;
  if (list.isPending) content = <Loading />;
  else if (list.isError) content = <ErrorAlert error={list.error} />;
  else if (list.items.length === 0) content = <Text c="dimmed">{t(`orders.list.empty.${filter}`)}</Text>;
  else
    content = (
      <Table.ScrollContainer minWidth={680}>
        <Table striped highlightOnHover>
          <Table.Caption>
            <VisuallyHidden>{t('orders.list.caption')}</VisuallyHidden>
          </Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('orders.list.columns.name')}</Table.Th>
              <Table.Th scope="col">{t('orders.list.columns.status')}</Table.Th>
              <Table.Th scope="col" className={classes.number}>
                {t('orders.list.columns.letters')}
              </Table.Th>
              <Table.Th scope="col" className={classes.number}>
                {t('orders.list.columns.total')}
              </Table.Th>
              <Table.Th scope="col">{t('orders.list.columns.updated')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
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
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
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
