import { Anchor, Button, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ListTable } from '../../components/ListTable';
import { LoadMore } from '../../components/LoadMore';
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

  const content = (
    <ListTable
      state={list}
      isEmpty={clients.length === 0}
      empty={urlQuery ? t('clients.noMatch', { query: urlQuery }) : t('clients.empty')}
      minWidth={600}
      columns={[
        { label: t('clients.columns.name') },
        { label: t('clients.columns.status') },
        { label: t('clients.columns.contractEnd') },
        { label: t('clients.columns.people') },
      ]}
    >
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
          </ListTable>
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
