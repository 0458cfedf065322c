import { Button, Group, Modal, NativeSelect, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../lib/error-message';
import { useInvite, type ClientRole, type UserDto } from './api';

/** "Invite someone": name, e-mail, role. The server e-mails them an activation link. */
export function InviteDialog({
  organisationId,
  opened,
  onClose,
  onInvited,
}: {
  organisationId: string;
  opened: boolean;
  onClose: () => void;
  onInvited: (user: UserDto) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ClientRole>('client_user');
  const invite = useInvite(organisationId);

  const close = () => {
    invite.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '' || email.trim() === '') return;
    invite.mutate(
      { name: name.trim(), email: email.trim(), role },
      {
        onSuccess: (user) => {
          setName('');
          setEmail('');
          setRole('client_user');
          invite.reset();
          onInvited(user);
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={t('users.invite.title')} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label={t('users.invite.name')}
            required
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(invite.error, 'name')}
            data-autofocus
          />
          <TextInput
            label={t('common.email')}
            type="email"
            required
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldError(invite.error, 'email')}
          />
          <NativeSelect
            label={t('users.invite.role')}
            value={role}
            onChange={(e) => setRole(e.currentTarget.value === 'client_admin' ? 'client_admin' : 'client_user')}
            data={[
              { value: 'client_user', label: t('roles.client_user') },
              { value: 'client_admin', label: t('roles.client_admin') },
            ]}
            error={fieldError(invite.error, 'role')}
          />
          <ErrorAlert error={invite.error} shownFields={['name', 'email', 'role']} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={invite.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={invite.isPending}>
              {t('users.invite.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
