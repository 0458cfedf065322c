import { Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDay } from '../../lib/format';
import type { OrderDto, Quote } from './api';
import { formatCount, formatEuros, quoteLineLabel } from './labels';
import classes from './Orders.module.css';

/** The quote line by line (label, quantity, unit price, total), then excl. VAT, VAT and incl. VAT. */
export function QuoteTable({ quote, caption }: { quote: Quote; caption: string }) {
  const { t, i18n } = useTranslation();
  const euros = (cents: number) => formatEuros(cents, i18n.language);
  return (
    <Table.ScrollContainer minWidth={340}>
      <Table>
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('orders.quote.columns.label')}</Table.Th>
            <Table.Th scope="col" className={classes.number}>
              {t('orders.quote.columns.quantity')}
            </Table.Th>
            <Table.Th scope="col" className={classes.number}>
              {t('orders.quote.columns.unit')}
            </Table.Th>
            <Table.Th scope="col" className={classes.number}>
              {t('orders.quote.columns.total')}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {quote.lines.map((line) => (
            <Table.Tr key={`${line.code}-${line.unit_cents}`}>
              <Table.Th scope="row" fw={400}>
                {quoteLineLabel(t, line.code, line.label)}
              </Table.Th>
              <Table.Td className={classes.number}>{formatCount(line.quantity, i18n.language)}</Table.Td>
              <Table.Td className={classes.number}>{euros(line.unit_cents)}</Table.Td>
              <Table.Td className={classes.number}>{euros(line.total_cents)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th scope="row" colSpan={3}>
              {t('orders.quote.exclVat')}
            </Table.Th>
            <Table.Td className={classes.number}>{euros(quote.total_excl_vat_cents)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row" colSpan={3}>
              {t('orders.quote.vat')}
            </Table.Th>
            <Table.Td className={classes.number}>{euros(quote.vat_cents)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row" colSpan={3}>
              {t('orders.quote.inclVat')}
            </Table.Th>
            <Table.Td className={classes.number} fw={700} data-testid="quote-total">
              {euros(quote.total_cents)}
            </Table.Td>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * The running estimate beside the options: what the server quotes for the set-up as saved,
 * read again after each change.
 */
export function QuoteSummary({ order, updating }: { order: OrderDto | undefined; updating: boolean }) {
  const { t, i18n } = useTranslation();
  const quote = order?.quote ?? null;
  const title = t('orders.quote.summaryTitle');
  return (
    <Paper withBorder p="md" component="section" aria-label={title} className={classes.sticky}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Title order={2} size="h4">
            {title}
          </Title>
          {updating && <Loader size="xs" aria-label={t('orders.quote.updating')} data-testid="estimate-updating" />}
        </Group>
        {quote === null ? (
          <Text size="sm" c="dimmed">
            {t('orders.quote.none')}
          </Text>
        ) : (
          <dl style={{ margin: 0 }}>
            <Group justify="space-between" gap="xs">
              <Text component="dt" size="sm">
                {t('orders.quote.letters')}
              </Text>
              <Text component="dd" size="sm" m={0}>
                {formatCount(order?.letters ?? 0, i18n.language)}
              </Text>
            </Group>
            <Group justify="space-between" gap="xs">
              <Text component="dt" size="sm">
                {t('orders.quote.exclVat')}
              </Text>
              <Text component="dd" size="sm" m={0} className={classes.number}>
                {formatEuros(quote.total_excl_vat_cents, i18n.language)}
              </Text>
            </Group>
            <Group justify="space-between" gap="xs">
              <Text component="dt" size="sm">
                {t('orders.quote.vat')}
              </Text>
              <Text component="dd" size="sm" m={0} className={classes.number}>
                {formatEuros(quote.vat_cents, i18n.language)}
              </Text>
            </Group>
            <Group justify="space-between" gap="xs">
              <Text component="dt" fw={700}>
                {t('orders.quote.inclVat')}
              </Text>
              <Text component="dd" fw={700} m={0} className={classes.number} data-testid="estimate-total" aria-live="polite">
                {formatEuros(quote.total_cents, i18n.language)}
              </Text>
            </Group>
          </dl>
        )}
        {order?.delivery_estimate && (
          <Text size="sm">{t('orders.quote.deliveryIfToday', { date: formatDay(order.delivery_estimate, i18n.language) })}</Text>
        )}
        <Text size="xs" c="dimmed">
          {t('orders.quote.summaryNote')}
        </Text>
      </Stack>
    </Paper>
  );
}
