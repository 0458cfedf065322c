import { Alert, Button, FileButton, Group, Image, Kbd, Paper, Progress, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { DropZone } from '../../components/DropZone';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ScanCodeField } from '../../components/ScanCodeField';
import { ScanAnswer, ScanLog, useScanLog, type ScanLogEntry, type ScanLogLines } from '../../components/ScanLog';
import { formatDateTime } from '../../lib/format';
import { typesText } from '../../lib/keyboard';
import { mailpieceStatus } from '../orders/labels';
import { refusalMessage } from '../orders/ProblemAlert';
import { beepOk, beepRefused, wakeAudio } from '../production/beep';
import {
  MAX_SCAN_BYTES,
  RETURN_REASONS,
  SCAN_ACCEPT,
  SCAN_TYPES,
  useDeskLookup,
  useDeskSearch,
  useRecordReturn,
  type DeskMailpiece,
  type MailpieceReturn,
  type ReturnKind,
  type ReturnReason,
} from './api';
import { KIND_LABEL, REASON_LABEL, reasonText, registeredNumber } from './labels';
import text from '../../components/Text.module.css';
import classes from './Returns.module.css';

/** The desk's envelope in hand and its log, kept by the page: they stay while the other tab is looked at. */
export interface DeskSession {
  mailpiece: DeskMailpiece | null;
  kind: ReturnKind | null;
  reason: ReturnReason | null;
  file: File | null;
  log: ScanLogLines<ScanLogEntry>;
  setMailpiece: (mailpiece: DeskMailpiece | null) => void;
  setKind: (kind: ReturnKind | null) => void;
  setReason: (reason: ReturnReason | null) => void;
  setFile: (file: File | null) => void;
}

export function useDeskSession(): DeskSession {
  const [mailpiece, setMailpieceState] = useState<DeskMailpiece | null>(null);
  const [kind, setKind] = useState<ReturnKind | null>(null);
  const [reason, setReason] = useState<ReturnReason | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const log = useScanLog<ScanLogEntry>();
  // Another envelope: what came back is chosen again (a letter sent without AR can only come back).
  const setMailpiece = useCallback((next: DeskMailpiece | null) => {
    setMailpieceState(next);
    setKind(next && !next.acknowledgement ? 'returned' : null);
    setReason(null);
  }, []);
  return { mailpiece, kind, reason, file, log, setMailpiece, setKind, setReason, setFile };
}

/**
 * A barcode scanner types a whole code in a few milliseconds; a person does not. A shortcut key
 * followed this fast by another key was the start of a scanned code.
 */
const SCANNER_GAP_MS = 50;

/** Keys 1–3 choose the reason of a returned letter, 4 an AR card. */
const KEY_REASON: Record<string, ReturnReason> = { '1': 'address_error', '2': 'not_claimed', '3': 'refused' };

/** How the desk names an envelope: its registered number, else its recipient. */
function envelopeName(m: Pick<DeskMailpiece, 'tracking_number' | 'recipient' | 'id'>): string {
  return registeredNumber(m.tracking_number) ?? m.recipient.address[0] ?? m.id;
}

function isScanType(file: File): boolean {
  if ((SCAN_TYPES as readonly string[]).includes(file.type)) return true;
  return file.type === '' && /\.(pdf|png|jpe?g)$/i.test(file.name);
}

function kilobytes(bytes: number): number {
  return Math.max(1, Math.round(bytes / 1024));
}

/** The envelope in hand, as the desk found it: order, client, recipient, number, status, AR. */
function MailpieceCard({ mailpiece: m }: { mailpiece: DeskMailpiece }) {
  const { t, i18n } = useTranslation();
  const at = (s: string | null) => (s ? formatDateTime(s, i18n.language) : '—');
  const number = registeredNumber(m.tracking_number);
  const rows: Array<[string, ReactNode]> = [
    [t('returns.card.order'), m.order.name],
    [t('returns.card.client'), m.organisation.name],
    [t('returns.card.number'), number ? <span className={text.code}>{number}</span> : t('returns.card.notRegistered')],
    [t('returns.card.status'), mailpieceStatus(t, m.status)],
    [t('returns.card.ar'), m.acknowledgement ? t('returns.card.withAr') : t('returns.card.withoutAr')],
    [t('returns.card.deposited'), at(m.deposited_at)],
  ];
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="desk-card-title" data-testid="desk-mailpiece">
      <Stack gap="md">
        <Title order={2} size="h3" id="desk-card-title">
          {t('returns.card.title', { what: envelopeName(m) })}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          <div>
            <Text size="sm" c="dimmed">
              {t('returns.card.recipient')}
            </Text>
            <p className={text.address}>{m.recipient.address.join('\n')}</p>
            {m.recipient.country !== 'FR' && <Text size="sm">{m.recipient.country}</Text>}
          </div>
          <SimpleGrid component="dl" cols={2} spacing="xs" verticalSpacing={4} m={0}>
            {rows.map(([term, value]) => (
              <div key={term}>
                <Text component="dt" size="sm" c="dimmed">
                  {term}
                </Text>
                <Text component="dd" m={0} fw={500} style={{ overflowWrap: 'anywhere' }}>
                  {value}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        </SimpleGrid>
        {m.returned && (
          <Alert color="orange" variant="light">
            {t('returns.card.alreadyReturned', { date: at(m.returned.received_at), reason: reasonText(t, m.returned.reason) })}
          </Alert>
        )}
        {m.ar_received_at && (
          <Alert color="orange" variant="light">
            {t('returns.card.alreadyAr', { date: at(m.ar_received_at) })}
          </Alert>
        )}
        {!m.deposited_at && (
          <Alert color="orange" variant="light">
            {t('returns.card.notDeposited')}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

/** The scan of the envelope or the card: chosen or dropped, an image seen before it is sent. */
function ScanPicker({
  file,
  onFile,
  buttonRef,
  disabled,
  error,
}: {
  file: File | null;
  onFile: (file: File | null) => void;
  buttonRef: RefObject<HTMLButtonElement | null>;
  disabled: boolean;
  error: string | null;
}) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<string | null>(null);
  const resetRef = useRef<() => void>(null);

  // An image is shown before it is sent. Read as a data: URL (the page's CSP allows data: images, not blob:).
  useEffect(() => {
    setPreview(null);
    if (!file || !file.type.startsWith('image/')) return;
    const reader = new FileReader();
    let live = true;
    reader.onload = () => {
      if (live && typeof reader.result === 'string') setPreview(reader.result);
    };
    reader.readAsDataURL(file);
    return () => {
      live = false;
      reader.abort();
    };
  }, [file]);

  return (
    <DropZone label={t('returns.desk.scan')} hint={t('returns.desk.scanHint')} onFile={onFile} disabled={disabled}>
      <Group gap="sm">
        <FileButton
          onChange={(chosen) => {
            resetRef.current?.();
            onFile(chosen);
          }}
          accept={SCAN_ACCEPT}
          resetRef={resetRef}
          disabled={disabled}
        >
          {(props) => (
            <Button {...props} ref={buttonRef} variant="light" size="md">
              {t('returns.desk.chooseScan')}
            </Button>
          )}
        </FileButton>
        <Text size="sm" c={file ? undefined : 'dimmed'} aria-live="polite">
          {file ? t('returns.desk.chosen', { name: file.name, size: kilobytes(file.size) }) : t('returns.desk.noScan')}
        </Text>
      </Group>
      {error && (
        <Text c="red" size="sm" role="alert">
          {error}
        </Text>
      )}
      {preview && <Image src={preview} alt={t('returns.desk.previewAlt', { name: file?.name ?? '' })} className={classes.preview} fit="contain" w="auto" />}
    </DropZone>
  );
}

/** A required choice of the desk (what came back, why): its label, the buttons, what is missing. */
function DeskChoice<T extends string>({
  id,
  label,
  value,
  onChange,
  data,
  color,
  disabled,
  error,
}: {
  id: string;
  label: string;
  value: T | null;
  onChange: (value: T) => void;
  data: Array<{ value: T; label: string }>;
  color?: string;
  disabled: boolean;
  error: string | null;
}) {
  return (
    <Stack gap="xs">
      <Text id={id} fw={500}>
        {label}
      </Text>
      <SegmentedControl aria-labelledby={id} fullWidth size="lg" color={color} value={value ?? ''} onChange={(chosen) => onChange(chosen as T)} disabled={disabled} data={data} />
      {error && (
        <Text c="red" size="sm" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

/** When the code cannot be read: deposited letters by recipient, number, order or client, to pick one. */
function DeskSearch({ onPick }: { onPick: (mailpiece: DeskMailpiece) => void }) {
  const { t, i18n } = useTranslation();
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const search = useDeskSearch(query);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = typed.trim();
    setTooShort(q.length < 2);
    if (q.length >= 2) setQuery(q);
  };

  const found = search.data ?? [];
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="desk-search-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="desk-search-title">
          {t('returns.search.title')}
        </Title>
        <Group component="form" role="search" onSubmit={submit} align="flex-end" gap="sm">
          <TextInput
            label={t('returns.search.label')}
            description={t('returns.search.hint')}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            error={tooShort ? t('returns.search.tooShort') : undefined}
            autoComplete="off"
            style={{ flexGrow: 1 }}
            maxLength={100}
          />
          <Button type="submit" variant="default" loading={search.isFetching}>
            {t('returns.search.submit')}
          </Button>
        </Group>
        {query.length >= 2 && search.isError && <ErrorAlert error={search.error} />}
        {query.length >= 2 && search.isSuccess && found.length === 0 && <Text c="dimmed">{t('returns.search.none', { query })}</Text>}
        {found.length > 0 && (
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover>
              <Table.Caption>{t('returns.search.caption', { query })}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('returns.card.recipient')}</Table.Th>
                  <Table.Th scope="col">{t('returns.card.order')}</Table.Th>
                  <Table.Th scope="col">{t('returns.card.client')}</Table.Th>
                  <Table.Th scope="col">{t('returns.card.number')}</Table.Th>
                  <Table.Th scope="col">{t('returns.card.status')}</Table.Th>
                  <Table.Th scope="col">{t('returns.card.deposited')}</Table.Th>
                  <Table.Th scope="col">
                    <VisuallyHidden>{t('returns.search.pick')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {found.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Th scope="row" fw={500}>
                      {m.recipient.address[0] ?? '—'}
                    </Table.Th>
                    <Table.Td>{m.order.name}</Table.Td>
                    <Table.Td>{m.organisation.name}</Table.Td>
                    <Table.Td className={text.code}>{registeredNumber(m.tracking_number) ?? '—'}</Table.Td>
                    <Table.Td>{mailpieceStatus(t, m.status)}</Table.Td>
                    <Table.Td>{m.deposited_at ? formatDateTime(m.deposited_at, i18n.language) : '—'}</Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="light" onClick={() => onPick(m)} aria-label={t('returns.search.pickOne', { recipient: m.recipient.address[0] ?? m.id, order: m.order.name })}>
                        {t('returns.search.pick')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

/**
 * The returns desk: one field the hand scanner types the envelope's code into (Enter), the
 * envelope's card, what came back (keys 1–3 for a returned letter's reason, 4 for an AR card),
 * its scan, and « Enregistrer le retour ». Each answer is heard and written in the log; the
 * field is ready for the next envelope. A code that cannot be read: the search below.
 */
export function ReturnsDesk({ session }: { session: DeskSession }) {
  const { t } = useTranslation();
  const lookup = useDeskLookup();
  const record = useRecordReturn();
  const { mailpiece, kind, reason, file, log, setMailpiece, setKind, setReason, setFile } = session;
  const [code, setCode] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [missing, setMissing] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const choiceRef = useRef<HTMLDivElement>(null);
  const fileButtonRef = useRef<HTMLButtonElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);
  const busy = record.isPending;
  const resetRecord = record.reset;

  const focusCode = useCallback(() => codeRef.current?.focus(), []);
  // Opened on an envelope already in hand (taken from the chase list): what came back is next.
  const opensOnEnvelope = useRef(mailpiece !== null);
  useEffect(() => {
    // After the layout has focused the page's main region (its own effect runs after ours).
    const timer = setTimeout(() => {
      if (opensOnEnvelope.current) choiceRef.current?.focus();
      else focusCode();
    }, 0);
    return () => clearTimeout(timer);
  }, [focusCode]);

  const note = (line: Omit<ScanLogEntry, 'id' | 'at'>) => log.add({ ...line, at: new Date() });

  const clear = useCallback(() => {
    setMailpiece(null);
    setFile(null);
    setMissing(false);
    setFileError(null);
    resetRecord();
    focusCode();
  }, [setMailpiece, setFile, resetRecord, focusCode]);

  /** A mailpiece found (scanned or picked): what came back is chosen next. */
  const choiceNext = useRef(false);
  const take = useCallback(
    (found: DeskMailpiece) => {
      choiceNext.current = true;
      setMailpiece(found);
      setMissing(false);
      resetRecord();
    },
    [setMailpiece, resetRecord],
  );
  // Once the choice is on screen.
  useEffect(() => {
    if (!choiceNext.current || !mailpiece) return;
    choiceNext.current = false;
    choiceRef.current?.focus();
  }, [mailpiece]);

  const chooseFile = (chosen: File | null) => {
    setFileError(null);
    if (!chosen) return;
    if (!isScanType(chosen)) {
      setFile(null);
      setFileError(t('returns.desk.fileType', { name: chosen.name }));
      return;
    }
    if (chosen.size > MAX_SCAN_BYTES) {
      setFile(null);
      setFileError(t('returns.desk.fileTooLarge', { name: chosen.name }));
      return;
    }
    if (chosen.size === 0) {
      setFile(null);
      setFileError(t('returns.desk.fileEmpty', { name: chosen.name }));
      return;
    }
    setFile(chosen);
    // The next step: recording it.
    setTimeout(() => submitRef.current?.focus(), 0);
  };

  // Keys 1–4 anywhere on the desk (but in a text field) choose what came back; Escape puts the
  // envelope aside. Anything else typed outside a text field is the start of the next code (the
  // hand scanner types into whatever has the focus): it goes to the scan field. A shortcut followed
  // this fast by another key was the scanner too: undone, and both characters go to the field.
  const lastShortcut = useRef<{ key: string; at: number; kind: ReturnKind | null; reason: ReturnReason | null } | null>(null);
  useEffect(() => {
    const toCodeField = (typed: string) => {
      setCode(typed);
      focusCode();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || busy) return;
      if (event.target instanceof HTMLElement && event.target.closest('[role="dialog"]')) return;
      if (event.key === 'Escape') {
        if (!mailpiece) return;
        event.preventDefault();
        clear();
        return;
      }
      if (typesText(event.target) || event.key.length !== 1 || event.key === ' ') return;
      const last = lastShortcut.current;
      lastShortcut.current = null;
      // When the key was pressed (not when the page got round to it): a busy page does not stretch the gap.
      if (last && event.timeStamp - last.at < SCANNER_GAP_MS) {
        event.preventDefault();
        setKind(last.kind);
        setReason(last.reason);
        toCodeField(last.key + event.key);
        return;
      }
      const chosen = KEY_REASON[event.key];
      const ar = event.key === '4' && mailpiece?.acknowledgement === true;
      if (mailpiece && (chosen || ar)) {
        event.preventDefault();
        lastShortcut.current = { key: event.key, at: event.timeStamp, kind, reason };
        setKind(chosen ? 'returned' : 'ar');
        setReason(chosen ?? null);
        fileButtonRef.current?.focus();
        return;
      }
      event.preventDefault();
      toCodeField(event.key);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [mailpiece, kind, reason, busy, clear, focusCode, setKind, setReason]);

  const submitCode = () => {
    const typed = code.trim();
    if (typed === '' || busy) return;
    wakeAudio(); // while the key press still counts as the person's gesture
    setCode('');
    lookup.mutate(typed, {
      onSuccess: (found) => {
        beepOk();
        take(found);
      },
      onError: (error) => {
        beepRefused();
        note({ what: typed, ok: false, message: refusalMessage(t, error) });
        focusCode();
      },
    });
  };

  const success = (done: MailpieceReturn, what: string): string =>
    done.kind === 'ar' ? t('returns.desk.recordedAr', { what }) : t('returns.desk.recordedReturned', { what, reason: reasonText(t, done.reason, true) });

  const submitReturn = (event: FormEvent) => {
    event.preventDefault();
    if (!mailpiece || busy) return;
    if (!kind || (kind === 'returned' && !reason) || !file) {
      setMissing(true);
      return;
    }
    setMissing(false);
    wakeAudio();
    setProgress(0);
    const what = envelopeName(mailpiece);
    record.mutate(
      { input: { mailpiece: mailpiece.id, kind, reason, file }, onProgress: setProgress },
      {
        onSuccess: (done) => {
          beepOk();
          note({ what, ok: true, message: success(done, what) });
          setMailpiece(null);
          setFile(null);
          resetRecord();
          focusCode();
        },
        onError: (error) => {
          beepRefused();
          note({ what, ok: false, message: refusalMessage(t, error) });
        },
        onSettled: () => setProgress(null),
      },
    );
  };

  const percent = Math.round((progress ?? 0) * 100);
  const kinds: ReturnKind[] = mailpiece?.acknowledgement ? ['returned', 'ar'] : ['returned'];

  return (
    <Stack gap="lg">
      <ScanCodeField
        inputRef={codeRef}
        label={t('returns.desk.code')}
        description={t('returns.desk.codeHint')}
        submitLabel={t('returns.desk.find')}
        value={code}
        onChange={setCode}
        onSubmit={submitCode}
        loading={lookup.isPending}
      />

      <ScanAnswer latest={log.lines[0]} />

      {mailpiece ? (
        <Stack gap="md">
          <MailpieceCard mailpiece={mailpiece} />
          <form onSubmit={submitReturn} noValidate aria-labelledby="desk-record-title">
            <Stack gap="md">
              <Title order={2} size="h3" id="desk-record-title">
                {t('returns.desk.recordTitle')}
              </Title>
              <div ref={choiceRef} tabIndex={-1} role="group" aria-labelledby="desk-kind-label" aria-describedby="desk-keys">
                <DeskChoice
                  id="desk-kind-label"
                  label={t('returns.desk.kind')}
                  value={kind}
                  onChange={(value) => {
                    setKind(value);
                    if (value === 'ar') setReason(null);
                  }}
                  disabled={busy}
                  data={kinds.map((k) => ({ value: k, label: t(KIND_LABEL[k]) }))}
                  error={missing && !kind ? t('returns.desk.kindRequired') : null}
                />
              </div>
              {kind === 'returned' && (
                <DeskChoice
                  id="desk-reason-label"
                  label={t('returns.desk.reason')}
                  color="red"
                  value={reason}
                  onChange={setReason}
                  disabled={busy}
                  data={RETURN_REASONS.map((r) => ({ value: r, label: t(REASON_LABEL[r]) }))}
                  error={missing && !reason ? t('returns.desk.reasonRequired') : null}
                />
              )}
              <Text size="sm" c="dimmed" id="desk-keys">
                {t('returns.desk.keysBefore')} <Kbd>1</Kbd> {t('returns.reasonShort.address_error')}, <Kbd>2</Kbd> {t('returns.reasonShort.not_claimed')}, <Kbd>3</Kbd>{' '}
                {t('returns.reasonShort.refused')}
                {mailpiece.acknowledgement && (
                  <>
                    , <Kbd>4</Kbd> {t('returns.kind.ar')}
                  </>
                )}
                {' · '}
                <Kbd>{t('returns.desk.escapeKey')}</Kbd> {t('returns.desk.keysEscape')}
              </Text>

              <ScanPicker file={file} onFile={chooseFile} buttonRef={fileButtonRef} disabled={busy} error={fileError ?? (missing && !file ? t('returns.desk.scanRequired') : null)} />

              {progress !== null && (
                <Stack gap={4}>
                  <Progress value={percent} animated={progress >= 1} aria-label={t('returns.desk.progressLabel')} />
                  <Text size="sm" c="dimmed" aria-live="polite">
                    {progress < 1 ? t('returns.desk.percent', { percent }) : t('returns.desk.checking')}
                  </Text>
                </Stack>
              )}
              {record.error !== null && (
                <Alert color="red" variant="light" role="alert" title={t('returns.desk.refused')}>
                  {refusalMessage(t, record.error)}
                </Alert>
              )}
              <Group gap="sm">
                <Button ref={submitRef} type="submit" size="lg" loading={busy}>
                  {t('returns.desk.submit')}
                </Button>
                <Button variant="default" size="lg" onClick={clear} disabled={busy}>
                  {t('returns.desk.another')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Stack>
      ) : (
        <Text c="dimmed">{t('returns.desk.waiting')}</Text>
      )}

      <DeskSearch onPick={take} />

      <Stack gap="xs">
        <Title order={2} size="h3">
          {t('returns.desk.log')}
        </Title>
        <ScanLog
          label={t('returns.desk.log')}
          empty={t('returns.desk.logEmpty')}
          lines={log.lines}
          badge={(line) => (line.ok ? { color: 'green', label: t('returns.desk.ok') } : { color: 'red', label: t('returns.desk.refusedShort') })}
        />
      </Stack>
    </Stack>
  );
}
