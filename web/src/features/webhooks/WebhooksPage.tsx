import { Alert, Button, Group, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ListTable } from '../../components/ListTable';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { formatDateTime } from '../../lib/format';
import { useDeleteWebhook, useWebhooks, type Webhook } from './api';
import { DeliveriesDrawer } from './DeliveriesDrawer';
import { eventsLabel } from './labels';
import { NewWebhookSection } from './NewWebhookSection';

/** /webhooks: the client administrator's webhooks, each with its delivery log (?log=whk_…). */
export function WebhooksPage() {
  const { t, i18n } = useTranslation();
  const hooks = useWebhooks();
  const remove = useDeleteWebhook();
  const [params, setParams] = useSearchParams();
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = hooks.data ?? [];
  const logOf = list.find((h) => h.id === params.get('log')) ?? null;

  const confirmDelete = (hook: Webhook) => {
    setNotice(null);
    remove.mutate(hook, {
      onSuccess: () => {
        setDeleting(null);
        setNotice(t('webhooks.deleted', { url: hook.url }));
        if (params.get('log') === hook.id) setParams({}, { replace: true });
      },
    });
  };

  return (
    <Page title={t('nav.webhooks')} lead={t('webhooks.lead')}>
      <Section title={t('webhooks.listTitle')}>
        {notice && (
          <Alert color="green" variant="light" role="status" withCloseButton onClose={() => setNotice(null)} closeButtonLabel={t('common.close')}>
            {notice}
          </Alert>
        )}
        <ListTable
          state={hooks}
          isEmpty={list.length === 0}
          empty={t('webhooks.empty')}
          minWidth={760}
          caption={t('webhooks.listTitle')}
          columns={[
            { label: t('webhooks.columns.url') },
            { label: t('webhooks.columns.events') },
            { label: t('webhooks.columns.created') },
            { label: t('webhooks.columns.actions') },
          ]}
        >
          {list.map((hook) => (
            <Table.Tr key={hook.id}>
              <Table.Th scope="row" fw={500} style={{ overflowWrap: 'anywhere' }}>
                {hook.url}
              </Table.Th>
              <Table.Td>
                <Text size="sm">{eventsLabel(t, hook.events)}</Text>
              </Table.Td>
              <Table.Td>{formatDateTime(hook.created_at, i18n.language)}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button
                    size="xs"
                    variant="default"
                    aria-label={t('webhooks.openLogFor', { url: hook.url })}
                    onClick={() => setParams({ log: hook.id })}
                  >
                    {t('webhooks.openLog')}
                  </Button>
                  <Button
                    size="xs"
                    variant="default"
                    color="red"
                    aria-label={t('webhooks.deleteFor', { url: hook.url })}
                    onClick={() => setDeleting(hook)}
                  >
                    {t('webhooks.delete')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      </Section>
      <NewWebhookSection />
      <DeliveriesDrawer hook={logOf} onClose={() => setParams({}, { replace: true })} />
      <ConfirmDialog
        opened={deleting !== null}
        title={t('webhooks.deleteTitle')}
        confirmLabel={t('webhooks.delete')}
        danger
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && confirmDelete(deleting)}
        onClose={() => {
          remove.reset();
          setDeleting(null);
        }}
      >
        {t('webhooks.deleteBody', { url: deleting?.url ?? '' })}
      </ConfirmDialog>
    </Page>
  );
}
