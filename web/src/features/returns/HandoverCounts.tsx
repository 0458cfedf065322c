import { Paper, SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatCount } from '../orders/labels';
import { RETURN_REASONS, type HandoverSummary } from './api';
import { REASON_SHORT } from './labels';
import classes from './Returns.module.css';

/** What became of the letters handed to La Poste: delivered, returned (by reason), AR cards back. */
export function HandoverCounts({ summary, label }: { summary: HandoverSummary; label: string }) {
  const { t, i18n } = useTranslation();
  const n = (value: number) => formatCount(value, i18n.language);
  const byReason = RETURN_REASONS.map((r) => `${t(REASON_SHORT[r])} ${n(summary.returned[r])}`).join(' · ');
  const cells: Array<{ key: string; term: string; value: number; detail?: string; color?: string }> = [
    { key: 'deposited', term: t('returns.counts.deposited'), value: summary.deposited },
    { key: 'delivered', term: t('returns.counts.delivered'), value: summary.delivered, color: 'green.8' },
    { key: 'returned', term: t('returns.counts.returned'), value: summary.returned.total, detail: byReason, color: summary.returned.total > 0 ? 'red.8' : undefined },
    { key: 'ar', term: t('returns.counts.ar'), value: summary.ar_received, color: 'teal.8' },
  ];
  return (
    <SimpleGrid component="dl" cols={{ base: 2, md: 4 }} spacing="sm" m={0} aria-label={label} data-testid="handover-counts">
      {cells.map((c) => (
        <Paper key={c.key} withBorder p="sm" radius="md" data-count={c.key}>
          <Text component="dt" size="sm" c="dimmed">
            {c.term}
          </Text>
          <Text component="dd" m={0} className={classes.count} c={c.color}>
            {n(c.value)}
          </Text>
          {c.detail && (
            <Text component="dd" m={0} size="sm" c="dimmed">
              {c.detail}
            </Text>
          )}
        </Paper>
      ))}
    </SimpleGrid>
  );
}
