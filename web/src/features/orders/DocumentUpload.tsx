import { Button, FileButton, Group, Progress, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DropZone } from '../../components/DropZone';
import { uploadDocument, type DocumentDto } from './api';
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
  const resetRef = useRef<() => void>(null);

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

  const percent = progress === null ? 0 : Math.round(progress * 100);
  return (
    <Stack gap="xs">
      <DropZone label={label} hint={hint} onFile={(file) => void send(file)}>
        {(hintId) => (
          <>
            <Group gap="sm">
              <FileButton onChange={(file) => void send(file)} accept={ACCEPTED_FILES} resetRef={resetRef}>
                {(props) => (
                  <Button {...props} variant="light" loading={progress !== null} aria-describedby={hintId}>
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
          </>
        )}
      </DropZone>
      <ProblemAlert error={error} title={fileName ? t('orders.upload.refused', { name: fileName }) : undefined} />
    </Stack>
  );
}
