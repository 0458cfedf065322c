import { Anchor, Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../../lib/use-page-title';
import type { ServiceState } from './use-service-health';
import { useServiceHealth } from './use-service-health';

/** Who finds what once signed in, in the order the menu's roles come. */
const ROLES = ['clientUser', 'clientAdmin', 'operator', 'providerAdmin'] as const;

const BADGE_COLOR: Record<ServiceState, string> = { checking: 'gray', up: 'green', down: 'red' };

function ServiceStatus() {
  const { t } = useTranslation();
  const state = useServiceHealth();
  return (
    <Group gap="xs">
      <Text fw={500}>{t('home.status.label')}</Text>
      {/* role="status" is a polite live region: the change checking → up/down is announced. */}
      <Badge role="status" color={BADGE_COLOR[state]} variant="light" size="lg" data-state={state}>
        {t(`home.status.${state}`)}
      </Badge>
    </Group>
  );
}

export function HomePage() {
  const { t } = useTranslation();
  usePageTitle(null);
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t('home.title')}</Title>
        <Text size="lg" c="dimmed">
          {t('home.tagline')}
        </Text>
      </div>
      <ServiceStatus />
      <Text>{t('home.intro')}</Text>
      <Paper withBorder p="md" component="section" aria-labelledby="home-offer">
        <Stack gap="sm">
          <Title order={2} size="h4" id="home-offer">
            {t('home.offer.title')}
          </Title>
          <List spacing="xs">
            {ROLES.map((role) => (
              <List.Item key={role}>{t(`home.offer.${role}`)}</List.Item>
            ))}
          </List>
          <Text size="sm" c="dimmed">
            {t('home.offer.later')}
          </Text>
        </Stack>
      </Paper>
      <div>
        <Anchor href="/api/docs">{t('home.apiDocs')}</Anchor>
        <Text size="sm" c="dimmed">
          {t('home.apiDocsHint')}
        </Text>
      </div>
    </Stack>
  );
}
