import { Alert, Anchor, Button, Code, Group, Image, Select, SimpleGrid, Stack, Table, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { describeCheck, verifyBundle, type Verification } from '#verifier/verify.js';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ListTable } from '../../components/ListTable';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../lib/format';
import { useCurrentUser } from '../accounts/session';
import {
  fetchForVerification,
  itemPath,
  useApproveDestruction,
  useArchiveEvents,
  useArchiveItem,
  useExtendRetention,
  useProposeDestruction,
  useReleaseLegalHold,
  useReuse,
  useSetLegalHold,
  type ArchiveItem,
} from './api';
import { RETENTIONS, statusColor } from './labels';

/**
 * /archive/:id: one archived document — what proves it (hashes, time-stamp), its consultation,
 * download, proof bundle and certificates, a check of its proof right here ("verified ✓ at …"),
 * its audit trail, and the acts on its retention: extension, legal hold (administrators) and the
 * two-step destruction.
 */
export function ArchiveItemPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const item = useArchiveItem(id);
  if (item.isPending) return <Loading />;
  if (item.isError) return <ErrorAlert error={item.error} />;
  const a = item.data;
  const at = (s: string | null) => (s ? formatDateTime(s, i18n.language) : '—');
  return (
    <Page
      title={a.title}
      lead={
        <Group gap="xs" component="span">
          <StatusBadge color={statusColor(a)}>{t(a.legal_hold ? 'archive.status.held' : `archive.status.${a.status}`)}</StatusBadge>
          <span>{t(`archive.kind.${a.kind}`)}</span>
        </Group>
      }
      actions={
        <Anchor component={Link} to="/archive">
          {t('archive.back')}
        </Anchor>
      }
    >
      {params.get('deposited') && a.status === 'kept' && (
        <Alert color="green" variant="light" role="status">
          {t('archive.item.justDeposited', { date: at(a.timestamped_at ?? a.deposited_at) })}
        </Alert>
      )}
      {a.status !== 'destroyed' && PREVIEWABLE.includes(a.content_type) && (
        <Section title={t('archive.item.previewTitle')}>
          <Image src={`${itemPath(a.id)}/preview`} alt={t('archive.item.previewAlt', { title: a.title })} maw={420} fit="contain" bd="1px solid var(--mantine-color-gray-3)" />
        </Section>
      )}
      <Section title={t('archive.item.proofTitle')}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Fact label={t('archive.item.file')} value={`${a.filename} — ${t('archive.item.bytes', { count: a.size_bytes, size: a.size_bytes.toLocaleString(i18n.language === 'en' ? 'en-GB' : 'fr-FR') })}`} />
          <Fact label={t('archive.item.deposited')} value={at(a.deposited_at)} />
          <Fact label={t('archive.item.timestamped')} value={a.timestamped_at ? at(a.timestamped_at) : t('archive.item.noTimestamp')} />
          <Fact label={t('archive.item.keptUntil')} value={a.retain_until ? `${at(a.retain_until)} (${t('archive.years', { count: a.retention_years ?? 0 })})` : t('archive.contractLong')} />
        </SimpleGrid>
        <Stack gap={2}>
          <Text size="sm" fw={600}>SHA-256</Text>
          <Code>{a.sha256}</Code>
          <Text size="sm" fw={600}>SHA3-256</Text>
          <Code>{a.sha3_256}</Code>
        </Stack>
        {a.status !== 'destroyed' && (
          <Group gap="sm">
            <Button component="a" href={`${itemPath(a.id)}/content?disposition=inline`} target="_blank" rel="noopener" variant="light">
              {t('archive.item.consult')}
            </Button>
            <Button component="a" href={`${itemPath(a.id)}/content`} variant="default">
              {t('archive.item.download')}
            </Button>
            <Button component="a" href={`${itemPath(a.id)}/proof`} variant="default">
              {t('archive.item.proof')}
            </Button>
            {a.tier === 'electronic' && (
              <Button component="a" href={`${itemPath(a.id)}/certificate`} variant="default">
                {t('archive.item.certificate')}
              </Button>
            )}
          </Group>
        )}
        {a.status === 'destroyed' && (
          <Group gap="sm">
            <Button component="a" href={`${itemPath(a.id)}/destruction-certificate`} variant="default">
              {t('archive.item.destructionCertificate')}
            </Button>
          </Group>
        )}
        {a.status !== 'destroyed' && a.content_type === 'application/pdf' && <ReuseButton item={a} />}
        {a.status !== 'destroyed' && <VerifyHere item={a} />}
      </Section>
      {a.tier === 'electronic' && <RetentionSection item={a} />}
      <AuditTrail id={a.id} />
    </Page>
  );
}

/** What the server pictures: page 1 of a PDF, or an image. */
const PREVIEWABLE = ['application/pdf', 'image/png', 'image/jpeg'];

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </div>
  );
}

/** Reuse (M-6.b): the archived PDF starts a new letter in the order wizard. */
function ReuseButton({ item }: { item: ArchiveItem }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const reuse = useReuse();
  return (
    <Stack gap="xs">
      <Group>
        <Button
          variant="light"
          loading={reuse.isPending}
          onClick={() => reuse.mutate({ id: item.id }, { onSuccess: ({ document_id }) => navigate(`/orders/new?${new URLSearchParams({ letter: document_id, name: item.title })}`) })}
        >
          {t('archive.item.reuse')}
        </Button>
      </Group>
      <ErrorAlert error={reuse.error} title={t('archive.item.reuseRefused')} />
    </Stack>
  );
}

/** The proof checked in this browser, with the offline verifier's own code. */
function VerifyHere({ item }: { item: ArchiveItem }) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<{ running: boolean; result?: Verification; at?: Date; error?: unknown }>({ running: false });
  const lang = i18n.language === 'en' ? 'en' : 'fr';
  const run = async () => {
    setState({ running: true });
    try {
      const { file, bundle } = await fetchForVerification(item.id);
      setState({ running: false, result: await verifyBundle(file, bundle), at: new Date() });
    } catch (error) {
      setState({ running: false, error });
    }
  };
  return (
    <Stack gap="xs">
      <Group gap="sm">
        <Button variant="light" color="teal" onClick={() => void run()} loading={state.running}>
          {t('archive.verify.button')}
        </Button>
        <Anchor href="/verify/" target="_blank" rel="noopener" size="sm">
          {t('archive.verify.offline')}
        </Anchor>
      </Group>
      {state.error !== undefined && <Alert color="red" variant="light" role="alert">{t('archive.verify.failedToRead')}</Alert>}
      {state.result && (
        <Alert color={state.result.ok ? 'green' : 'red'} variant="light" role="status" title={state.result.ok ? t('archive.verify.ok', { at: formatDateTime(state.at!.toISOString(), i18n.language) }) : t('archive.verify.ko')}>
          <Stack gap={2}>
            {state.result.checks.map((c) => (
              <Text size="sm" key={c.id}>
                {c.ok ? '✓' : '✗'} {describeCheck(c, lang)}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}

function RetentionSection({ item }: { item: ArchiveItem }) {
  const { t, i18n } = useTranslation();
  const me = useCurrentUser();
  const isAdmin = me.role === 'client_admin';
  const extend = useExtendRetention();
  const hold = useSetLegalHold();
  const release = useReleaseLegalHold();
  const propose = useProposeDestruction();
  const approve = useApproveDestruction();
  const [years, setYears] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState<'propose' | 'approve' | null>(null);
  const longer = RETENTIONS.filter((n) => n > (item.retention_years ?? 0));
  if (item.status === 'destroyed') {
    return (
      <Section title={t('archive.retention.title')}>
        <Text>{t('archive.retention.destroyed', { date: formatDateTime(item.destruction!.destroyed_at!, i18n.language) })}</Text>
      </Section>
    );
  }
  return (
    <Section title={t('archive.retention.title')} lead={t('archive.retention.lead')}>
      {longer.length > 0 && (
        <Group align="flex-end" gap="sm">
          <Select label={t('archive.retention.extendLabel')} data={longer.map((n) => ({ value: String(n), label: t('archive.years', { count: n }) }))} value={years} onChange={setYears} placeholder={t('archive.deposit.retentionPlaceholder')} />
          <Button variant="default" disabled={!years} loading={extend.isPending} onClick={() => years && extend.mutate({ id: item.id, years: Number(years) }, { onSuccess: () => setYears(null) })}>
            {t('archive.retention.extend')}
          </Button>
        </Group>
      )}
      <ErrorAlert error={extend.error} />
      {item.legal_hold ? (
        <Alert color="orange" variant="light" title={t('archive.hold.on', { date: formatDateTime(item.legal_hold.since, i18n.language) })}>
          <Text size="sm">{item.legal_hold.reason}</Text>
          {isAdmin && (
            <Button mt="sm" size="xs" variant="default" loading={release.isPending} onClick={() => release.mutate({ id: item.id })}>
              {t('archive.hold.release')}
            </Button>
          )}
        </Alert>
      ) : (
        isAdmin && (
          <Group align="flex-end" gap="sm">
            <Textarea label={t('archive.hold.reason')} description={t('archive.hold.hint')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={1} style={{ flexGrow: 1 }} />
            <Button variant="default" color="orange" disabled={reason.trim().length < 3} loading={hold.isPending} onClick={() => hold.mutate({ id: item.id, reason: reason.trim() }, { onSuccess: () => setReason('') })}>
              {t('archive.hold.set')}
            </Button>
          </Group>
        )
      )}
      <ErrorAlert error={hold.error ?? release.error} />
      {item.status === 'destruction_proposed' && item.destruction && (
        <Alert color="yellow" variant="light" title={t('archive.destruction.proposed', { date: formatDateTime(item.destruction.proposed_at, i18n.language) })}>
          {t('archive.destruction.approvableFrom', { date: formatDateTime(item.destruction.approvable_from, i18n.language) })}
        </Alert>
      )}
      <Group gap="sm">
        {item.status === 'kept' && (
          <Button variant="default" color="red" onClick={() => setConfirming('propose')}>
            {t('archive.destruction.delete')}
          </Button>
        )}
        {item.status === 'destruction_proposed' && isAdmin && (
          <Button color="red" onClick={() => setConfirming('approve')}>
            {t('archive.destruction.approve')}
          </Button>
        )}
      </Group>
      <ConfirmDialog
        opened={confirming !== null}
        title={t(confirming === 'approve' ? 'archive.destruction.approveTitle' : 'archive.destruction.deleteTitle')}
        confirmLabel={t(confirming === 'approve' ? 'archive.destruction.approve' : 'archive.destruction.delete')}
        danger
        pending={propose.isPending || approve.isPending}
        error={propose.error ?? approve.error}
        onConfirm={() => {
          const act = confirming === 'approve' ? approve : propose;
          act.mutate({ id: item.id }, { onSuccess: () => setConfirming(null) });
        }}
        onClose={() => {
          propose.reset();
          approve.reset();
          setConfirming(null);
        }}
      >
        {t(confirming === 'approve' ? 'archive.destruction.approveBody' : 'archive.destruction.deleteBody')}
      </ConfirmDialog>
    </Section>
  );
}

function AuditTrail({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const events = useArchiveEvents(id);
  const list = events.data ?? [];
  return (
    <Section title={t('archive.trail.title')} lead={t('archive.trail.lead')}>
      <ListTable state={events} isEmpty={list.length === 0} empty="—" minWidth={560} caption={t('archive.trail.title')} columns={[{ label: t('archive.trail.when') }, { label: t('archive.trail.what') }, { label: t('archive.trail.seq') }]}>
        {list.map((e) => (
          <Table.Tr key={e.seq}>
            <Table.Td>{formatDateTime(e.at, i18n.language)}</Table.Td>
            <Table.Td>{t(`archive.events.${e.kind.replace('archive.', '')}`, { defaultValue: e.kind })}</Table.Td>
            <Table.Td>{e.seq}</Table.Td>
          </Table.Tr>
        ))}
      </ListTable>
    </Section>
  );
}
