import { Alert, Anchor, Button, Grid, Group, List, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { Loading } from '../../../components/Loading';
import { formatDay } from '../../../lib/format';
import { useOrder, useSubmitOrder, type DocumentDto, type OrderDto, type OrderProblem } from '../api';
import { WindowPreview } from '../DocumentCard';
import type { OrderForm } from '../form';
import { formatEuros } from '../labels';
import { LettersTable, OrderSummary, problemsBySeverity } from '../OrderDetails';
import { ProblemAlert } from '../ProblemAlert';
import { problemText } from '../problem-text';
import { QuoteTable } from '../QuoteTable';
import { StepHeading } from './StepHeading';

/** A UUID for the Idempotency-Key; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Which step fixes a problem, to offer a link there. */
function stepFor(problem: OrderProblem, addressSource: OrderForm['addressSource']): number {
  if (/envelope|sheets|heavy|class/.test(problem.code)) return 1;
  if (/recipient|split/.test(problem.code)) return 2;
  // An address: fixed in the document (step 1) or in the list of recipients (step 3).
  return addressSource === 'recipients' ? 2 : 0;
}

function ProblemsBlock({
  problems,
  color,
  title,
  addressSource,
  onEdit,
}: {
  problems: OrderProblem[];
  color: string;
  title: string;
  addressSource: OrderForm['addressSource'];
  onEdit: (step: number) => void;
}) {
  const { t, i18n } = useTranslation();
  if (problems.length === 0) return null;
  return (
    <Alert color={color} variant="light" title={title} role={color === 'red' ? 'alert' : undefined}>
      <List size="sm" spacing={4}>
        {problems.map((p, i) => (
          <List.Item key={`${p.code}-${p.letter ?? 0}-${i}`}>
            {problemText(t, i18n.language, p)}{' '}
            <Anchor component="button" type="button" size="sm" onClick={() => onEdit(stepFor(p, addressSource))}>
              {t('orders.review.fix')}
            </Anchor>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** What the person is about to send, in three lines: letters, price including VAT, delivery. */
function SendSummary({ order }: { order: OrderDto }) {
  const { t, i18n } = useTranslation();
  return (
    <List size="sm" spacing={4} data-testid="send-summary">
      <List.Item>{t('orders.review.confirmLetters', { count: order.letters })}</List.Item>
      {order.quote && <List.Item>{t('orders.review.confirmTotal', { total: formatEuros(order.quote.total_cents, i18n.language) })}</List.Item>}
      {order.delivery_estimate && <List.Item>{t('orders.review.confirmDelivery', { date: formatDay(order.delivery_estimate, i18n.language) })}</List.Item>}
    </List>
  );
}

/**
 * Step 4: the server's view of the draft — quote, delivery estimate, the letters it will make,
 * blocking problems — then the final validation, confirmed in a dialog that sums up what is sent
 * (a submitted order is firm once accepted). The Idempotency-Key is drawn when this step opens,
 * so a retry or a double click cannot issue the order twice.
 */
export function ReviewStep({
  orderId,
  form,
  documents,
  busy,
  focus,
  onEdit,
  onSubmitting,
}: {
  orderId: string;
  form: OrderForm;
  documents: Map<string, DocumentDto>;
  busy: boolean;
  focus: boolean;
  onEdit: (step: number) => void;
  onSubmitting: (active: boolean) => void;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const order = useOrder(orderId);
  const submit = useSubmitOrder(orderId);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [confirming, setConfirming] = useState(false);

  if (order.isPending) return <Loading />;
  if (order.isError) return <ProblemAlert error={order.error} />;
  const o = order.data;
  const { errors, warnings } = problemsBySeverity(o.problems);
  const blocked = errors.length > 0 || o.quote === null;
  const fetching = order.isFetching;

  const send = () => {
    onSubmitting(true);
    submit.mutate(idempotencyKey, {
      onSuccess: () => navigate(`/orders/${encodeURIComponent(orderId)}`, { replace: true }),
      onError: () => {
        // The refusal shows on the page, next to the problems it may point at.
        setConfirming(false);
        onSubmitting(false);
        void order.refetch();
      },
    });
  };

  return (
    <Stack gap="lg" pt="md">
      <StepHeading title={t('orders.wizard.steps.review')} lead={t('orders.review.lead')} focus={focus} />

      <ProblemsBlock problems={errors} color="red" title={t('orders.review.errors', { count: errors.length })} addressSource={form.addressSource} onEdit={onEdit} />
      <ProblemsBlock problems={warnings} color="orange" title={t('orders.review.warnings', { count: warnings.length })} addressSource={form.addressSource} onEdit={onEdit} />

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <Stack gap="xs">
              <Title order={3} size="h4">
                {t('orders.review.setup')}
              </Title>
              <OrderSummary order={o} documents={documents} />
            </Stack>
            <Stack gap="xs">
              <Group gap="xs">
                <Title order={3} size="h4">
                  {t('orders.review.quoteTitle')}
                </Title>
                {fetching && <Loader size="xs" aria-label={t('orders.quote.updating')} />}
              </Group>
              {o.quote ? <QuoteTable quote={o.quote} caption={t('orders.review.quoteCaption')} /> : <Text c="dimmed">{t('orders.quote.none')}</Text>}
              {o.delivery_estimate && (
                <Text>{t('orders.review.delivery', { date: formatDay(o.delivery_estimate, i18n.language) })}</Text>
              )}
            </Stack>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          {form.letter && form.addressSource === 'document' ? (
            <Stack gap="xs">
              <Title order={3} size="h4">
                {t('orders.review.windowTitle')}
              </Title>
              <WindowPreview documentId={form.letter} />
            </Stack>
          ) : (
            <Alert color="blue" variant="light" title={t('orders.recipients.carrierTitle')}>
              {t('orders.recipients.carrierBody')}
            </Alert>
          )}
        </Grid.Col>
      </Grid>

      <Stack gap="xs">
        <Title order={3} size="h4">
          {t('orders.review.lettersTitle', { count: o.letters })}
        </Title>
        <LettersTable mailpieces={o.mailpieces} total={o.letters} problems={o.problems} sent={false} caption={t('orders.review.lettersCaption')} />
      </Stack>

      <Paper withBorder p="md" bg="gray.0">
        <Stack gap="sm">
          <Text fw={600}>{t('orders.review.final')}</Text>
          {blocked && <Text c="red.8">{errors.length > 0 ? t('orders.review.blocked') : t('orders.quote.none')}</Text>}
          <ProblemAlert error={submit.error} title={t('orders.review.submitFailed')} />
          <Group>
            <Button size="md" onClick={() => setConfirming(true)} loading={submit.isPending} disabled={blocked || busy || fetching}>
              {t('orders.review.submit')}
            </Button>
          </Group>
        </Stack>
      </Paper>

      <ConfirmDialog
        opened={confirming}
        title={t('orders.review.confirmTitle')}
        confirmLabel={t('orders.review.confirm')}
        pending={submit.isPending}
        onConfirm={send}
        onClose={() => setConfirming(false)}
      >
        <Stack gap="sm">
          <SendSummary order={o} />
          <Text size="sm">{t('orders.review.confirmBody')}</Text>
        </Stack>
      </ConfirmDialog>
    </Stack>
  );
}
