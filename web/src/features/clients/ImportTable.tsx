import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ROLE_LABEL } from '../users/labels';
import type { AccountImport } from './api';
import { StatusBadge } from '../../components/StatusBadge';

type Row = AccountImport['rows'][number];

const OUTCOME = {
  create: { label: 'import.outcome.create', color: 'blue' },
  already_present: { label: 'import.outcome.already_present', color: 'gray' },
  error: { label: 'import.outcome.error', color: 'red' },
  created: { label: 'import.outcome.created', color: 'green' },
} as const;

// Row problems the server names by code; any other code shows the server's reason as written.
const REASON = {
  email_invalid: 'import.reason.email_invalid',
  email_missing: 'import.reason.email_missing',
  name_missing: 'import.reason.name_missing',
  role_missing: 'import.reason.role_missing',
  role_unknown: 'import.reason.role_unknown',
  role_not_client: 'import.reason.role_not_client',
  duplicate_in_file: 'import.reason.duplicate_in_file',
  email_other_organisation: 'import.reason.email_other_organisation',
} as const;

function reasonKey(code: string | null): (typeof REASON)[keyof typeof REASON] | null {
  return code !== null && Object.hasOwn(REASON, code) ? REASON[code as keyof typeof REASON] : null;
}

/** Each row of the file with its outcome: line number, name, e-mail, role, and why when refused. */
export function ImportTable({ rows }: { rows: Row[] }) {
  const { t, i18n } = useTranslation();
  // The server's reason is English and the most precise (it quotes the value, the earlier line);
  // in French the translated reason for its code reads better.
  const reasonOf = (row: Row) => {
    const key = reasonKey(row.code);
    if (i18n.language === 'en' && row.reason) return row.reason;
    return key ? t(key) : (row.reason ?? '');
  };
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped verticalSpacing="xs" aria-label={t('import.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('import.columns.line')}</Table.Th>
            <Table.Th scope="col">{t('import.columns.name')}</Table.Th>
            <Table.Th scope="col">{t('common.email')}</Table.Th>
            <Table.Th scope="col">{t('import.columns.role')}</Table.Th>
            <Table.Th scope="col">{t('import.columns.outcome')}</Table.Th>
            <Table.Th scope="col">{t('import.columns.reason')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const outcome = OUTCOME[row.outcome];
            return (
              <Table.Tr key={row.line} data-line={row.line} data-outcome={row.outcome}>
                <Table.Td>{row.line}</Table.Td>
                <Table.Td>{row.name}</Table.Td>
                <Table.Td>{row.email}</Table.Td>
                <Table.Td>{row.role ? t(ROLE_LABEL[row.role]) : '—'}</Table.Td>
                <Table.Td>
                  <StatusBadge color={outcome.color}>
                    {t(outcome.label)}
                  </StatusBadge>
                </Table.Td>
                <Table.Td>
                  {row.outcome === 'error' ? (
                    <Text size="sm" c="red.8">
                      {reasonOf(row)}
                    </Text>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
