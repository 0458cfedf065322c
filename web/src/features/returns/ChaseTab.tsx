import { Button, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ListTable } from '../../components/ListTable';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../lib/format';
import { useChase, type DeskMailpiece } from './api';
import { CHASE_LABEL, registeredNumber } from './labels';
import text from '../../components/Text.module.css';

/**
 * « À relancer »: the registered letters La Poste has said nothing about for too long (no
 * delivery event), or whose AR card has not come back — to chase with La Poste. An AR card that
 * turns up after all is recorded at the desk (« Au guichet »).
 */
export function ChaseTab({ onOpen }: { onOpen: (mailpiece: DeskMailpiece) => void }) {
  const { t, i18n } = useTranslation();
  const chase = useChase();
  const items = chase.data ?? [];
  const at = (s: string | null) => (s ? formatDateTime(s, i18n.language) : '—');
  return (
    <Stack gap="md">
      <Text c="dimmed">{t('returns.chase.lead')}</Text>
      <ListTable
        state={chase}
        isEmpty={items.length === 0}
        empty={t('returns.chase.empty')}
        minWidth={960}
        caption={t('returns.chase.caption')}
        columns={[
          { label: t('returns.chase.columns.kind') },
          { label: t('returns.card.number') },
          { label: t('returns.card.client') },
          { label: t('returns.card.order') },
          { label: t('returns.card.deposited') },
          { label: t('returns.chase.columns.lastEvent') },
          { label: t('returns.chase.columns.flagged') },
          { label: t('returns.chase.columns.action') },
        ]}
      >
        {items.map((item) => {
          const m = item.mailpiece;
          return (
            <Table.Tr key={`${item.kind}:${m.id}`}>
              <Table.Td>
                <StatusBadge color={item.kind === 'no_ar' ? 'orange' : 'red'}>{t(CHASE_LABEL[item.kind])}</StatusBadge>
              </Table.Td>
              <Table.Th scope="row" className={text.code} fw={600}>
                {registeredNumber(m.tracking_number) ?? '—'}
              </Table.Th>
              <Table.Td>{m.organisation.name}</Table.Td>
              <Table.Td>
                {m.order.name}
                <Text size="xs" c="dimmed">
                  {m.recipient.address[0] ?? ''}
                </Text>
              </Table.Td>
              <Table.Td>{at(m.deposited_at)}</Table.Td>
              <Table.Td>
                {item.last_event ? (
                  <>
                    {item.last_event.label}
                    <Text size="xs" c="dimmed">
                      {at(item.last_event.at)}
                    </Text>
                  </>
                ) : (
                  <Text span c="dimmed">
                    {t('returns.chase.noEvent')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{at(item.flagged_at)}</Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => onOpen(m)}
                  aria-label={t('returns.chase.openOne', { what: registeredNumber(m.tracking_number) ?? m.recipient.address[0] ?? m.id })}
                >
                  {t('returns.chase.open')}
                </Button>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </ListTable>
    </Stack>
  );
}
