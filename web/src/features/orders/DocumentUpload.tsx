import { Button, FileButton, Group, Progress, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadDocument, type DocumentDto } from './api';
import classes from './Orders.module.css';
import { ProblemAlert } from './ProblemAlert';

/** What Pli takes: a PDF, or an office file it converts to PDF (M-1.3). */
export const ACCEPTED_FILES =
  '.pdf,.docx,.doc,.odt,.rtf,.txt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/msword,application/vnd.oasis.opendocument.text,application/rtf,text/plain';

/**
 * Choose (or drop) a file and send it to POST /api/v1/documents with a progress bar. A refusal
 * (wrong type, too large, not A4 portrait, something in the inserter mark zone…) shows the
 * server's reason; an accepted file is handed to `onUploaded`, possibly still converting.
 */
export function DocumentUpload({
  label,
  hint,
  buttonLabel,
  onUploaded,
}: {
  label: string;
  hint?: string;
  buttonLabel: string;
  onUploaded: (document: DocumentDto) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fileName, setFileName] = useState('');
  const [over, setOver] = useState(false);
  const resetRef = useRef<() => void>(null);
  const labelId = useId();
  const hintId = useId();

  const send = async (file: File | null) => {
    resetRef.current?.();
    if (!file || progress !== null) return;
    setError(null);
    setFileName(file.name);
    setProgress(0);
    try {
      const document = await uploadDocument(queryClient, file, { onProgress: setProgress });
      onUploaded(document);
    } catch (cause) {
      setError(cause);
    } finally {
      setProgress(null);
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    void send(event.dataTransfer.files.item(0));
  };

  const percent = progress === null ? 0 : Math.round(progress * 100);
  return (
    <Stack gap="xs">
      <div
        role="group"
        aria-labelledby={labelId}
        aria-describedby={hint ? hintId : undefined}
        className={classes.dropZone}
        data-over={over || undefined}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <Stack gap="xs">
          <Text fw={600} id={labelId}>
            {label}
          </Text>
          {hint && (
            <Text size="sm" c="dimmed" id={hintId}>
              {hint}
            </Text>
          )}
          <Group gap="sm">
            <FileButton onChange={(file) => void send(file)} accept={ACCEPTED_FILES} resetRef={resetRef}>
              {(props) => (
                <Button {...props} variant="light" loading={progress !== null} aria-describedby={hint ? hintId : undefined}>
                  {buttonLabel}
                </Button>
              )}
            </FileButton>
            <Text size="sm" c="dimmed">
              {t('orders.upload.orDrop')}
            </Text>
          </Group>
          {progress !== null && (
            <Stack gap={4}>
              <Progress value={percent} animated={progress >= 1} aria-label={t('orders.upload.progressLabel', { name: fileName })} />
              <Text size="sm" c="dimmed" aria-live="polite">
                {progress < 1 ? t('orders.upload.percent', { name: fileName, percent }) : t('orders.upload.checking', { name: fileName })}
              </Text>
            </Stack>
          )}
        </Stack>
      </div>
      <ProblemAlert error={error} title={fileName ? t('orders.upload.refused', { name: fileName }) : undefined} />
    </Stack>
  );
}
