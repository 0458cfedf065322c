import { Table } from '@mantine/core';
import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailClass } from '#domain/mail/index.js';
import { CLASS_LABEL, MAIL_CLASS_ORDER, stepText } from './model';
import classes from './Tariffs.module.css';

/**
 * The postage table's head and body, a mail class a row and a weight step a column: shown read
 * only in a tariff, edited in the form; `cell` gives each Table.Td.
 */
export function PostageGrid({ steps, rowWeight, cell }: { steps: readonly string[]; rowWeight: number; cell: (mailClass: MailClass, step: string) => ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('tariffs.view.columns.class')}</Table.Th>
          {steps.map((step) => (
            <Table.Th key={step} scope="col" className={classes.number}>
              {t('tariffs.view.upTo', { step: stepText(step) })}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {MAIL_CLASS_ORDER.map((mailClass) => (
          <Table.Tr key={mailClass}>
            <Table.Th scope="row" fw={rowWeight}>
              {t(CLASS_LABEL[mailClass])}
            </Table.Th>
            {steps.map((step) => (
              <Fragment key={step}>{cell(mailClass, step)}</Fragment>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </>
  );
}
