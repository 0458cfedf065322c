import { Anchor, Button, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { Loading } from '../../components/Loading';
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

  let content;
  if (outbox.isPending) content = <Loading />;
  else if (outbox.isError) content = <ErrorAlert error={outbox.error} />;
  else if (outbox.items.length === 0) content = <Text c="dimmed">{t('outbox.empty')}</Text>;
  else
    content = (
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('outbox.columns.to')}</Table.Th>
              <Table.Th scope="col">{t('outbox.columns.subject')}</Table.Th>
              <Table.Th scope="col">{t('outbox.columns.template')}</Table.Th>
              <Table.Th scope="col">{t('outbox.columns.status')}</Table.Th>
              <Table.Th scope="col">{t('outbox.columns.sentAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
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
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
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
