import { Alert, Anchor, Button, FileButton, Group, Progress, SegmentedControl, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ListTable } from '../../components/ListTable';
import { LoadMore } from '../../components/LoadMore';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../lib/format';
import { useArchive, useArchiveOptions, useDeposit, type ArchiveFilter, type ArchiveItem } from './api';
import { RETENTIONS, statusColor } from './labels';

/**
 * /archive: the electronic deposit (any file, a retention of 1 to 30 years, a progress bar) and
 * the list of archived documents — deposits and the simple archive's files — searched by words
 * of their title, tags or text (`?q=`), filtered by kind of archive (`?tier=`).
 */
export function ArchivePage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tier = (['simple', 'electronic'] as const).find((x) => x === params.get('tier')) ?? 'all';
  const filter: ArchiveFilter = { query: params.get('q') ?? '', tier };
  const list = useArchive(filter);
  const options = useArchiveOptions();
  const [query, setQuery] = useState(filter.query);

  const search = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    if (query.trim()) next.set('q', query.trim());
    else next.delete('q');
    setParams(next, { replace: true });
  };

  return (
    <Page title={t('nav.archive')} lead={t('archive.lead')}>
      {options.data && !options.data.simple && !options.data.electronic && (
        <Alert color="gray" variant="light">
          {t('archive.notInContract')}
        </Alert>
      )}
      {options.data?.electronic && <DepositSection />}
      <Section title={t('archive.list.title')}>
        <Group component="form" role="search" onSubmit={search} align="flex-end" gap="sm">
          <TextInput label={t('archive.list.search')} value={query} onChange={(e) => setQuery(e.currentTarget.value)} placeholder={t('archive.list.searchHint')} style={{ flexGrow: 1 }} />
          <Button type="submit" variant="default">
            {t('archive.list.searchButton')}
          </Button>
        </Group>
        <SegmentedControl
          aria-label={t('archive.list.tierLabel')}
          value={tier}
          onChange={(value) => {
            const next = new URLSearchParams(params);
            if (value === 'all') next.delete('tier');
            else next.set('tier', value);
            setParams(next, { replace: true });
          }}
          data={(['all', 'electronic', 'simple'] as const).map((value) => ({ value, label: t(`archive.tier.${value}`) }))}
        />
        <ListTable
          state={list}
          isEmpty={list.items.length === 0}
          empty={filter.query ? t('archive.list.noMatch', { query: filter.query }) : t('archive.list.empty')}
          minWidth={760}
          caption={t('archive.list.title')}
          columns={[{ label: t('archive.columns.title') }, { label: t('archive.columns.tier') }, { label: t('archive.columns.deposited') }, { label: t('archive.columns.keptUntil') }, { label: t('archive.columns.status') }]}
        >
          {list.items.map((item) => (
            <Row key={item.id} item={item} language={i18n.language} />
          ))}
        </ListTable>
        <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} />
      </Section>
    </Page>
  );
}

function Row({ item, language }: { item: ArchiveItem; language: string }) {
  const { t } = useTranslation();
  return (
    <Table.Tr>
      <Table.Th scope="row" fw={500} style={{ overflowWrap: 'anywhere' }}>
        <Anchor component={Link} to={`/archive/${item.id}`}>
          {item.title}
        </Anchor>
        <Text size="xs" c="dimmed">
          {item.filename}
        </Text>
      </Table.Th>
      <Table.Td>{t(`archive.kind.${item.kind}`)}</Table.Td>
      <Table.Td>{formatDateTime(item.deposited_at, language)}</Table.Td>
      <Table.Td>{item.retain_until ? formatDateTime(item.retain_until, language) : t('archive.contractLong')}</Table.Td>
      <Table.Td>
        <StatusBadge color={statusColor(item)}>{t(item.legal_hold ? 'archive.status.held' : `archive.status.${item.status}`)}</StatusBadge>
      </Table.Td>
    </Table.Tr>
  );
}

function DepositSection() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const deposit = useDeposit();
  const [file, setFile] = useState<File | null>(null);
  const [years, setYears] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [tags, setTags] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [missing, setMissing] = useState(false);
  const resetRef = useRef<() => void>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file || !years) return setMissing(true);
    setMissing(false);
    setProgress(0);
    deposit.mutate(
      { deposit: { file, retentionYears: Number(years), title, tags }, onProgress: setProgress },
      {
        onSuccess: (item) => navigate(`/archive/${item.id}?deposited=1`),
        onSettled: () => setProgress(null),
      },
    );
  };

  const percent = Math.round((progress ?? 0) * 100);
  return (
    <Section title={t('archive.deposit.title')} lead={t('archive.deposit.lead')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Group gap="sm" align="center">
            <FileButton onChange={setFile} resetRef={resetRef}>
              {(props) => (
                <Button {...props} variant="light">
                  {t('archive.deposit.choose')}
                </Button>
              )}
            </FileButton>
            <Text size="sm" c={file ? undefined : 'dimmed'} aria-live="polite">
              {file ? t('archive.deposit.chosen', { name: file.name, size: Math.max(1, Math.round(file.size / 1024)) }) : t('archive.deposit.none')}
            </Text>
          </Group>
          <Select
            label={t('archive.deposit.retention')}
            description={t('archive.deposit.retentionHint')}
            placeholder={t('archive.deposit.retentionPlaceholder')}
            data={RETENTIONS.map((n) => ({ value: String(n), label: t('archive.years', { count: n }) }))}
            value={years}
            onChange={setYears}
            required
            error={missing && !years ? t('archive.deposit.retentionRequired') : undefined}
            allowDeselect={false}
          />
          <TextInput label={t('archive.deposit.titleLabel')} description={t('archive.deposit.titleHint')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={200} />
          <TextInput label={t('archive.deposit.tags')} description={t('archive.deposit.tagsHint')} value={tags} onChange={(e) => setTags(e.currentTarget.value)} />
          {missing && !file && (
            <Text c="red" size="sm" role="alert">
              {t('archive.deposit.fileRequired')}
            </Text>
          )}
          {progress !== null && (
            <Stack gap={4}>
              <Progress value={percent} animated={progress >= 1} aria-label={t('archive.deposit.progressLabel')} />
              <Text size="sm" c="dimmed" aria-live="polite">
                {progress < 1 ? t('archive.deposit.percent', { percent }) : t('archive.deposit.sealing')}
              </Text>
            </Stack>
          )}
          <ErrorAlert error={deposit.error} title={t('archive.deposit.refused')} />
          <Group>
            <Button type="submit" loading={deposit.isPending}>
              {t('archive.deposit.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
