import { Drawer, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { formatDateTime } from '../../lib/format';
import { useOutboxMessage } from './api';
import { STATUS } from './labels';
import { linkify } from './linkify';
import classes from './Outbox.module.css';
import { StatusBadge } from '../../components/StatusBadge';

/** One e-mail of the outbox, as sent: who, what, when, and its text body. */
export function MessageDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const message = useOutboxMessage(id);
  let body;
  if (message.isPending) body = <Loading />;
  else if (message.isError) body = <ErrorAlert error={message.error} />;
  else {
    const m = message.data;
    const status = STATUS[m.status];
    body = (
      <Stack gap="md">
        <Table variant="vertical" withTableBorder layout="fixed">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={110}>{t('outbox.columns.to')}</Table.Th>
              <Table.Td>{m.to}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('outbox.columns.template')}</Table.Th>
              <Table.Td>{m.template ?? '—'}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('outbox.columns.status')}</Table.Th>
              <Table.Td>
                <StatusBadge color={status.color}>
                  {t(status.label)}
                </StatusBadge>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('outbox.columns.sentAt')}</Table.Th>
              <Table.Td>{formatDateTime(m.sent_at ?? m.created_at, i18n.language)}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        {m.text_body?.includes('••••••') && <Text size="sm" c="dimmed">{t('outbox.masked')}</Text>}
        <pre className={classes.body} aria-label={t('outbox.body')}>
          {m.text_body === undefined ? t('outbox.noBody') : linkify(m.text_body, window.location.origin)}
        </pre>
      </Stack>
    );
  }
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={message.data?.subject ?? t('outbox.message')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {body}
    </Drawer>
  );
}
