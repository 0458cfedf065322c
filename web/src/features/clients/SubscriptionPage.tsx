import { Alert, Badge, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
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
      <Section title={t('subscription.contractTitle')}>{contract}</Section>
      <Section title={t('subscription.statsTitle')}>
        <Alert color="gray" variant="light" title={t('comingSoon.badge')}>
          {t('subscription.statsComing')}
        </Alert>
      </Section>
    </Page>
  );
}
