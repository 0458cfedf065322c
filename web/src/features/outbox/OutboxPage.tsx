import { Anchor, Button, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ListTable } from '../../components/ListTable';
import { LoadMore } from '../../components/LoadMore';
import { Page } from '../../components/Page';
import { formatDateTime } from '../../lib/format';
import { useOutbox } from './api';
import { STATUS } from './labels';
import { MessageDrawer } from './MessageDrawer';
import { StatusBadge } from '../../components/StatusBadge';

/** /outbox: every e-mail Pli sent (in the default set-up they are kept here, not delivered). */
export function OutboxPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const selected = params.get('message');
  const outbox = useOutbox();

  const content = (
    <ListTable
      state={outbox}
      isEmpty={outbox.items.length === 0}
      empty={t('outbox.empty')}
      minWidth={760}
      columns={[
        { label: t('outbox.columns.to') },
        { label: t('outbox.columns.subject') },
        { label: t('outbox.columns.template') },
        { label: t('outbox.columns.status') },
        { label: t('outbox.columns.sentAt') },
      ]}
    >
            {outbox.items.map((m) => {
              const status = STATUS[m.status];
              return (
                <Table.Tr key={m.id} data-to={m.to}>
                  <Table.Td>{m.to}</Table.Td>
                  <Table.Td>
                    <Anchor component="button" type="button" ta="left" onClick={() => setParams({ message: m.id })}>
                      {m.subject}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{m.template ?? '—'}</Table.Td>
                  <Table.Td>
                    <StatusBadge color={status.color}>
                      {t(status.label)}
                    </StatusBadge>
                  </Table.Td>
                  <Table.Td>{m.sent_at ? formatDateTime(m.sent_at, i18n.language) : '—'}</Table.Td>
                </Table.Tr>
              );
            })}
          </ListTable>
  );

  return (
    <Page
      title={t('nav.outbox')}
      lead={t('outbox.lead')}
      actions={
        <Button variant="default" onClick={() => void outbox.refetch()} loading={outbox.isRefetching && !outbox.isFetchingNextPage}>
          {t('outbox.refresh')}
        </Button>
      }
    >
      {content}
      <LoadMore hasMore={outbox.hasNextPage} loading={outbox.isFetchingNextPage} onLoad={() => void outbox.fetchNextPage()} />
      <MessageDrawer id={selected} onClose={() => setParams({}, { replace: true })} />
    </Page>
  );
}
