import type { ApiKeyDto } from '#contracts/accounts.js';
import { Alert, Button, Group, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyField } from '../../components/CopyField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { Loading } from '../../components/Loading';
import { fieldError } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { http } from '../../lib/http';
import { useCursorList } from '../../lib/pages';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';

type CreatedKey = ApiKeyDto & { key: string };
const KEYS = ['api-keys'] as const;

/** The person's API keys: create (the secret shown once), list, revoke. */
export function ApiKeysSection() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const keys = useCursorList<ApiKeyDto>(KEYS, '/api/v1/api-keys?limit=50');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyDto | null>(null);

  const create = useMutation({
    mutationFn: (value: string) => http.post<CreatedKey>('/api/v1/api-keys', { name: value }),
    onSuccess: async (key) => {
      setCreated(key);
      setName('');
      await queryClient.invalidateQueries({ queryKey: KEYS });
    },
  });
  const revoke = useMutation({
    mutationFn: (key: ApiKeyDto) => http.delete(`/api/v1/api-keys/${encodeURIComponent(key.id)}`),
    onSuccess: async () => {
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: KEYS });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() !== '') create.mutate(name.trim());
  };
  const when = (value: string | null) => (value ? formatDateTime(value, i18n.language) : '—');

  let list;
  if (keys.isPending) list = <Loading />;
  else if (keys.isError) list = <ErrorAlert error={keys.error} />;
  else if (keys.items.length === 0) list = <Text c="dimmed">{t('apiKeys.empty')}</Text>;
  else
    list = (
      <Table.ScrollContainer minWidth={640}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('apiKeys.columns.name')}</Table.Th>
              <Table.Th scope="col">{t('apiKeys.columns.created')}</Table.Th>
              <Table.Th scope="col">{t('apiKeys.columns.lastUsed')}</Table.Th>
              <Table.Th scope="col">{t('apiKeys.columns.state')}</Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>{t('users.columns.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.items.map((key) => (
              <Table.Tr key={key.id}>
                <Table.Th scope="row" fw={500}>
                  {key.name}
                </Table.Th>
                <Table.Td>{when(key.created_at)}</Table.Td>
                <Table.Td>{key.last_used_at ? when(key.last_used_at) : t('apiKeys.neverUsed')}</Table.Td>
                <Table.Td>
                  {key.revoked_at ? (
                    <StatusBadge color="gray">
                      {t('apiKeys.revokedOn', { date: when(key.revoked_at) })}
                    </StatusBadge>
                  ) : (
                    <StatusBadge color="green">
                      {t('apiKeys.active')}
                    </StatusBadge>
                  )}
                </Table.Td>
                <Table.Td>
                  {!key.revoked_at && (
                    <Button
                      size="xs"
                      variant="default"
                      color="red"
                      aria-label={t('apiKeys.revokeFor', { name: key.name })}
                      onClick={() => setRevoking(key)}
                    >
                      {t('apiKeys.revoke')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );

  return (
    <Section title={t('apiKeys.title')} lead={t('apiKeys.lead')}>
      {created && (
        <Alert color="yellow" variant="light" title={t('apiKeys.createdTitle', { name: created.name })}>
          <Stack gap="sm">
            <Text size="sm">{t('apiKeys.once')}</Text>
            <CopyField label={t('apiKeys.secret')} value={created.key} />
            <Group>
              <Button size="xs" variant="default" onClick={() => setCreated(null)}>
                {t('apiKeys.copiedDone')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      <form onSubmit={submit} noValidate>
        <Group align="flex-end" gap="sm">
          <TextInput
            label={t('apiKeys.name')}
            description={t('apiKeys.nameHint')}
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(create.error, 'name')}
            w={{ base: '100%', xs: 320 }}
          />
          <Button type="submit" loading={create.isPending}>
            {t('apiKeys.create')}
          </Button>
        </Group>
      </form>
      <ErrorAlert error={create.error} shownFields={['name']} />
      {list}
      <LoadMore hasMore={keys.hasNextPage} loading={keys.isFetchingNextPage} onLoad={() => void keys.fetchNextPage()} />
      <ConfirmDialog
        opened={revoking !== null}
        title={t('apiKeys.revokeTitle', { name: revoking?.name ?? '' })}
        confirmLabel={t('apiKeys.revoke')}
        danger
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onClose={() => {
          revoke.reset();
          setRevoking(null);
        }}
      >
        {t('apiKeys.revokeBody')}
      </ConfirmDialog>
    </Section>
  );
}
