import { Button, Center } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Cursor pagination: one more page at a time. */
export function LoadMore({ hasMore, loading, onLoad }: { hasMore: boolean; loading: boolean; onLoad: () => void }) {
  const { t } = useTranslation();
  if (!hasMore) return null;
  return (
    <Center>
      <Button variant="default" onClick={onLoad} loading={loading}>
        {t('common.loadMore')}
      </Button>
    </Center>
  );
}
