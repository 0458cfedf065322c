import { Alert, Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ListTable } from '../../components/ListTable';
import { useCurrentUser } from '../accounts/session';
import { formatEuros } from '../tariffs/money';
import { useBatches, useBuildBatches, type Batch, type BuildResult } from './api';
import { BatchDrawer } from './BatchDrawer';
import { BatchState } from './BatchState';
import { attributesText, batchCode } from './labels';
import { RANGES_ANCHOR } from './SettingsTab';
import classes from './Production.module.css';

/** What the build did; a batch left open is not "closed" (the held alert speaks of it). */
function buildSummary(t: TFunction, result: BuildResult): string {
  const held = new Set(result.held.map((h) => h.batch_id));
  const closed = result.batches.filter((b) => !held.has(b.id));
  if (result.assigned === 0 && closed.length === 0) return t('production.batches.builtNothing');
  if (result.assigned === 0) return t('production.batches.closedOnly', { count: closed.length, batches: closed.map(batchCode).join(', ') });
  return t('production.batches.built', { count: result.assigned, batches: result.batches.map(batchCode).join(', ') });
}

/** The batches the build left open for want of registered numbers (the build answers with each of them). */
function heldBatches(result: BuildResult): Batch[] {
  return result.held.flatMap((h) => result.batches.filter((b) => b.id === h.batch_id));
}

/**
 * Why batches stay open, and what the reader can do about it: only the provider administrator
 * records ranges (Settings), so an operator is told whom to ask and the administrator where to go.
 */
function HeldAlert({ batches }: { batches: Batch[] }) {
  const { t } = useTranslation();
  const canRecord = useCurrentUser().role === 'provider_admin';
  if (batches.length === 0) return null;
  const key = canRecord ? 'production.batches.heldAdmin' : 'production.batches.heldOperator';
  return (
    <Alert color="yellow" variant="light" role="alert" title={t('production.batches.heldTitle')}>
      <Stack gap="xs">
        {batches.map((batch) => (
          <Text key={batch.id} size="sm">
            {t(key, { batch: batchCode(batch), count: batch.mailpieces })}
          </Text>
        ))}
        {canRecord && (
          <Anchor component={Link} to={`/production?tab=settings#${RANGES_ANCHOR}`} size="sm" fw={500}>
            {t('production.batches.heldRangesLink')}
          </Anchor>
        )}
      </Stack>
    </Alert>
  );
}

/** The print batches, newest first; "build now" puts the accepted mailpieces in batches and closes them. */
export function BatchesTab() {
  const { t, i18n } = useTranslation();
  const batches = useBatches();
  const build = useBuildBatches();
  const [params, setParams] = useSearchParams();
  const [summary, setSummary] = useState<string | null>(null);
  const [held, setHeld] = useState<Batch[]>([]);
  const summaryRef = useRef<HTMLDivElement>(null);
  const list = batches.data ?? [];
  const openId = params.get('batch');

  useEffect(() => {
    if (summary) summaryRef.current?.focus();
  }, [summary]);

  const open = (id: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (id) next.set('batch', id);
        else next.delete('batch');
        return next;
      },
      { replace: id === null },
    );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Text c="dimmed" maw={640}>
          {t('production.batches.lead')}
        </Text>
        <Button
          onClick={() => {
            setSummary(null);
            setHeld([]);
            build.mutate(undefined, {
              onSuccess: (result) => {
                setSummary(buildSummary(t, result));
                setHeld(heldBatches(result));
              },
            });
          }}
          loading={build.isPending}
        >
          {t('production.batches.build')}
        </Button>
      </Group>
      {summary && (
        <Alert ref={summaryRef} tabIndex={-1} color="green" variant="light" role="status" withCloseButton onClose={() => setSummary(null)} closeButtonLabel={t('common.close')}>
          {summary}
        </Alert>
      )}
      <HeldAlert batches={held} />
      <ErrorAlert error={build.error} title={t('production.batches.buildFailed')} />
      <ListTable
        state={batches}
        isEmpty={list.length === 0}
        empty={t('production.batches.empty')}
        minWidth={900}
        caption={t('production.batches.caption')}
        columns={[
          { label: t('production.batches.columns.number') },
          { label: t('production.batches.columns.status') },
          { label: t('production.batches.columns.attributes') },
          { label: t('production.batches.columns.mailpieces'), className: classes.number },
          { label: t('production.batches.columns.sheets'), className: classes.number },
          { label: t('production.batches.columns.postage'), className: classes.number },
        ]}
      >
        {list.map((batch) => (
          <Table.Tr key={batch.id} data-batch={batchCode(batch)} data-status={batch.status}>
            <Table.Th scope="row">
              <Anchor component="button" type="button" fw={600} onClick={() => open(batch.id)} aria-label={t('production.batches.openOne', { batch: batchCode(batch) })}>
                {batchCode(batch)}
              </Anchor>
            </Table.Th>
            <Table.Td>
              <BatchState batch={batch} />
            </Table.Td>
            <Table.Td>{attributesText(t, batch.attributes)}</Table.Td>
            <Table.Td className={classes.number}>{batch.mailpieces}</Table.Td>
            <Table.Td className={classes.number}>{batch.sheets}</Table.Td>
            <Table.Td className={classes.number}>{batch.postage_cents === null ? '—' : formatEuros(batch.postage_cents, i18n.language)}</Table.Td>
          </Table.Tr>
        ))}
      </ListTable>
      <BatchDrawer id={openId} onClose={() => open(null)} />
    </Stack>
  );
}
