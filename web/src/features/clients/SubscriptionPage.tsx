import { Alert, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { useCurrentUser } from '../accounts/session';
import { useOrganisation } from './api';
import { ContractView } from './ContractView';
import { ORGANISATION_STATUS } from './labels';

/** /subscription: a client administrator reads their organisation's contract. */
export function SubscriptionPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const organisation = useOrganisation(me.organisation.id);

  let contract;
  if (organisation.isPending) contract = <Loading />;
  else if (organisation.isError) contract = <ErrorAlert error={organisation.error} />;
  else {
    const status = ORGANISATION_STATUS[organisation.data.status];
    contract = (
      <Stack gap="md">
        <Group gap="sm">
          <Text fw={600}>{organisation.data.name}</Text>
          <Badge color={status.color} variant="light">
            {t(status.label)}
          </Badge>
        </Group>
        <ContractView contract={organisation.data.contract} />
      </Stack>
    );
  }

  return (
    <Page title={t('nav.subscription')}>
      <Paper withBorder p="lg">
        <Stack gap="md">
          <Title order={2}>{t('subscription.contractTitle')}</Title>
          {contract}
        </Stack>
      </Paper>
      <Paper withBorder p="lg">
        <Stack gap="md">
          <Title order={2}>{t('subscription.statsTitle')}</Title>
          <Alert color="gray" variant="light" title={t('comingSoon.badge')}>
            {t('subscription.statsComing')}
          </Alert>
        </Stack>
      </Paper>
    </Page>
  );
}
