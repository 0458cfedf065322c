import { Anchor, Badge, Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { formatDateTime } from '../../lib/format';
import { PeopleList } from '../users/PeopleList';
import { AccountImport } from './AccountImport';
import { useOrganisation, useSetOrganisationStatus, useUpdateOrganisation, type Organisation } from './api';
import { ClientForm } from './ClientForm';
import { ContractView } from './ContractView';
import { ORGANISATION_STATUS } from './labels';

function ContractSection({ organisation }: { organisation: Organisation }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const update = useUpdateOrganisation(organisation.id);
  return (
    <Section
      title={t('clients.detail.contract')}
      actions={
        !editing && (
          <Button variant="default" onClick={() => setEditing(true)}>
            {t('clients.detail.edit')}
          </Button>
        )
      }
    >
      {editing ? (
        <ClientForm
          organisation={organisation}
          submitLabel={t('clients.detail.save')}
          pending={update.isPending}
          error={update.error}
          onSubmit={(input) => update.mutate(input, { onSuccess: () => setEditing(false) })}
          onCancel={() => {
            update.reset();
            setEditing(false);
          }}
        />
      ) : (
        <ContractView contract={organisation.contract} />
      )}
    </Section>
  );
}

function StatusAction({ organisation }: { organisation: Organisation }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const setStatus = useSetOrganisationStatus(organisation.id);
  const suspending = organisation.status === 'active';
  return (
    <>
      <Button variant={suspending ? 'outline' : 'filled'} color={suspending ? 'red' : undefined} onClick={() => setOpen(true)}>
        {suspending ? t('clients.detail.suspend') : t('clients.detail.reactivate')}
      </Button>
      <ConfirmDialog
        opened={open}
        title={suspending ? t('clients.detail.suspendTitle', { name: organisation.name }) : t('clients.detail.reactivateTitle', { name: organisation.name })}
        confirmLabel={suspending ? t('clients.detail.suspend') : t('clients.detail.reactivate')}
        danger={suspending}
        pending={setStatus.isPending}
        error={setStatus.error}
        onConfirm={() => setStatus.mutate(suspending ? 'suspend' : 'reactivate', { onSuccess: () => setOpen(false) })}
        onClose={() => {
          setStatus.reset();
          setOpen(false);
        }}
      >
        {suspending ? t('clients.detail.suspendBody') : t('clients.detail.reactivateBody')}
      </ConfirmDialog>
    </>
  );
}

/** /clients/:id: one client organisation — contract, status, people, account import. */
export function ClientDetailPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const organisation = useOrganisation(id);

  if (organisation.isPending) return <Loading />;
  if (organisation.isError) {
    return (
      <Page title={t('clients.detail.notFound')}>
        <ErrorAlert error={organisation.error} />
        <Anchor component={Link} to="/clients">
          {t('clients.backToList')}
        </Anchor>
      </Page>
    );
  }
  const org = organisation.data;
  const status = ORGANISATION_STATUS[org.status];

  return (
    <Page
      title={org.name}
      lead={
        <Group gap="sm" component="span">
          <Badge color={status.color} variant="light" component="span">
            {t(status.label)}
          </Badge>
          <Text span size="sm" c="dimmed">
            {t('clients.detail.since', { date: formatDateTime(org.created_at, i18n.language) })}
          </Text>
        </Group>
      }
      actions={
        <Group gap="sm">
          <Anchor component={Link} to="/clients">
            {t('clients.backToList')}
          </Anchor>
          <StatusAction organisation={org} />
        </Group>
      }
    >
      {org.status === 'suspended' && (
        <Text c="red.8" role="note">
          {t('clients.detail.suspendedNote')}
        </Text>
      )}
      <ContractSection key={`${org.id}:${JSON.stringify(org.contract)}`} organisation={org} />
      <Section title={t('clients.detail.people', { count: org.user_count })}>
        <PeopleList organisationId={org.id} />
      </Section>
      <Section title={t('import.title')}>
        <AccountImport organisationId={org.id} />
      </Section>
    </Page>
  );
}
