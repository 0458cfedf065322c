import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../../lib/use-page-title';
import type { ServiceState } from './use-service-health';
import { useServiceHealth } from './use-service-health';

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
      <Paper withBorder p="md">
        <Text>{t('home.building')}</Text>
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
