import { Anchor, Button, Group, Kbd, Modal, Paper, SegmentedControl, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ScanCodeField } from '../../components/ScanCodeField';
import { ScanAnswer, ScanLog, useScanLog, type ScanLogEntry, type ScanLogLines } from '../../components/ScanLog';
import { fieldError } from '../../lib/error-message';
import { typesText } from '../../lib/keyboard';
import { refusalMessage } from '../orders/ProblemAlert';
import { useReprint, useScan, type FloorStep, type ScanResult } from './api';
import { beepOk, beepRefused, wakeAudio } from './beep';
import { scannedLabel, STEP_COLOR, STEP_LABEL, STEPS } from './labels';
import text from '../../components/Text.module.css';
import classes from './Production.module.css';

/**
 * A barcode scanner types a whole code in a few milliseconds; a person does not. A digit that
 * chose a step and is followed this fast by another key was the start of a scanned code.
 */
const SCANNER_GAP_MS = 35;

/** A scan of the station's log: the code (`what`) and the step it was scanned for. */
export interface LogLine extends ScanLogEntry {
  step: FloorStep;
}

function stepOfKey(key: string): FloorStep | null {
  return /^[1-4]$/.test(key) ? (STEPS[Number(key) - 1] ?? null) : null;
}

/** Reprinting a spoiled letter, found by its code: the PDF of its sheets, recorded as an event. */
function ReprintDialog({ opened, onClose, onClosed }: { opened: boolean; onClose: () => void; onClosed: () => void }) {
  const { t } = useTranslation();
  const reprint = useReprint();
  const [code, setCode] = useState('');
  const [reason, setReason] = useState('');
  const close = () => {
    reprint.reset();
    setCode('');
    setReason('');
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === '' || reason.trim().length < 3) return;
    reprint.mutate({ code: code.trim(), reason: reason.trim() });
  };
  const done = reprint.data;
  // Once closed, the focus goes back to the scan field (not to the button that opened it).
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('production.reprint.title')}
      centered
      returnFocus={false}
      onExitTransitionEnd={onClosed}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {done ? (
        <Stack gap="md">
          <Text role="status">{t('production.reprint.done', { label: scannedLabel(t, done.label), count: done.sheets })}</Text>
          <Anchor href={done.url} target="_blank" rel="noopener" fw={600}>
            {t('production.reprint.openPdf')}
          </Anchor>
          <Group justify="flex-end">
            <Button onClick={close} data-autofocus>
              {t('common.close')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Text>{t('production.reprint.body')}</Text>
            <TextInput
              label={t('production.reprint.code')}
              description={t('production.reprint.codeHint')}
              required
              classNames={{ input: text.code }}
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              error={fieldError(reprint.error, 'code')}
              data-autofocus
            />
            <Textarea
              label={t('production.reprint.reason')}
              description={t('production.reprint.reasonHint')}
              required
              autosize
              minRows={2}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={fieldError(reprint.error, 'reason')}
            />
            <ErrorAlert error={reprint.error} shownFields={['code', 'reason']} />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close} disabled={reprint.isPending}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={reprint.isPending} disabled={code.trim() === '' || reason.trim().length < 3}>
                {t('production.reprint.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** The station's step and log, kept by the page: they stay while another tab is looked at. */
export interface ScanSession {
  step: FloorStep;
  setStep: (step: FloorStep) => void;
  log: ScanLogLines<LogLine>;
}

export function useScanSession(): ScanSession {
  const [step, setStep] = useState<FloorStep>('printed');
  const log = useScanLog<LogLine>();
  return { step, setStep, log };
}

/**
 * The scan station: the step the scanned items move to (keys 1 to 4), and one field the barcode
 * scanner types into, ended by Enter. Each answer is heard (a beep or a buzz) and written in
 * the log; the field is emptied and keeps the focus for the next scan.
 */
export function ScanStation({ session }: { session: ScanSession }) {
  const { t } = useTranslation();
  const scan = useScan();
  const { step, setStep, log } = session;
  const [code, setCode] = useState('');
  const [reprinting, setReprinting] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  // The last step chosen by a digit typed in the empty field: undone if the scanner typed it.
  const switched = useRef<{ previous: FloorStep; digit: string; at: number } | null>(null);

  const focusInput = useCallback(() => inputRef.current?.focus(), []);
  useEffect(focusInput, [focusInput]);

  // Keys 1–4 anywhere on the station (but in another text field) choose the step, then the
  // focus goes back to the scan field.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || typesText(event.target) || reprinting) return;
      const chosen = stepOfKey(event.key);
      if (!chosen) return;
      event.preventDefault();
      setStep(chosen);
      focusInput();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [focusInput, reprinting]);

  const onInputKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const last = switched.current;
    switched.current = null;
    if (last && code === '' && event.key.length === 1 && performance.now() - last.at < SCANNER_GAP_MS) {
      // The digit was the start of a scanned code: the step goes back, the digit into the field.
      event.preventDefault();
      setStep(last.previous);
      setCode(last.digit + event.key);
      return;
    }
    const chosen = code === '' ? stepOfKey(event.key) : null;
    if (chosen) {
      event.preventDefault();
      switched.current = { previous: step, digit: event.key, at: performance.now() };
      setStep(chosen);
    }
  };

  const success = (result: ScanResult): string => {
    const label = scannedLabel(t, result.label);
    const moved = t(`production.scan.done.${result.step}`, { label, count: result.moved });
    const completed = result.orders.filter((o) => o.status === 'completed').length;
    return completed > 0 ? `${moved} ${t('production.scan.ordersCompleted', { count: completed })}` : moved;
  };

  const submit = () => {
    const typed = code.trim();
    if (typed === '') return;
    wakeAudio(); // while the key press still counts as the person's gesture
    const at = new Date();
    const chosen = step;
    setCode('');
    focusInput();
    scan.mutateAsync({ code: typed, step: chosen }).then(
      (result) => {
        beepOk();
        log.add({ at, what: typed, step: chosen, ok: true, message: success(result) });
      },
      (error: unknown) => {
        beepRefused();
        log.add({ at, what: typed, step: chosen, ok: false, message: refusalMessage(t, error) });
      },
    );
  };

  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Text id="scan-step-label" fw={500}>
          {t('production.scan.stepLabel')}
        </Text>
        <SegmentedControl
          aria-labelledby="scan-step-label"
          fullWidth
          size="lg"
          value={step}
          onChange={(value) => {
            setStep(value as FloorStep);
            focusInput();
          }}
          color={STEP_COLOR[step]}
          data={STEPS.map((s, index) => ({ value: s, label: `${index + 1} · ${t(STEP_LABEL[s])}` }))}
        />
        <Text size="sm" c="dimmed">
          {t('production.scan.keysBefore')} <Kbd>1</Kbd> <Kbd>2</Kbd> <Kbd>3</Kbd> <Kbd>4</Kbd> {t('production.scan.keysAfter')}
        </Text>
      </Stack>

      <Paper p="lg" radius="md" bg={`${STEP_COLOR[step]}.1`} className={classes.stepBanner} data-testid="scan-step">
        <Text size="sm" c="dimmed" tt="uppercase" fw={600}>
          {t('production.scan.current')}
        </Text>
        <Title order={2} className={classes.stepName} c={`${STEP_COLOR[step]}.9`} aria-live="polite">
          {t(STEP_LABEL[step])}
        </Title>
      </Paper>

      <ScanCodeField
        inputRef={inputRef}
        label={t('production.scan.code')}
        description={t('production.scan.codeHint')}
        submitLabel={t('production.scan.submit')}
        value={code}
        onChange={setCode}
        onSubmit={submit}
        onKeyDown={onInputKey}
      />

      <ScanAnswer latest={log.lines[0]} />

      <Group justify="space-between" align="center">
        <Title order={2} size="h3">
          {t('production.scan.log')}
        </Title>
        <Button variant="default" onClick={() => setReprinting(true)}>
          {t('production.reprint.action')}
        </Button>
      </Group>
      <ScanLog
        label={t('production.scan.log')}
        empty={t('production.scan.logEmpty')}
        lines={log.lines}
        badge={(line) => ({ color: STEP_COLOR[line.step], label: t(STEP_LABEL[line.step]) })}
        colourMessages
      />

      <ReprintDialog opened={reprinting} onClose={() => setReprinting(false)} onClosed={focusInput} />
    </Stack>
  );
}
