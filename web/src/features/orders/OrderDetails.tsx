import { Badge, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentDto, Mailpiece, OrderDto, OrderProblem } from './api';
import { formatCount, formatGrams, formatStep, mailpieceStatus } from './labels';
import classes from './Orders.module.css';

/** Letters shown in a table; the rest are counted ("n more"). */
export const SHOWN_LETTERS = 200;

function printing(t: TFunction, o: OrderDto['options']): string {
  return `${t(o.color === 'bw' ? 'orders.options.color.bw' : 'orders.options.color.color')}, ${t(
    o.sides === 'simplex' ? 'orders.options.sides.simplex' : 'orders.options.sides.duplex',
  ).toLowerCase()}`;
}

function sending(t: TFunction, o: OrderDto['options']): string {
  if (o.mail_class === 'registered') {
    return o.acknowledgement
      ? t('orders.summary.registeredAr', { level: o.registered_level ?? 'R1' })
      : t('orders.summary.registered', { level: o.registered_level ?? 'R1' });
  }
  return t(o.mail_class === 'priority' ? 'orders.options.class.priority' : 'orders.options.class.non_priority');
}

function archive(t: TFunction, o: OrderDto['options']): string {
  if (o.archive.type === 'none') return t('orders.options.archive.none');
  if (o.archive.type === 'simple') return t('orders.options.archive.simple');
  return t('orders.summary.electronicArchive', { years: t('orders.options.archive.years', { count: o.archive.retention_years ?? 0 }) });
}

function addressing(t: TFunction, order: OrderDto): string {
  if (order.address_source === 'recipients') return t('orders.summary.recipients', { count: order.recipients.length });
  if (order.split?.mode === 'every') return t('orders.summary.splitEvery', { count: order.split.pages });
  if (order.split?.mode === 'address') return t('orders.summary.splitAddress');
  return t('orders.summary.fromDocument');
}

/** The set-up in words: documents, printing, envelope, class, background, archive, addresses. */
export function OrderSummary({ order, documents }: { order: OrderDto; documents: Map<string, DocumentDto> }) {
  const { t } = useTranslation();
  const o = order.options;
  const name = (id: string) => documents.get(id)?.filename ?? id;
  const [letter, ...attachments] = order.documents;
  const rows: Array<[string, string]> = [
    [t('orders.summary.letter'), letter ? name(letter) : '—'],
    [t('orders.summary.attachments'), attachments.length > 0 ? attachments.map(name).join(', ') : t('orders.summary.noAttachment')],
    [t('orders.options.color.label'), printing(t, o)],
    [t('orders.options.envelope.label'), o.envelope],
    [t('orders.options.class.label'), sending(t, o)],
    [
      t('orders.summary.background'),
      o.background
        ? t(o.background.pages === 'all' ? 'orders.summary.backgroundAll' : 'orders.summary.backgroundFirst', { name: name(o.background.document) })
        : t('orders.summary.none'),
    ],
    [t('orders.options.archive.label'), archive(t, o)],
    [t('orders.summary.addresses'), addressing(t, order)],
  ];
  return (
    <SimpleGrid component="dl" cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing="xs" m={0}>
      {rows.map(([term, value]) => (
        <div key={term}>
          <Text component="dt" size="sm" c="dimmed">
            {term}
          </Text>
          <Text component="dd" m={0} style={{ overflowWrap: 'anywhere' }}>
            {value}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}

/** Problems by kind: errors block the order (red), warnings let it through (orange). */
export function problemsBySeverity(problems: readonly OrderProblem[]) {
  return {
    errors: problems.filter((p) => p.severity === 'error'),
    warnings: problems.filter((p) => p.severity !== 'error'),
  };
}

/** The country's name in capitals, as on the envelope (NF Z10-011), when not France. */
function countryLine(country: string, language: string): string | null {
  if (!country || country === 'FR') return null;
  try {
    return (new Intl.DisplayNames([language === 'en' ? 'en-GB' : 'fr-FR'], { type: 'region' }).of(country) ?? country).toUpperCase();
  } catch {
    return country;
  }
}

function recipientText(m: Mailpiece, language: string): string {
  const lines = [...m.recipient.address];
  const country = countryLine(m.recipient.country, language);
  // The address may already end with the country's name.
  if (country && lines[lines.length - 1]?.toUpperCase() !== country) lines.push(`(${country})`);
  return lines.join('\n');
}

function pagesText(t: TFunction, pages: [number, number]): string {
  return pages[0] === pages[1] ? t('orders.letters.page', { page: pages[0] }) : t('orders.letters.pageRange', { first: pages[0], last: pages[1] });
}

/** A column a page adds to the letters of a sent order (what came back, what can be done about it). */
export interface LetterColumn {
  label: string;
  cell: (mailpiece: Mailpiece) => ReactNode;
}

/**
 * The letters of an order. For a draft, the letters it will make (with the problems of each);
 * once sent, its mailpieces and their status.
 */
export function LettersTable({
  mailpieces,
  total,
  problems = [],
  sent,
  caption,
  extra,
}: {
  mailpieces: readonly Mailpiece[];
  total: number;
  problems?: readonly OrderProblem[];
  sent: boolean;
  caption: string;
  extra?: LetterColumn | undefined;
}) {
  const { t, i18n } = useTranslation();
  const shown = mailpieces.slice(0, SHOWN_LETTERS);
  const more = Math.max(0, total - shown.length);
  const hasTracking = sent && shown.some((m) => m.tracking_number);
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={680}>
        <Table striped>
          <Table.Caption>{caption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('orders.letters.number')}</Table.Th>
              {sent && <Table.Th scope="col">{t('orders.letters.status')}</Table.Th>}
              <Table.Th scope="col">{t('orders.letters.recipient')}</Table.Th>
              <Table.Th scope="col">{t('orders.letters.pages')}</Table.Th>
              <Table.Th scope="col" className={classes.number}>
                {t('orders.letters.sheets')}
              </Table.Th>
              <Table.Th scope="col" className={classes.number}>
                {t('orders.letters.weight')}
              </Table.Th>
              <Table.Th scope="col">{t('orders.letters.step')}</Table.Th>
              {hasTracking && <Table.Th scope="col">{t('orders.letters.tracking')}</Table.Th>}
              {extra && <Table.Th scope="col">{extra.label}</Table.Th>}
              {!sent && <Table.Th scope="col">{t('orders.letters.check')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((m, index) => {
              const number = index + 1;
              const own = problems.filter((p) => p.letter === number);
              const errors = own.filter((p) => p.severity === 'error').length;
              return (
                <Table.Tr key={m.id ?? `letter-${number}`} data-mailpiece={m.id ?? undefined}>
                  <Table.Th scope="row" fw={500}>
                    {number}
                  </Table.Th>
                  {sent && <Table.Td>{mailpieceStatus(t, m.status)}</Table.Td>}
                  <Table.Td>
                    {/* Sent orders: the first line; drafts: the whole address, to check it. */}
                    {sent ? (
                      (m.recipient.address[0] ?? '—')
                    ) : (
                      <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
                        {recipientText(m, i18n.language) || '—'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{pagesText(t, m.pages)}</Table.Td>
                  <Table.Td className={classes.number}>{formatCount(m.sheets, i18n.language)}</Table.Td>
                  <Table.Td className={classes.number}>{formatGrams(m.weight_g, i18n.language)}</Table.Td>
                  <Table.Td>{formatStep(m.postage_step)}</Table.Td>
                  {hasTracking && <Table.Td ff="monospace">{m.tracking_number ?? '—'}</Table.Td>}
                  {extra && <Table.Td>{extra.cell(m)}</Table.Td>}
                  {!sent && (
                    <Table.Td>
                      {errors > 0 ? (
                        <Badge color="red" variant="light" miw="max-content">
                          {t('orders.letters.errors', { count: errors })}
                        </Badge>
                      ) : own.length > 0 ? (
                        <Badge color="orange" variant="light" miw="max-content">
                          {t('orders.letters.warnings', { count: own.length })}
                        </Badge>
                      ) : (
                        <Badge color="green" variant="light" miw="max-content">
                          {t('orders.letters.ok')}
                        </Badge>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {more > 0 && <Text c="dimmed">{t('orders.letters.more', { count: more, n: formatCount(more, i18n.language) })}</Text>}
    </Stack>
  );
}
