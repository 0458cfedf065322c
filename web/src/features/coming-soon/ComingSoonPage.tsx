import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Page } from '../../components/Page';

// What each page will hold, in one or two honest sentences: no fake buttons, no sample data.
const TEXT = {
  support: { title: 'nav.support', body: 'comingSoon.support' },
  supportDesk: { title: 'nav.supportDesk', body: 'comingSoon.supportDesk' },
} as const;

export type ComingFeature = keyof typeof TEXT;

export function ComingSoonPage({ feature }: { feature: ComingFeature }) {
  const { t } = useTranslation();
  const text = TEXT[feature];
  return (
    <Page title={t(text.title)}>
      <Alert color="gray" variant="light" title={t('comingSoon.badge')}>
        <Text>{t(text.body)}</Text>
      </Alert>
    </Page>
  );
}
