import { Alert, Button, Group, Modal, Stack, Table, Text, Textarea } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ListTable } from '../../components/ListTable';
import { fieldError } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { formatEuros } from '../tariffs/money';
import { useAcceptOrder, useIntake, useRefuseOrder, type IntakeItem } from './api';
import { mailClassText } from './labels';

const MIN_REASON = 3;
const MAX_REASON = 500;

/** Refusing asks why: the client reads the reason as it is written, on their order's page. */
function RefuseDialog({ order, onClose, onRefused }: { order: IntakeItem | null; onClose: () => void; onRefused: (order: IntakeItem) => void }) {
  const { t } = useTranslation();
  const refuse = useRefuseOrder();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const close = () => {
    refuse.reset();
    setReason('');
    setTouched(false);
    onClose();
  };
  const tooShort = reason.trim().length < MIN_REASON;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!order || tooShort) return;
    refuse.mutate(
      { id: order.id, input: reason.trim() },
      {
        onSuccess: () => {
          onRefused(order);
          close();
        },
      },
    );
  };
  return (
    <Modal
      opened={order !== null}
      onClose={close}
      title={order ? t('production.intake.refuseTitle', { name: order.name }) : ''}
      centered
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text>{t('production.intake.refuseBody', { client: order?.organisation.name ?? '' })}</Text>
          <Textarea
            label={t('production.intake.reason')}
            description={t('production.intake.reasonHint')}
            required
            autosize
            minRows={3}
            maxLength={MAX_REASON}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={(touched && tooShort ? t('production.intake.reasonRequired') : undefined) ?? fieldError(refuse.error, 'reason')}
            data-autofocus
          />
          <ErrorAlert error={refuse.error} shownFields={['reason']} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={refuse.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={refuse.isPending}>
              {t('production.intake.refuseConfirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The orders clients have sent, waiting for the provider's decision: accept (firm from then on) or refuse with a reason. */
export function IntakeTab() {
  const { t, i18n } = useTranslation();
  const intake = useIntake();
  const accept = useAcceptOrder();
  const [refusing, setRefusing] = useState<IntakeItem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const orders = intake.data ?? [];

  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const decide = (order: IntakeItem) => {
    setNotice(null);
    accept.mutate({ id: order.id, input: undefined }, { onSuccess: () => setNotice(t('production.intake.accepted', { name: order.name, client: order.organisation.name })) });
  };

  return (
    <Stack gap="md">
      <Text c="dimmed">{t('production.intake.lead')}</Text>
      {notice && (
        <Alert ref={noticeRef} tabIndex={-1} color="green" variant="light" role="status" withCloseButton onClose={() => setNotice(null)} closeButtonLabel={t('common.close')}>
          {notice}
        </Alert>
      )}
      <ErrorAlert error={accept.error} title={t('production.intake.acceptFailed')} />
      <ListTable
        state={intake}
        isEmpty={orders.length === 0}
        empty={t('production.intake.empty')}
        minWidth={900}
        caption={t('production.intake.caption')}
        columns={[
          { label: t('production.intake.columns.client') },
          { label: t('production.intake.columns.order') },
          { label: t('production.intake.columns.letters') },
          { label: t('production.intake.columns.amount') },
          { label: t('production.intake.columns.sending') },
          { label: t('production.intake.columns.submittedAt') },
          { label: t('production.intake.columns.actions') },
        ]}
      >
        {orders.map((order) => {
          const pending = accept.isPending && accept.variables?.id === order.id;
          return (
            <Table.Tr key={order.id} data-order={order.id}>
              <Table.Td>{order.organisation.name}</Table.Td>
              <Table.Th scope="row" fw={500}>
                {order.name}
              </Table.Th>
              <Table.Td>{order.letters}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{order.total_cents === null ? '—' : formatEuros(order.total_cents, i18n.language)}</Table.Td>
              <Table.Td>
                {order.options.envelope} · {mailClassText(t, order.options.mail_class)}
              </Table.Td>
              <Table.Td>{formatDateTime(order.submitted_at, i18n.language)}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" onClick={() => decide(order)} loading={pending} disabled={accept.isPending && !pending} aria-label={t('production.intake.acceptOne', { name: order.name })}>
                    {t('production.intake.accept')}
                  </Button>
                  <Button
                    size="xs"
                    variant="light"
                    color="red"
                    onClick={() => {
                      setNotice(null);
                      setRefusing(order);
                    }}
                    aria-label={t('production.intake.refuseOne', { name: order.name })}
                  >
                    {t('production.intake.refuse')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </ListTable>
      <RefuseDialog
        order={refusing}
        onClose={() => setRefusing(null)}
        onRefused={(order) => setNotice(t('production.intake.refused', { name: order.name, client: order.organisation.name }))}
      />
    </Stack>
  );
}
