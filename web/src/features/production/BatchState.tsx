import { Group, Loader, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { StatusBadge } from '../../components/StatusBadge';
import { isMakingPrintFile, type Batch } from './api';
import { BATCH_STATUS } from './labels';

/** A batch's state; while its print file is being made, says so with a spinner. */
export function BatchState({ batch }: { batch: Batch }) {
  const { t } = useTranslation();
  if (isMakingPrintFile(batch)) {
    return (
      <Group gap={6} wrap="nowrap">
        <Loader size={14} aria-hidden />
        <Text size="sm">{t('production.batches.makingFile')}</Text>
      </Group>
    );
  }
  const status = BATCH_STATUS[batch.status];
  return <StatusBadge color={status.color}>{t(status.label)}</StatusBadge>;
}
