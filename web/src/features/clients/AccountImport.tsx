import { Alert, Button, FileInput, Group, Progress, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { uploadFile } from '../../lib/upload';
import { useApplyImport, type AccountImport as Import } from './api';
import { ImportTable } from './ImportTable';

const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The client's file of administrators and users: upload → preview of every row (nothing
 * written) → apply → the same rows with what happened.
 */
export function AccountImport({ organisationId }: { organisationId: string }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [result, setResult] = useState<Import | null>(null);
  const apply = useApplyImport(organisationId);

  const reset = () => {
    setFile(null);
    setResult(null);
    setUploadError(null);
    setProgress(null);
    apply.reset();
  };

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setUploadError(null);
    setProgress(0);
    try {
      const preview = await uploadFile<Import>(
        `/api/v1/organisations/${encodeURIComponent(organisationId)}/account-imports`,
        file,
        { onProgress: setProgress },
      );
      setResult(preview);
    } catch (error) {
      setUploadError(error);
    } finally {
      setProgress(null);
    }
  };

  if (result) {
    const applied = result.status === 'applied';
    const { summary } = result;
    return (
      <Stack gap="md">
        <Text fw={600}>{t('import.fileName', { name: result.filename })}</Text>
        {applied ? (
          <Alert color="green" variant="light" role="status" title={t('import.applied.title', { count: summary.created })}>
            {t('import.applied.body', {
              present: summary.already_present,
              errors: summary.error,
            })}
          </Alert>
        ) : (
          <Alert color="blue" variant="light" title={t('import.preview.nothingWritten')}>
            {t('import.preview.summary', {
              count: result.rows.length,
              create: t('import.preview.toCreate', { count: summary.create }),
              present: t('import.preview.present', { count: summary.already_present }),
              errors: summary.error,
            })}
          </Alert>
        )}
        <ImportTable rows={result.rows} />
        <ErrorAlert error={apply.error} />
        <Group gap="sm">
          {!applied && (
            <Button
              disabled={summary.create === 0}
              loading={apply.isPending}
              onClick={() => apply.mutate(result.id, { onSuccess: setResult })}
            >
              {t('import.preview.apply', { count: summary.create })}
            </Button>
          )}
          <Button variant="default" onClick={reset} disabled={apply.isPending}>
            {applied ? t('import.another') : t('import.preview.cancel')}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form onSubmit={(e) => void upload(e)} noValidate>
      <Stack gap="md">
        <Text>{t('import.explain')}</Text>
        <FileInput
          label={t('import.file')}
          description={t('import.fileHint')}
          placeholder={t('import.choose')}
          accept={ACCEPT}
          value={file}
          onChange={(chosen) => {
            setFile(chosen);
            setUploadError(null);
          }}
          clearable
          clearButtonProps={{ 'aria-label': t('import.clear') }}
          maw={480}
        />
        {progress !== null && (
          <Stack gap={4}>
            <Progress value={Math.round(progress * 100)} aria-label={t('import.uploading')} animated={progress >= 1} />
            <Text size="sm" c="dimmed" aria-live="polite">
              {progress < 1 ? t('import.uploadingPercent', { percent: Math.round(progress * 100) }) : t('import.checking')}
            </Text>
          </Stack>
        )}
        <ErrorAlert error={uploadError} />
        <Group>
          <Button type="submit" disabled={!file} loading={progress !== null}>
            {t('import.upload')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
