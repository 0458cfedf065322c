import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A spinner that says what it is to screen readers. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status" aria-label={t('common.loading')}>
      <Loader size="md" />
    </Center>
  );
}
