import { Anchor, Badge, Button, Group, List, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDeleteOrder } from '../orders/api';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime, formatLastParisDay } from '../../lib/format';
import { QuoteTable } from '../orders/QuoteTable';
import { evidencePdfUrl, useEletterOrder, useLiveEletterOrder, useSendEletter, type EletterMailpiece, type EletterOrder } from './api';

const COLOR: Record<EletterMailpiece['status'], string> = {
  pending: 'gray',
  notified: 'blue',
  opened: 'green',
  accepted: 'green',
  refused: 'orange',
  expired: 'yellow',
  fallback_paper: 'violet',
};

/**
 * An electronic order once sent: each recipient's letter, its status as it moves (live), its
 * window, the paper letter it became, and its proofs — each a sealed PDF to file.
 */
export function EletterOrderView({ order: initial }: { order: EletterOrder }) {
  const { t, i18n } = useTranslation();
  const order = useEletterOrder(initial.id, initial).data;
  const live = useLiveEletterOrder(order);
  const when = (at: string | null) => (at ? formatDateTime(at, i18n.language) : '—');
  if (order.status === 'draft') return <EletterDraft order={order} />;
  return (
    <Page title={order.name} lead={t('eletters.order.lead')} actions={live.connected ? <Badge variant="light" color="green">{t('eletters.order.live')}</Badge> : undefined}>
      <Section title={t('eletters.recipients')}>
        <Table.ScrollContainer minWidth={820}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('eletters.order.columns.recipient')}</Table.Th>
                <Table.Th>{t('eletters.order.columns.envoi')}</Table.Th>
                <Table.Th>{t('eletters.order.columns.status')}</Table.Th>
                <Table.Th>{t('eletters.order.columns.deadline')}</Table.Th>
                <Table.Th>{t('eletters.order.columns.proofs')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {order.mailpieces.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    <Stack gap={0}>
                      <Text>{m.recipient.name}</Text>
                      <Text size="sm" c="dimmed">
                        {m.recipient.email}
                      </Text>
                    </Stack>
                  </Table.Td>
                  <Table.Td>{m.envoi}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <StatusBadge color={COLOR[m.status]}>{t(`eletters.status.${m.status}`)}</StatusBadge>
                      {m.fallback_mailpiece && <Text size="sm">{t('eletters.order.paper')}</Text>}
                    </Group>
                  </Table.Td>
                  <Table.Td>{m.status === 'notified' && m.deadline_at ? t('eletters.order.until', { date: formatLastParisDay(m.deadline_at, i18n.language) }) : when(m.decided_at)}</Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      {m.evidence.map((e) => (
                        <Anchor key={e.id} href={evidencePdfUrl(e.id)} download size="sm">
                          {t(`eletters.events.${e.event}` as 'eletters.events.SubmissionAcceptance', { defaultValue: e.event })} — {when(e.at)}
                        </Anchor>
                      ))}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Section>
      {order.quote && (
        <Section title={t('eletters.price')}>
          <QuoteTable quote={order.quote} caption={t('eletters.price')} />
        </Section>
      )}
      <Anchor component={Link} to="/orders">
        {t('orders.wizard.backToList')}
      </Anchor>
    </Page>
  );
}

/** A draft left behind (prepared, not sent): its recipients and price, to send or delete. */
function EletterDraft({ order }: { order: EletterOrder }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const send = useSendEletter();
  const remove = useDeleteOrder();
  return (
    <Page title={order.name} lead={t('eletters.draftLead')}>
      <Section title={t('eletters.recipients')}>
        <List>
          {order.recipients.map((r, i) => (
            <List.Item key={i}>
              {r.name} — {r.email}
            </List.Item>
          ))}
        </List>
      </Section>
      {order.quote && (
        <Section title={t('eletters.price')}>
          <QuoteTable quote={order.quote} caption={t('eletters.price')} />
        </Section>
      )}
      <ErrorAlert error={send.error ?? remove.error} />
      <Group>
        <Button onClick={() => void send.mutateAsync(order.id).catch(() => undefined)} loading={send.isPending} disabled={order.recipients.length === 0}>
          {t('eletters.send')}
        </Button>
        <Button variant="default" color="red" onClick={() => void remove.mutateAsync(order.id).then(() => navigate('/orders'), () => undefined)} loading={remove.isPending}>
          {t('eletters.deleteDraft')}
        </Button>
      </Group>
    </Page>
  );
}
