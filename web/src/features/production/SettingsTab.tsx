import { DEFAULT_CHASE_SETTINGS } from '#domain/production/index.js';
import { Alert, Button, Group, NumberInput, Stack, Switch, Table, TagsInput, Text, TextInput, type NumberInputProps } from '@mantine/core';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ListTable } from '../../components/ListTable';
import { Loading } from '../../components/Loading';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { fieldError } from '../../lib/error-message';
import { useAddRange, useFloorSettings, useRegisteredRanges, useUpdateFloorSettings, useWithdrawRange, type FloorSettings, type RegisteredRange } from './api';
import { RANGE_STATUS } from './labels';
import text from '../../components/Text.module.css';
import classes from './Production.module.css';

/** The ranges' place on this tab, where a held batch's alert sends the administrator. */
export const RANGES_ANCHOR = 'registered-ranges';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** « 9:00 », « 9h », « 15h30 », « 1530 » → "09:00", "09:00", "15:30", "15:30"; null if it is not a time. */
function normaliseTime(text: string): string | null {
  const match = /^(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?$/.exec(text.trim()) ?? /^(\d{2})(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const time = `${match[1]!.padStart(2, '0')}:${match[2] ?? '00'}`;
  return HHMM.test(time) ? time : null;
}

/** A whole, positive count, required (every number of the floor's settings and ranges). */
function CountInput(props: NumberInputProps) {
  return <NumberInput allowDecimal={false} allowNegative={false} required {...props} />;
}

function SettingsForm({ settings }: { settings: FloorSettings }) {
  const { t } = useTranslation();
  const update = useUpdateFloorSettings();
  const [autoAccept, setAutoAccept] = useState(settings.auto_accept);
  const [maxMailpieces, setMaxMailpieces] = useState<number | string>(settings.batch.max_mailpieces);
  const [maxSheets, setMaxSheets] = useState<number | string>(settings.batch.max_sheets);
  const [cutoffs, setCutoffs] = useState<string[]>(settings.cutoffs);
  const [cutoffError, setCutoffError] = useState<string | null>(null);
  const [partSheets, setPartSheets] = useState<number | string>(settings.print_file_part_sheets);
  const [deliveryDays, setDeliveryDays] = useState<number | string>(settings.chase?.delivery_days ?? DEFAULT_CHASE_SETTINGS.deliveryDays);
  const [arDays, setArDays] = useState<number | string>(settings.chase?.ar_days ?? DEFAULT_CHASE_SETTINGS.arDays);
  const [saved, setSaved] = useState(false);
  const chaseHintId = useId();

  const changeCutoffs = (values: string[]) => {
    const read = values.map((v) => normaliseTime(v));
    const wrong = values.find((_, i) => read[i] === null);
    setCutoffError(wrong === undefined ? null : t('production.settings.cutoffInvalid', { value: wrong }));
    setCutoffs([...new Set(read.filter((v): v is string => v !== null))].sort());
    setSaved(false);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    update.mutate(
      {
        auto_accept: autoAccept,
        batch: { max_mailpieces: Number(maxMailpieces), max_sheets: Number(maxSheets) },
        cutoffs,
        print_file_part_sheets: Number(partSheets),
        chase: { delivery_days: Number(deliveryDays), ar_days: Number(arDays) },
      },
      { onSuccess: () => setSaved(true) },
    );
  };

  const touched = () => setSaved(false);
  /** A change to a field: kept, and the "saved" message goes. */
  const edited = (set: (v: number | string) => void) => (v: number | string) => {
    set(v);
    touched();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md" maw={560}>
        <Switch
          label={t('production.settings.autoAccept')}
          description={t('production.settings.autoAcceptHint')}
          checked={autoAccept}
          onChange={(e) => {
            setAutoAccept(e.currentTarget.checked);
            touched();
          }}
        />
        <Group grow align="flex-start">
          <CountInput
            label={t('production.settings.maxMailpieces')}
            min={1}
            max={100_000}
            value={maxMailpieces}
            onChange={edited(setMaxMailpieces)}
            error={fieldError(update.error, 'batch.max_mailpieces')}
          />
          <CountInput
            label={t('production.settings.maxSheets')}
            min={1}
            max={1_000_000}
            value={maxSheets}
            onChange={edited(setMaxSheets)}
            error={fieldError(update.error, 'batch.max_sheets')}
          />
        </Group>
        <TagsInput
          label={t('production.settings.cutoffs')}
          description={t('production.settings.cutoffsHint')}
          value={cutoffs}
          onChange={changeCutoffs}
          splitChars={[',', ' ', ';']}
          maxTags={24}
          clearable
          error={cutoffError ?? fieldError(update.error, 'cutoffs')}
        />
        <CountInput
          label={t('production.settings.partSheets')}
          description={t('production.settings.partSheetsHint')}
          min={50}
          max={100_000}
          value={partSheets}
          onChange={edited(setPartSheets)}
          error={fieldError(update.error, 'print_file_part_sheets')}
        />
        {/* The watchdog's delays, with one hint for both (a field's own description would name only it). */}
        <Stack gap="xs" role="group" aria-describedby={chaseHintId}>
          <CountInput
            label={t('production.settings.chaseDeliveryDays')}
            min={1}
            max={90}
            value={deliveryDays}
            onChange={edited(setDeliveryDays)}
            error={fieldError(update.error, 'chase.delivery_days')}
          />
          <CountInput
            label={t('production.settings.chaseArDays')}
            min={1}
            max={180}
            value={arDays}
            onChange={edited(setArDays)}
            error={fieldError(update.error, 'chase.ar_days')}
          />
          <Text size="xs" c="dimmed" id={chaseHintId}>
            {t('production.settings.chaseHint')}
          </Text>
        </Stack>
        <ErrorAlert error={update.error} shownFields={['batch.max_mailpieces', 'batch.max_sheets', 'cutoffs', 'print_file_part_sheets', 'chase.delivery_days', 'chase.ar_days']} />
        {saved && (
          <Alert color="green" variant="light" role="status">
            {t('production.settings.saved')}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={update.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AddRangeForm() {
  const { t } = useTranslation();
  const add = useAddRange();
  const [prefix, setPrefix] = useState('');
  const [first, setFirst] = useState<number | string>('');
  const [last, setLast] = useState<number | string>('');
  const [added, setAdded] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    add.mutate(
      { prefix: prefix.trim().toUpperCase(), first: Number(first), last: Number(last) },
      {
        onSuccess: (range) => {
          setAdded(t('production.ranges.added', { first: range.first, last: range.last, count: range.left }));
          setPrefix('');
          setFirst('');
          setLast('');
        },
      },
    );
  };
  const incomplete = prefix.trim() === '' || first === '' || last === '';
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Group align="flex-start" gap="sm">
          <TextInput
            label={t('production.ranges.prefix')}
            description={t('production.ranges.prefixHint')}
            required
            maxLength={2}
            w={140}
            classNames={{ input: text.code }}
            value={prefix}
            onChange={(e) => setPrefix(e.currentTarget.value.toUpperCase())}
            error={fieldError(add.error, 'prefix')}
          />
          <CountInput
            label={t('production.ranges.first')}
            min={0}
            max={9_999_999_999}
            w={200}
            value={first}
            onChange={setFirst}
            error={fieldError(add.error, 'first')}
          />
          <CountInput
            label={t('production.ranges.last')}
            min={0}
            max={9_999_999_999}
            w={200}
            value={last}
            onChange={setLast}
            error={fieldError(add.error, 'last')}
          />
        </Group>
        <ErrorAlert error={add.error} shownFields={['prefix', 'first', 'last']} />
        {added && (
          <Alert color="green" variant="light" role="status">
            {added}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={add.isPending} disabled={incomplete}>
            {t('production.ranges.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RangesSection() {
  const { t } = useTranslation();
  const ranges = useRegisteredRanges();
  const withdraw = useWithdrawRange();
  const [confirming, setConfirming] = useState<RegisteredRange | null>(null);
  const list = ranges.data ?? [];
  return (
    <Section title={t('production.ranges.title')} lead={t('production.ranges.lead')}>
      <ListTable
        state={ranges}
        isEmpty={list.length === 0}
        empty={t('production.ranges.empty')}
        minWidth={760}
        caption={t('production.ranges.caption')}
        columns={[
          { label: t('production.ranges.prefix') },
          { label: t('production.ranges.first') },
          { label: t('production.ranges.last') },
          { label: t('production.ranges.next') },
          { label: t('production.ranges.left'), className: classes.number },
          { label: t('production.ranges.state') },
          { label: t('production.intake.columns.actions') },
        ]}
      >
        {list.map((range) => {
          const status = RANGE_STATUS[range.status];
          const usable = range.status === 'ready' || range.status === 'active';
          return (
            <Table.Tr key={range.id}>
              <Table.Th scope="row" ff="monospace">
                {range.prefix}
              </Table.Th>
              <Table.Td ff="monospace">{range.first}</Table.Td>
              <Table.Td ff="monospace">{range.last}</Table.Td>
              <Table.Td ff="monospace">{range.next ?? '—'}</Table.Td>
              <Table.Td className={classes.number}>{range.left}</Table.Td>
              <Table.Td>
                <StatusBadge color={status.color}>{t(status.label)}</StatusBadge>
              </Table.Td>
              <Table.Td>
                {usable && (
                  <Button size="xs" variant="light" color="red" onClick={() => setConfirming(range)}>
                    {t('production.ranges.withdraw')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </ListTable>
      <AddRangeForm />
      <ConfirmDialog
        opened={confirming !== null}
        title={t('production.ranges.withdrawTitle', { first: confirming?.first ?? '', last: confirming?.last ?? '' })}
        confirmLabel={t('production.ranges.withdraw')}
        danger
        pending={withdraw.isPending}
        error={withdraw.error}
        onConfirm={() => confirming && withdraw.mutate(confirming.id, { onSuccess: () => setConfirming(null) })}
        onClose={() => {
          withdraw.reset();
          setConfirming(null);
        }}
      >
        {t('production.ranges.withdrawBody', { count: confirming?.left ?? 0 })}
      </ConfirmDialog>
    </Section>
  );
}

/** The provider administrator's settings of the floor, and the registered-number ranges La Poste allotted. */
export function SettingsTab() {
  const { t } = useTranslation();
  const settings = useFloorSettings();
  const { hash } = useLocation();
  const ranges = useRef<HTMLDivElement>(null);
  // Only once the settings form above is drawn: its arrival would push the ranges down again.
  useEffect(() => {
    if (hash === `#${RANGES_ANCHOR}` && !settings.isPending) ranges.current?.scrollIntoView({ block: 'start' });
  }, [hash, settings.isPending]);
  return (
    <Stack gap="lg">
      <Section title={t('production.settings.title')} lead={t('production.settings.lead')}>
        {settings.isPending ? (
          <Loading />
        ) : settings.isError ? (
          <ErrorAlert error={settings.error} />
        ) : (
          <SettingsForm settings={settings.data} />
        )}
      </Section>
      <div id={RANGES_ANCHOR} ref={ranges}>
        <RangesSection />
      </div>
    </Stack>
  );
}
