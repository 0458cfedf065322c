import { Anchor, Button, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { formatDay } from '../../lib/format';
import { useOrganisations } from './api';
import { ORGANISATION_STATUS } from './labels';
import { StatusBadge } from '../../components/StatusBadge';

/** /clients: the provider's client organisations, searchable by name (`?query=`). */
export function ClientsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const urlQuery = params.get('query') ?? '';
  const [typed, setTyped] = useState(urlQuery);
  const [debounced] = useDebouncedValue(typed, 300);

  useEffect(() => {
    if (debounced.trim() === urlQuery) return;
    setParams(debounced.trim() ? { query: debounced.trim() } : {}, { replace: true });
  }, [debounced, urlQuery, setParams]);

  const list = useOrganisations(urlQuery);
  // The provider's own organisation is not a client.
  const clients = list.items.filter((org) => org.kind === 'client');

  let content;
  if (list.isPending) content = <Loading />;
  else if (list.isError) content = <ErrorAlert error={list.error} />;
  else if (clients.length === 0)
    content = <Text c="dimmed">{urlQuery ? t('clients.noMatch', { query: urlQuery }) : t('clients.empty')}</Text>;
  else
    content = (
      <Table.ScrollContainer minWidth={600}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('clients.columns.name')}</Table.Th>
              <Table.Th scope="col">{t('clients.columns.status')}</Table.Th>
              <Table.Th scope="col">{t('clients.columns.contractEnd')}</Table.Th>
              <Table.Th scope="col">{t('clients.columns.people')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {clients.map((org) => {
              const status = ORGANISATION_STATUS[org.status];
              const ends = org.contract?.ends_on;
              return (
                <Table.Tr key={org.id}>
                  <Table.Th scope="row" fw={500}>
                    <Anchor component={Link} to={`/clients/${org.id}`}>
                      {org.name}
                    </Anchor>
                  </Table.Th>
                  <Table.Td>
                    <StatusBadge color={status.color}>
                      {t(status.label)}
                    </StatusBadge>
                  </Table.Td>
                  <Table.Td>{ends ? formatDay(ends, i18n.language) : org.contract ? t('contract.noEnd') : t('contract.none')}</Table.Td>
                  <Table.Td>{org.user_count}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );

  return (
    <Page
      title={t('nav.clients')}
      lead={t('clients.lead')}
      actions={
        <Button component={Link} to="/clients/new">
          {t('clients.new.open')}
        </Button>
      }
    >
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(typed.trim() ? { query: typed.trim() } : {}, { replace: true });
        }}
      >
        <TextInput
          type="search"
          label={t('clients.search')}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          maw={420}
        />
      </form>
      {content}
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} />
    </Page>
  );
}
