import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/http';
import { errorMessage } from '../lib/error-message';

/**
 * Shows an error as one sentence (translated by its code when known, else the server's
 * detail), plus the server's per-field messages that no form field displays.
 */
export function ErrorAlert({ error, title, shownFields = [] }: { error: unknown; title?: string; shownFields?: string[] }) {
  const { t } = useTranslation();
  if (!error) return null;
  const others = error instanceof ApiError ? error.errors.filter((e) => !shownFields.includes(e.field)) : [];
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      {errorMessage(t, error)}
      {others.length > 0 && (
        <ul>
          {others.map((e) => (
            <li key={`${e.field}:${e.message}`}>{e.field ? t('errors.field', { field: e.field, message: e.message }) : e.message}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
