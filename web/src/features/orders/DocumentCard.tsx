import { Alert, Group, List, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../lib/error-message';
import { previewUrl, useDocument, type DocumentDto } from './api';
import { formatCount } from './labels';
import text from '../../components/Text.module.css';
import classes from './Orders.module.css';
import { problemText } from './problem-text';

type AddressProblem = NonNullable<DocumentDto['address']>['problems'][number];

/** Problems without a severity are errors: they block an order whose address comes from the document. */
export function severityOf(problem: { severity?: 'error' | 'warning' | undefined }): 'error' | 'warning' {
  return problem.severity ?? 'error';
}

function sizeText(bytes: number, language: string): string {
  const en = language === 'en';
  const nf = new Intl.NumberFormat(en ? 'en-GB' : 'fr-FR', { maximumFractionDigits: 1 });
  if (bytes < 1024 * 1024) return `${nf.format(Math.max(1, Math.round(bytes / 1024)))} ${en ? 'KB' : 'ko'}`;
  return `${nf.format(bytes / 1024 / 1024)} ${en ? 'MB' : 'Mo'}`;
}

/** The page as the envelope window shows it: the address zone framed on page 1. */
export function WindowPreview({ documentId }: { documentId: string }) {
  const { t } = useTranslation();
  return (
    <figure style={{ margin: 0 }}>
      <img className={classes.preview} src={previewUrl(documentId, 1, true)} alt={t('orders.document.previewAlt')} loading="lazy" width={420} height={594} />
      <Text component="figcaption" size="xs" c="dimmed" mt={4}>
        {t('orders.document.previewCaption')}
      </Text>
    </figure>
  );
}

function ProblemList({ problems }: { problems: AddressProblem[] }) {
  const { t, i18n } = useTranslation();
  if (problems.length === 0) return null;
  const errors = problems.filter((p) => severityOf(p) === 'error');
  const warnings = problems.filter((p) => severityOf(p) === 'warning');
  const render = (items: AddressProblem[]) => (
    <List size="sm" spacing={4}>
      {items.map((p, i) => (
        <List.Item key={`${p.code}-${i}`}>{problemText(t, i18n.language, p)}</List.Item>
      ))}
    </List>
  );
  return (
    <Stack gap="xs">
      {errors.length > 0 && (
        <Alert color="red" variant="light" title={t('orders.document.addressErrors', { count: errors.length })}>
          {render(errors)}
        </Alert>
      )}
      {warnings.length > 0 && (
        <Alert color="orange" variant="light" title={t('orders.document.addressWarnings', { count: warnings.length })}>
          {render(warnings)}
        </Alert>
      )}
    </Stack>
  );
}

/** What the window zone of page 1 holds, its problems, and the page as seen through the window. */
export function AddressRead({ document }: { document: DocumentDto }) {
  const { t } = useTranslation();
  const lines = document.address?.lines ?? [];
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
      <Stack gap="xs">
        <Title order={3} size="h4">
          {t('orders.document.addressTitle')}
        </Title>
        {lines.length > 0 ? (
          <pre className={`${text.address} ${classes.addressFrame}`} aria-label={t('orders.document.addressTitle')}>
            {lines.join('\n')}
          </pre>
        ) : (
          <Text c="dimmed">{t('orders.document.noAddress')}</Text>
        )}
        <ProblemList problems={document.address?.problems ?? []} />
        {lines.length > 0 && (document.address?.problems ?? []).length === 0 && (
          <Text size="sm" c="green.8">
            {t('orders.document.addressOk')}
          </Text>
        )}
      </Stack>
      <WindowPreview documentId={document.id} />
    </SimpleGrid>
  );
}

/**
 * One uploaded document: converting (a spinner, read again every second), failed (the reason),
 * or ready (name, pages, warnings, and optionally the address read from its window).
 */
export function DocumentCard({
  id,
  title,
  withAddress = false,
  actions,
  children,
}: {
  id: string;
  title?: string;
  withAddress?: boolean;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const query = useDocument(id);
  const document = query.data;

  let body: ReactNode;
  if (query.isPending) {
    body = <Loader size="sm" aria-label={t('common.loading')} />;
  } else if (query.isError || !document) {
    body = (
      <Alert color="red" variant="light" role="alert">
        {errorMessage(t, query.error)}
      </Alert>
    );
  } else if (document.status === 'converting') {
    body = (
      <Group gap="sm" role="status" aria-live="polite">
        <Loader size="sm" />
        <Text>{t('orders.document.converting', { name: document.filename })}</Text>
      </Group>
    );
  } else if (document.status === 'failed') {
    body = (
      <Alert color="red" variant="light" role="alert" title={t('orders.document.failed', { name: document.filename })}>
        {document.failure_reason ?? t('orders.document.failedNoReason')}
      </Alert>
    );
  } else {
    body = (
      <Stack gap="sm">
        {document.warnings.length > 0 && (
          <Alert color="orange" variant="light" title={t('orders.document.warnings', { count: document.warnings.length })}>
            <List size="sm" spacing={4}>
              {document.warnings.map((w) => (
                <List.Item key={w}>{w}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        {withAddress && <AddressRead document={document} />}
      </Stack>
    );
  }

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="sm">
          <div style={{ minWidth: 0 }}>
            {title && (
              <Text size="sm" c="dimmed">
                {title}
              </Text>
            )}
            <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
              {document?.filename ?? '…'}
            </Text>
            {document?.status === 'ready' && (
              <Text size="sm" c="dimmed">
                {t('orders.document.pages', { count: document.pages ?? 0, pages: formatCount(document.pages ?? 0, i18n.language) })}
                {document.size_bytes !== null ? ` · ${sizeText(document.size_bytes, i18n.language)}` : ''}
              </Text>
            )}
          </div>
          {actions}
        </Group>
        {body}
        {children}
      </Stack>
    </Paper>
  );
}
