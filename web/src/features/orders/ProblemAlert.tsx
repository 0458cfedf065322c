import { Alert, List } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../lib/error-message';
import { ApiError } from '../../lib/http';

/**
 * A refusal as the server words it. Upload refusals and business rules (413, 415, 409, 422)
 * carry a `detail` that says what to do ("Export it as PDF", "Choose a C5 envelope"): it is
 * worth more than a generic sentence, so it comes first here.
 */
export function refusalMessage(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && !error.isNetworkError && error.status < 500 && error.status !== 401 && error.detail) return error.detail;
  return errorMessage(t, error);
}

export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const fields = error instanceof ApiError ? error.errors : [];
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      {refusalMessage(t, error)}
      {fields.length > 0 && (
        <List size="sm" mt="xs">
          {fields.map((e) => (
            <List.Item key={`${e.field}:${e.message}`}>{e.field ? t('errors.field', { field: e.field, message: e.message }) : e.message}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
