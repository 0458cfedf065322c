import { Badge, Button, Group, Modal, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PasswordPrompt } from '../../components/PasswordPrompt';
import { http } from '../../lib/http';
import { RecoveryCodes } from '../accounts/RecoveryCodes';
import { TotpEnrollment } from '../accounts/TotpEnrollment';
import { isProviderRole, sessionKey, useCurrentUser } from '../accounts/session';
import { Section } from '../../components/Section';

type Dialog = 'enroll' | 'disable' | 'codes' | null;

/**
 * Two-factor sign-in: clients may turn it on and off; provider staff always have it. Anyone
 * with it can get a new set of recovery codes (the old ones stop working).
 */
export function TwoFactorSection() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const staff = isProviderRole(user.role);
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: sessionKey });

  const disable = useMutation({
    mutationFn: (password: string) => http.delete('/api/v1/me/totp', { body: { password }, authAttempt: true }),
    onSuccess: async () => {
      setDialog(null);
      await refresh();
    },
  });
  const newCodes = useMutation({
    mutationFn: (password: string) =>
      http.post<{ recovery_codes: string[] }>('/api/v1/me/recovery-codes', { password }, { authAttempt: true }),
    onSuccess: (result) => {
      setDialog(null);
      setCodes(result.recovery_codes);
    },
  });

  const closeCodes = () => {
    setCodes(null);
    void refresh();
  };

  return (
    <Section title={t('profile.twoFactor.title')} lead={t('profile.twoFactor.lead')}>
      <Group gap="sm">
        <Text fw={500}>{t('profile.twoFactor.status')}</Text>
        <Badge color={user.totp_enabled ? 'green' : 'gray'} variant="light">
          {user.totp_enabled ? t('profile.twoFactor.on') : t('profile.twoFactor.off')}
        </Badge>
      </Group>
      {staff && <Text size="sm">{t('profile.twoFactor.staffMandatory')}</Text>}
      <Group gap="sm">
        {!user.totp_enabled && !staff && <Button onClick={() => setDialog('enroll')}>{t('profile.twoFactor.enable')}</Button>}
        {user.totp_enabled && (
          <Button variant="default" onClick={() => setDialog('codes')}>
            {t('profile.twoFactor.newCodes')}
          </Button>
        )}
        {user.totp_enabled && !staff && (
          <Button variant="outline" color="red" onClick={() => setDialog('disable')}>
            {t('profile.twoFactor.disable')}
          </Button>
        )}
      </Group>

      <Modal
        opened={dialog === 'enroll'}
        onClose={() => setDialog(null)}
        title={t('enroll.title')}
        size="lg"
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {dialog === 'enroll' && (
          <TotpEnrollment
            userId={user.id}
            onEnrolled={(recovery) => {
              setDialog(null);
              setCodes(recovery);
            }}
            onCancel={() => setDialog(null)}
          />
        )}
      </Modal>
      <Modal
        opened={codes !== null}
        onClose={closeCodes}
        title={t('recovery.title')}
        size="lg"
        closeOnClickOutside={false}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {codes && <RecoveryCodes codes={codes} onDone={closeCodes} doneLabel={t('recovery.done')} />}
      </Modal>
      <PasswordPrompt
        opened={dialog === 'disable'}
        title={t('profile.twoFactor.disableTitle')}
        explanation={t('profile.twoFactor.disableBody')}
        confirmLabel={t('profile.twoFactor.disable')}
        pending={disable.isPending}
        error={disable.error}
        onSubmit={(password) => disable.mutate(password)}
        onClose={() => {
          disable.reset();
          setDialog(null);
        }}
      />
      <PasswordPrompt
        opened={dialog === 'codes'}
        title={t('profile.twoFactor.newCodes')}
        explanation={t('profile.twoFactor.newCodesBody')}
        confirmLabel={t('profile.twoFactor.newCodesSubmit')}
        pending={newCodes.isPending}
        error={newCodes.error}
        onSubmit={(password) => newCodes.mutate(password)}
        onClose={() => {
          newCodes.reset();
          setDialog(null);
        }}
      />
    </Section>
  );
}
