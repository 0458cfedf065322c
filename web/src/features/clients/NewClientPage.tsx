import { Anchor, Paper } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { Page } from '../../components/Page';
import { useCreateOrganisation } from './api';
import { ClientForm } from './ClientForm';

/** /clients/new: a client organisation with its contract. */
export function NewClientPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateOrganisation();
  return (
    <Page
      title={t('clients.new.title')}
      lead={t('clients.new.lead')}
      actions={
        <Anchor component={Link} to="/clients">
          {t('clients.backToList')}
        </Anchor>
      }
    >
      <Paper withBorder p={{ base: 'md', sm: 'lg' }}>
        <ClientForm
          submitLabel={t('clients.new.submit')}
          pending={create.isPending}
          error={create.error}
          onSubmit={(input) => create.mutate(input, { onSuccess: (org) => navigate(`/clients/${org.id}`) })}
          onCancel={() => navigate('/clients')}
        />
      </Paper>
    </Page>
  );
}
