import { Anchor, Badge, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ListTable } from '../../components/ListTable';
import { LoadMore } from '../../components/LoadMore';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../lib/format';
import { useCurrentUser } from '../accounts/session';
import { MailpieceHistoryDrawer, type HistoryTarget } from '../returns/MailpieceHistoryDrawer';
import { usePeople } from '../users/api';
import {
  ELETTER_CLASSES,
  ELETTER_STATUSES,
  KINDS,
  MAIL_CLASSES,
  MIN_LENGTH,
  PAPER_CLASSES,
  PAPER_STATUSES,
  trackingExportUrl,
  useLiveTracking,
  useTrackedMailpieces,
  type TrackedMailpiece,
  type TrackingFilterName,
  type TrackingFilters,
} from './api';
import { classWords, kindWords, recipientWords, statusColor, statusWords } from './labels';
import text from '../../components/Text.module.css';

const ALL = 'all';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_LENGTH = { q: 100, recipient: 100, number: 40 } as const;
type TextFilter = keyof typeof MIN_LENGTH;
const TEXT_FILTERS: readonly TextFilter[] = ['q', 'recipient', 'number'];

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

function textOf(name: TextFilter, value: string | null): string | undefined {
  const v = value?.trim() ?? '';
  return v.length >= MIN_LENGTH[name] ? v.slice(0, MAX_LENGTH[name]) : undefined;
}

/** The filters of the URL, each checked as the API would (a wrong one is left out, never sent). */
function filtersOf(params: URLSearchParams): TrackingFilters {
  const kind = oneOf(KINDS, params.get('kind'));
  const statuses: readonly string[] = kind === 'paper' ? PAPER_STATUSES : kind === 'electronic' ? ELETTER_STATUSES : [...PAPER_STATUSES, ...ELETTER_STATUSES];
  const classes: readonly string[] = kind === 'paper' ? PAPER_CLASSES : kind === 'electronic' ? ELETTER_CLASSES : MAIL_CLASSES;
  const from = params.get('from');
  const to = params.get('to');
  const sender = params.get('sender');
  const filter: TrackingFilters = {
    q: textOf('q', params.get('q')),
    status: oneOf(statuses, params.get('status')),
    kind,
    mail_class: oneOf(MAIL_CLASSES, params.get('mail_class')),
    from: from && DAY.test(from) ? from : undefined,
    to: to && DAY.test(to) ? to : undefined,
    sender: sender && /^usr_[0-9a-z]{26}$/.test(sender) ? sender : undefined,
    recipient: textOf('recipient', params.get('recipient')),
    number: textOf('number', params.get('number')),
  };
  if (filter.mail_class && !classes.includes(filter.mail_class)) filter.mail_class = undefined;
  return filter;
}

/**
 * /tracking: every mailpiece the client may follow — the organisation's for an administrator,
 * the user's own orders' otherwise (the server decides) — newest first, 50 at a time, filtered
 * (`?q=&status=&kind=&mail_class=&from=&to=&sender=&recipient=&number=`), exported as CSV,
 * each with its timeline; read again as the live stream tells of their events.
 */
export function TrackingPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const isAdmin = me.role === 'client_admin';
  const [params, setParams] = useSearchParams();
  const filter = filtersOf(params);
  const list = useTrackedMailpieces(filter);
  const live = useLiveTracking(list.items);
  const [history, setHistory] = useState<HistoryTarget | null>(null);

  const set = (changes: Partial<Record<TrackingFilterName, string | null>>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next, { replace: true });
  };

  return (
    <Page
      title={t('nav.tracking')}
      lead={isAdmin ? t('tracking.leadAdmin', { organisation: me.organisation.name }) : t('tracking.leadUser')}
      actions={
        live.connected ? (
          <Badge variant="light" color="green">
            {t('tracking.live')}
          </Badge>
        ) : undefined
      }
    >
      <Section
        title={t('tracking.listTitle')}
        actions={
          <Button component="a" href={trackingExportUrl(filter)} download variant="default">
            {t('tracking.export')}
          </Button>
        }
      >
        <Filters filter={filter} isAdmin={isAdmin} organisationId={me.organisation.id} seen={list.items} onChange={set} />
        <ListTable
          state={list}
          isEmpty={list.items.length === 0}
          empty={Object.values(filter).some(Boolean) ? t('tracking.noMatch') : t('tracking.empty')}
          minWidth={isAdmin ? 1100 : 960}
          caption={t('tracking.listTitle')}
          columns={[
            { label: t('tracking.columns.sent') },
            { label: t('tracking.columns.order') },
            { label: t('tracking.columns.recipient') },
            { label: t('tracking.columns.kind') },
            { label: t('tracking.columns.number') },
            { label: t('tracking.columns.status') },
            ...(isAdmin ? [{ label: t('tracking.columns.sender') }] : []),
            { label: t('tracking.columns.history') },
          ]}
        >
          {list.items.map((m) => (
            <TrackingRow key={m.id} item={m} showSender={isAdmin} onHistory={setHistory} />
          ))}
        </ListTable>
        <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} />
      </Section>
      <MailpieceHistoryDrawer target={history} onClose={() => setHistory(null)} />
    </Page>
  );
}

function Filters({
  filter,
  isAdmin,
  organisationId,
  seen,
  onChange,
}: {
  filter: TrackingFilters;
  isAdmin: boolean;
  organisationId: string;
  seen: readonly TrackedMailpiece[];
  onChange: (changes: Partial<Record<TrackingFilterName, string | null>>) => void;
}) {
  const { t } = useTranslation();
  const statuses = filter.kind === 'paper' ? PAPER_STATUSES : filter.kind === 'electronic' ? ELETTER_STATUSES : null;
  const statusData = statuses
    ? statuses.map((s) => ({ value: s, label: statusWords(t, filter.kind ?? 'paper', s) }))
    : [
        { value: 'pending', label: statusWords(t, 'paper', 'pending') },
        { group: t('tracking.kind.paper'), items: PAPER_STATUSES.filter((s) => s !== 'pending').map((s) => ({ value: s, label: statusWords(t, 'paper', s) })) },
        { group: t('tracking.kind.electronic'), items: ELETTER_STATUSES.filter((s) => s !== 'pending').map((s) => ({ value: s, label: statusWords(t, 'electronic', s) })) },
      ];
  const classes = filter.kind === 'paper' ? PAPER_CLASSES : filter.kind === 'electronic' ? ELETTER_CLASSES : MAIL_CLASSES;
  const any = Object.values(filter).some(Boolean);

  return (
    <Stack gap="sm">
      {/* Remounted when the URL's words change (« Effacer les filtres »): the fields show them. */}
      <SearchForm key={`${filter.q ?? ''}|${filter.recipient ?? ''}|${filter.number ?? ''}`} filter={filter} onChange={onChange} />
      <Group gap="md" align="flex-end">
        <Select
          label={t('tracking.filters.kind')}
          value={filter.kind ?? ALL}
          onChange={(value) => {
            const kind = value === ALL ? null : value;
            const keepStatus = !kind || !filter.status || (kind === 'paper' ? PAPER_STATUSES : ELETTER_STATUSES).some((s) => s === filter.status);
            const keepClass = !kind || !filter.mail_class || (kind === 'paper' ? PAPER_CLASSES : ELETTER_CLASSES).some((c) => c === filter.mail_class);
            onChange({ kind, ...(keepStatus ? {} : { status: null }), ...(keepClass ? {} : { mail_class: null }) });
          }}
          allowDeselect={false}
          data={[{ value: ALL, label: t('tracking.filters.allKinds') }, ...KINDS.map((k) => ({ value: k, label: kindWords(t, k) }))]}
          w={180}
        />
        <Select<string>
          label={t('tracking.filters.status')}
          value={filter.status ?? ALL}
          onChange={(value) => onChange({ status: value === ALL ? null : value })}
          allowDeselect={false}
          data={[{ value: ALL, label: t('tracking.filters.allStatuses') }, ...statusData]}
          w={240}
        />
        <Select
          label={t('tracking.filters.class')}
          value={filter.mail_class ?? ALL}
          onChange={(value) => onChange({ mail_class: value === ALL ? null : value })}
          allowDeselect={false}
          data={[{ value: ALL, label: t('tracking.filters.allClasses') }, ...classes.map((c) => ({ value: c, label: classWords(t, c) }))]}
          w={200}
        />
        <TextInput type="date" label={t('tracking.filters.from')} value={filter.from ?? ''} max={filter.to} onChange={(e) => onChange({ from: e.currentTarget.value || null })} w={170} />
        <TextInput type="date" label={t('tracking.filters.to')} value={filter.to ?? ''} min={filter.from} onChange={(e) => onChange({ to: e.currentTarget.value || null })} w={170} />
        {isAdmin && <SenderSelect organisationId={organisationId} seen={seen} value={filter.sender ?? null} onChange={(sender) => onChange({ sender })} />}
        {any && (
          <Button
            variant="subtle"
            onClick={() => onChange({ q: null, status: null, kind: null, mail_class: null, from: null, to: null, sender: null, recipient: null, number: null })}
          >
            {t('tracking.filters.clear')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** The words to look for: the search, the recipient and the number, applied together. */
function SearchForm({ filter, onChange }: { filter: TrackingFilters; onChange: (changes: Partial<Record<TrackingFilterName, string | null>>) => void }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState<Record<TextFilter, string>>({ q: filter.q ?? '', recipient: filter.recipient ?? '', number: filter.number ?? '' });
  const [errors, setErrors] = useState<Partial<Record<TextFilter, string>>>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<TextFilter, string>> = {};
    for (const name of TEXT_FILTERS) {
      const v = typed[name].trim();
      if (v !== '' && v.length < MIN_LENGTH[name]) found[name] = t('tracking.filters.tooShort', { count: MIN_LENGTH[name] });
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    onChange({ q: typed.q.trim() || null, recipient: typed.recipient.trim() || null, number: typed.number.trim() || null });
  };

  const input = (name: TextFilter, label: string, grow: boolean, placeholder?: string) => (
    <TextInput
      label={label}
      placeholder={placeholder}
      value={typed[name]}
      maxLength={MAX_LENGTH[name]}
      error={errors[name]}
      onChange={(e) => {
        const value = e.currentTarget.value;
        setTyped((current) => ({ ...current, [name]: value }));
      }}
      style={grow ? { flexGrow: 1 } : undefined}
      w={grow ? undefined : 220}
    />
  );

  return (
    <Group component="form" role="search" aria-label={t('tracking.filters.form')} onSubmit={submit} gap="md" align="flex-start">
      {input('q', t('tracking.filters.search'), true, t('tracking.filters.searchHint'))}
      {input('recipient', t('tracking.filters.recipient'), false)}
      {input('number', t('tracking.filters.number'), false)}
      <Button type="submit" mt={25}>
        {t('tracking.filters.apply')}
      </Button>
    </Group>
  );
}

/** An administrator's people (and whoever sent a listed mailpiece), to narrow the list to one sender. */
function SenderSelect({ organisationId, seen, value, onChange }: { organisationId: string; seen: readonly TrackedMailpiece[]; value: string | null; onChange: (sender: string | null) => void }) {
  const { t } = useTranslation();
  const people = usePeople(organisationId);
  const names = new Map<string, string>();
  for (const p of people.items) names.set(p.id, p.name);
  for (const m of seen) if (!names.has(m.sender.id)) names.set(m.sender.id, m.sender.name);
  const options = [...names].map(([id, name]) => ({ value: id, label: name })).sort((a, b) => a.label.localeCompare(b.label));
  if (value && !names.has(value)) options.push({ value, label: value });
  return (
    <Select
      label={t('tracking.filters.sender')}
      value={value ?? ALL}
      onChange={(v) => onChange(v === ALL ? null : v)}
      allowDeselect={false}
      searchable
      data={[{ value: ALL, label: t('tracking.filters.allSenders') }, ...options]}
      w={220}
    />
  );
}

function TrackingRow({ item: m, showSender, onHistory }: { item: TrackedMailpiece; showSender: boolean; onHistory: (target: HistoryTarget) => void }) {
  const { t, i18n } = useTranslation();
  const recipient = recipientWords(m);
  const more = m.kind === 'electronic' ? m.recipient.email : (m.recipient.address.at(-1) ?? null);
  return (
    <Table.Tr data-mailpiece={m.id}>
      <Table.Td>{m.order.submitted_at ? formatDateTime(m.order.submitted_at, i18n.language) : '—'}</Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/orders/${encodeURIComponent(m.order.id)}`} size="sm">
          {m.order.name}
        </Anchor>
      </Table.Td>
      <Table.Th scope="row" fw={500}>
        {recipient}
        {more && more !== recipient && (
          <Text size="xs" c="dimmed">
            {more}
          </Text>
        )}
      </Table.Th>
      <Table.Td>
        {kindWords(t, m.kind)}
        <Text size="xs" c="dimmed">
          {classWords(t, m.mail_class)}
        </Text>
      </Table.Td>
      <Table.Td>{m.number ? <span className={text.code}>{m.number}</span> : '—'}</Table.Td>
      <Table.Td>
        <StatusBadge color={statusColor(m.kind, m.status)}>{statusWords(t, m.kind, m.status)}</StatusBadge>
      </Table.Td>
      {showSender && <Table.Td>{m.sender.name}</Table.Td>}
      <Table.Td>
        <Button size="xs" variant="default" onClick={() => onHistory({ id: m.id, orderId: m.order.id, recipient })} aria-label={t('returns.history.openFor', { recipient })}>
          {t('returns.history.open')}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}
