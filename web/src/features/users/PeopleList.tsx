import { Alert, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { Loading } from '../../components/Loading';
import { useCurrentUser } from '../accounts/session';
import { usePeople, usePersonAction, type PersonAction, type UserDto } from './api';
import { InviteDialog } from './InviteDialog';
import { ROLE_LABEL, USER_STATUS } from './labels';
import { StatusBadge } from '../../components/StatusBadge';

interface Pending {
  user: UserDto;
  action: 'deactivate' | 'reactivate';
}

/** The people of an organisation, with invite, deactivate, reactivate and resend invitation. */
export function PeopleList({ organisationId }: { organisationId: string }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const people = usePeople(organisationId);
  const act = usePersonAction(organisationId);
  const [confirming, setConfirming] = useState<Pending | null>(null);
  const [inviting, setInviting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const run = (user: UserDto, action: PersonAction) => {
    setNotice(null);
    act.mutate(
      { user, action },
      {
        onSuccess: () => {
          setConfirming(null);
          const key = {
            deactivate: 'users.done.deactivated',
            reactivate: 'users.done.reactivated',
            'resend-invitation': 'users.done.resent',
          } as const;
          setNotice(t(key[action], { name: user.name, email: user.email }));
        },
      },
    );
  };

  let table;
  if (people.isPending) table = <Loading />;
  else if (people.isError) table = <ErrorAlert error={people.error} />;
  else if (people.items.length === 0) table = <Text c="dimmed">{t('users.empty')}</Text>;
  else
    table = (
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('users.columns.name')}</Table.Th>
              <Table.Th scope="col">{t('common.email')}</Table.Th>
              <Table.Th scope="col">{t('users.columns.role')}</Table.Th>
              <Table.Th scope="col">{t('users.columns.status')}</Table.Th>
              <Table.Th scope="col">{t('users.columns.twoFactor')}</Table.Th>
              <Table.Th scope="col">{t('users.columns.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {people.items.map((user) => {
              const status = USER_STATUS[user.status];
              const self = user.id === me.id;
              return (
                <Table.Tr key={user.id}>
                  <Table.Th scope="row" fw={500}>
                    {user.name}
                  </Table.Th>
                  <Table.Td>{user.email}</Table.Td>
                  <Table.Td>{t(ROLE_LABEL[user.role])}</Table.Td>
                  <Table.Td>
                    <StatusBadge color={status.color}>
                      {t(status.label)}
                    </StatusBadge>
                  </Table.Td>
                  <Table.Td>{user.totp_enabled ? t('users.twoFactor.on') : t('users.twoFactor.off')}</Table.Td>
                  <Table.Td>
                    {self ? (
                      <Text size="sm" c="dimmed">
                        {t('users.you')}
                      </Text>
                    ) : (
                      <Group gap="xs" wrap="nowrap">
                        {user.status === 'invited' && (
                          <Button
                            size="xs"
                            variant="default"
                            aria-label={t('users.actions.resendFor', { name: user.name })}
                            loading={act.isPending && act.variables.user.id === user.id && act.variables.action === 'resend-invitation'}
                            onClick={() => run(user, 'resend-invitation')}
                          >
                            {t('users.actions.resend')}
                          </Button>
                        )}
                        {user.status === 'deactivated' ? (
                          <Button
                            size="xs"
                            variant="default"
                            aria-label={t('users.actions.reactivateFor', { name: user.name })}
                            onClick={() => setConfirming({ user, action: 'reactivate' })}
                          >
                            {t('users.actions.reactivate')}
                          </Button>
                        ) : (
                          <Button
                            size="xs"
                            variant="default"
                            color="red"
                            aria-label={t('users.actions.deactivateFor', { name: user.name })}
                            onClick={() => setConfirming({ user, action: 'deactivate' })}
                          >
                            {t('users.actions.deactivate')}
                          </Button>
                        )}
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );

  return (
    <Stack gap="md">
      <Group>
        <Button onClick={() => setInviting(true)}>{t('users.invite.open')}</Button>
      </Group>
      {notice && (
        <Alert color="green" variant="light" role="status" withCloseButton onClose={() => setNotice(null)} closeButtonLabel={t('common.close')}>
          {notice}
        </Alert>
      )}
      {!confirming && act.isError && <ErrorAlert error={act.error} />}
      {table}
      <LoadMore hasMore={people.hasNextPage} loading={people.isFetchingNextPage} onLoad={() => void people.fetchNextPage()} />
      <InviteDialog
        organisationId={organisationId}
        opened={inviting}
        onClose={() => setInviting(false)}
        onInvited={(user) => {
          setInviting(false);
          setNotice(t('users.done.invited', { name: user.name, email: user.email }));
        }}
      />
      <ConfirmDialog
        opened={confirming !== null}
        title={
          confirming?.action === 'reactivate'
            ? t('users.confirm.reactivateTitle', { name: confirming.user.name })
            : t('users.confirm.deactivateTitle', { name: confirming?.user.name ?? '' })
        }
        confirmLabel={confirming?.action === 'reactivate' ? t('users.actions.reactivate') : t('users.actions.deactivate')}
        danger={confirming?.action === 'deactivate'}
        pending={act.isPending}
        error={act.error}
        onConfirm={() => confirming && run(confirming.user, confirming.action)}
        onClose={() => {
          act.reset();
          setConfirming(null);
        }}
      >
        {confirming?.action === 'reactivate' ? t('users.confirm.reactivateBody') : t('users.confirm.deactivateBody')}
      </ConfirmDialog>
    </Stack>
  );
}
