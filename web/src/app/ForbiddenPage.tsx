import { Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Page } from '../components/Page';

export function ForbiddenPage() {
  const { t } = useTranslation();
  return (
    <Page title={t('forbidden.title')}>
      <Text>{t('forbidden.body')}</Text>
      <Anchor component={Link} to="/">
        {t('forbidden.back')}
      </Anchor>
    </Page>
  );
}
