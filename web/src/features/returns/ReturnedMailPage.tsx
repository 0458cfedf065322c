import { Anchor, Button, Group, SegmentedControl, Select, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ListTable } from '../../components/ListTable';
import { LoadMore } from '../../components/LoadMore';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../lib/format';
import { useCurrentUser } from '../accounts/session';
import {
  exportUrl,
  RETURN_REASONS,
  useAddressFlags,
  useClearFlag,
  useHandoverSummary,
  useReturns,
  type AddressFlag,
  type MailpieceReturn,
  type ReturnKind,
  type ReturnReason,
  type ReturnsFilter,
} from './api';
import { HandoverCounts } from './HandoverCounts';
import { KIND_COLOR, KIND_LABEL, REASON_LABEL, reasonText, registeredNumber } from './labels';
import { ResendDialog, type ResendTarget } from './ResendDialog';
import text from '../../components/Text.module.css';

const KINDS: readonly ReturnKind[] = ['returned', 'ar'];

function kindOf(value: string | null): ReturnKind | null {
  return KINDS.find((k) => k === value) ?? null;
}

function reasonOf(value: string | null): ReturnReason | null {
  return RETURN_REASONS.find((r) => r === value) ?? null;
}

/**
 * /returned-mail: what became of the client's letters once handed to La Poste — the counts
 * (delivered, returned by reason, AR cards back), every returned letter and AR card with its scan
 * (filtered by type and reason, `?kind=&reason=&order=`, exported as CSV), and the addresses
 * letters came back from, whose alert can be lifted.
 */
export function ReturnedMailPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const filter: ReturnsFilter = { kind: kindOf(params.get('kind')), reason: reasonOf(params.get('reason')), order: params.get('order') };
  if (filter.kind === 'ar') filter.reason = null;
  const summary = useHandoverSummary();
  const isClient = user.role === 'client_admin' || user.role === 'client_user';

  const set = (name: 'kind' | 'reason' | 'order', value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name === 'kind' && value === 'ar') next.delete('reason');
    setParams(next, { replace: true });
  };

  return (
    <Page title={t('nav.returnedMail')} lead={t('returns.client.lead')}>
      <Section title={t('returns.client.countsTitle')} lead={t('returns.client.countsLead')}>
        {summary.isPending ? <Loading /> : summary.isError ? <ErrorAlert error={summary.error} /> : <HandoverCounts summary={summary.data} label={t('returns.client.countsTitle')} />}
      </Section>

      <Section
        title={t('returns.client.listTitle')}
        actions={
          <Button component="a" href={exportUrl(filter)} download variant="default">
            {t('returns.client.export')}
          </Button>
        }
      >
        <Group gap="md" align="flex-end">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="returns-kind-label">
              {t('returns.client.kindFilter')}
            </Text>
            <SegmentedControl
              aria-labelledby="returns-kind-label"
              value={filter.kind ?? 'all'}
              onChange={(value) => set('kind', value === 'all' ? null : value)}
              data={[
                { value: 'all', label: t('returns.client.allKinds') },
                ...KINDS.map((k) => ({ value: k, label: t(KIND_LABEL[k]) })),
              ]}
            />
          </Stack>
          {filter.kind !== 'ar' && (
            <Select
              label={t('returns.client.reasonFilter')}
              value={filter.reason ?? 'all'}
              onChange={(value) => set('reason', value === 'all' ? null : value)}
              allowDeselect={false}
              data={[{ value: 'all', label: t('returns.client.allReasons') }, ...RETURN_REASONS.map((r) => ({ value: r, label: t(REASON_LABEL[r]) }))]}
              w={280}
            />
          )}
          {filter.order && (
            <Group gap="xs">
              <Text size="sm">{t('returns.client.oneOrder')}</Text>
              <Button variant="subtle" size="compact-sm" onClick={() => set('order', null)}>
                {t('returns.client.allOrders')}
              </Button>
            </Group>
          )}
        </Group>
        <ReturnsList filter={filter} canResend={isClient} />
      </Section>

      {isClient && <FlagsSection />}
    </Page>
  );
}

function ReturnsList({ filter, canResend }: { filter: ReturnsFilter; canResend: boolean }) {
  const { t, i18n } = useTranslation();
  const list = useReturns(filter);
  const [resending, setResending] = useState<ResendTarget | null>(null);
  const filtered = filter.kind !== null || filter.reason !== null || filter.order !== null;
  return (
    <>
      <ListTable
        state={list}
        isEmpty={list.items.length === 0}
        empty={filtered ? t('returns.client.noMatch') : t('returns.client.empty')}
        minWidth={980}
        caption={t('returns.client.listTitle')}
        columns={[
          { label: t('returns.client.columns.received') },
          { label: t('returns.client.columns.kind') },
          { label: t('returns.client.columns.reason') },
          { label: t('returns.client.columns.order') },
          { label: t('returns.client.columns.recipient') },
          { label: t('returns.client.columns.scan') },
          { label: t('returns.client.columns.followUp') },
        ]}
      >
        {list.items.map((r) => (
          <ReturnRow key={r.id} item={r} language={i18n.language} canResend={canResend} onResend={setResending} />
        ))}
      </ListTable>
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} />
      <ResendDialog target={resending} onClose={() => setResending(null)} />
    </>
  );
}

function ReturnRow({ item: r, language, canResend, onResend }: { item: MailpieceReturn; language: string; canResend: boolean; onResend: (target: ResendTarget) => void }) {
  const { t } = useTranslation();
  const recipient = r.mailpiece.recipient.address[0] ?? '—';
  const number = registeredNumber(r.mailpiece.tracking_number);
  return (
    <Table.Tr data-return={r.id}>
      <Table.Th scope="row" fw={500}>
        {formatDateTime(r.received_at, language)}
      </Table.Th>
      <Table.Td>
        <StatusBadge color={KIND_COLOR[r.kind]}>{t(KIND_LABEL[r.kind])}</StatusBadge>
      </Table.Td>
      <Table.Td>{r.kind === 'returned' ? reasonText(t, r.reason, true) : '—'}</Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/orders/${r.order.id}`} size="sm">
          {r.order.name}
        </Anchor>
      </Table.Td>
      <Table.Td>
        {recipient}
        {number && (
          <Text size="xs" c="dimmed" className={text.code}>
            {number}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <Anchor href={r.scan.url} target="_blank" rel="noopener" size="sm" aria-label={t('returns.client.scanOf', { recipient })}>
            {t('returns.client.scan')}
          </Anchor>
          {r.archive_item_id && (
            <Anchor component={Link} to={`/archive/${r.archive_item_id}`} size="sm">
              {t('returns.client.archived')}
            </Anchor>
          )}
        </Stack>
      </Table.Td>
      <Table.Td>
        {r.resent_by ? (
          <Anchor component={Link} to={`/orders/${r.resent_by}`} size="sm">
            {t('returns.client.resent')}
          </Anchor>
        ) : r.kind === 'returned' && r.mailpiece.status === 'returned' && canResend ? (
          <Button
            size="xs"
            variant="light"
            onClick={() => onResend({ mailpiece: r.mailpiece.id, address: r.mailpiece.recipient.address, country: r.mailpiece.recipient.country })}
            aria-label={t('returns.resend.actionFor', { recipient })}
          >
            {t('returns.resend.action')}
          </Button>
        ) : (
          '—'
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** The address book's flags: orders to these addresses warn until the alert is lifted. */
function FlagsSection() {
  const { t, i18n } = useTranslation();
  const flags = useAddressFlags();
  const clear = useClearFlag();
  const [clearing, setClearing] = useState<AddressFlag | null>(null);
  const list = flags.data ?? [];
  return (
    <Section title={t('returns.flags.title')} lead={t('returns.flags.lead')}>
      <ListTable
        state={flags}
        isEmpty={list.length === 0}
        empty={t('returns.flags.empty')}
        minWidth={720}
        caption={t('returns.flags.title')}
        columns={[{ label: t('returns.flags.columns.address') }, { label: t('returns.flags.columns.reason') }, { label: t('returns.flags.columns.flagged') }, { label: t('returns.flags.columns.action') }]}
      >
        {list.map((f) => (
          <Table.Tr key={f.id} data-flag={f.id}>
            <Table.Th scope="row" fw={400}>
              <p className={text.address}>{f.address.lines.join('\n')}</p>
            </Table.Th>
            <Table.Td>{reasonText(t, f.reason)}</Table.Td>
            <Table.Td>{formatDateTime(f.flagged_at, i18n.language)}</Table.Td>
            <Table.Td>
              <Button size="xs" variant="light" color="gray" onClick={() => setClearing(f)} aria-label={t('returns.flags.clearFor', { recipient: f.address.lines[0] ?? '' })}>
                {t('returns.flags.clear')}
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </ListTable>
      <ConfirmDialog
        opened={clearing !== null}
        title={t('returns.flags.confirmTitle')}
        confirmLabel={t('returns.flags.clear')}
        pending={clear.isPending}
        error={clear.error}
        onConfirm={() => clearing && clear.mutate(clearing.id, { onSuccess: () => setClearing(null) })}
        onClose={() => {
          setClearing(null);
          clear.reset();
        }}
      >
        <Stack gap="sm">
          <Text>{t('returns.flags.confirmBody')}</Text>
          {clearing && <p className={text.address}>{clearing.address.lines.join('\n')}</p>}
        </Stack>
      </ConfirmDialog>
    </Section>
  );
}
