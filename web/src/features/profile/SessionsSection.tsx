import { Button, Group } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useSignOut } from '../accounts/use-sign-out';
import { Section } from '../../components/Section';

/** "Sign out everywhere": every session of the person ends, this one included. */
export function SessionsSection() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const signOut = useSignOut('everywhere');
  return (
    <Section title={t('profile.sessions.title')} lead={t('profile.sessions.lead')}>
      <Group>
        <Button variant="outline" color="red" onClick={() => setOpen(true)}>
          {t('profile.sessions.everywhere')}
        </Button>
      </Group>
      <ConfirmDialog
        opened={open}
        title={t('profile.sessions.confirmTitle')}
        confirmLabel={t('profile.sessions.everywhere')}
        danger
        pending={signOut.isPending}
        error={signOut.error}
        onConfirm={() => signOut.mutate()}
        onClose={() => setOpen(false)}
      >
        {t('profile.sessions.confirmBody')}
      </ConfirmDialog>
    </Section>
  );
}
