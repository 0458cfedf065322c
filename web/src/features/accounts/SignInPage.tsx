import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { usePageTitle } from '../../lib/use-page-title';

/** Placeholder until the accounts feature: says so plainly and offers no form that cannot work. */
export function SignInPage() {
  const { t } = useTranslation();
  usePageTitle(t('signIn.title'));
  return (
    <Stack gap="md">
      <Title order={1}>{t('signIn.title')}</Title>
      <Text>{t('signIn.notYet')}</Text>
      <Anchor component={Link} to="/">
        {t('signIn.back')}
      </Anchor>
    </Stack>
  );
}
