import { Button, Group, Image, List, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyField } from '../../components/CopyField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { fieldError } from '../../lib/error-message';
import { http } from '../../lib/http';

interface Enrollment {
  secret: string;
  otpauth_url: string;
  qr_svg: string;
}

/**
 * Setting up the authenticator app: the QR code, the secret as text for those who cannot scan,
 * and a first code to prove it works. Used at a staff member's first sign-in and in the profile.
 */
export function TotpEnrollment({
  userId,
  onEnrolled,
  onCancel,
  cancelLabel,
}: {
  userId: string;
  onEnrolled: (recoveryCodes: string[]) => void;
  onCancel?: () => void;
  cancelLabel?: string;
}) {
  const { t } = useTranslation();
  // A query rather than an effect: asked once per user even when React renders twice, and
  // never refetched behind the person's back (a new secret would void the QR code shown).
  const enrollment = useQuery({
    queryKey: ['totp-enrollment', userId],
    queryFn: () => http.post<Enrollment>('/api/v1/session/totp/enrollment'),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const [code, setCode] = useState('');
  const confirm = useMutation({
    mutationFn: (value: string) =>
      http.post<{ recovery_codes: string[] }>('/api/v1/session/totp/enrollment/confirm', { code: value }, { authAttempt: true }),
    onSuccess: (result) => onEnrolled(result.recovery_codes),
  });

  if (enrollment.isPending) return <Loading />;
  if (enrollment.isError) return <ErrorAlert error={enrollment.error} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = code.trim();
    if (value.length >= 6) confirm.mutate(value);
  };
  const { qr_svg: qr, secret } = enrollment.data;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <List type="ordered" spacing="xs">
          <List.Item>{t('enroll.step1')}</List.Item>
          <List.Item>{t('enroll.step2')}</List.Item>
          <List.Item>{t('enroll.step3')}</List.Item>
        </List>
        <Image
          src={`data:image/svg+xml;utf8,${encodeURIComponent(qr)}`}
          alt={t('enroll.qrAlt')}
          w={200}
          h={200}
          fit="contain"
          bg="white"
        />
        <Text size="sm">{t('enroll.cannotScan')}</Text>
        <CopyField label={t('enroll.secret')} value={secret} />
        <TextInput
          label={t('enroll.code')}
          description={t('enroll.codeHint')}
          autoComplete="one-time-code"
          inputMode="numeric"
          required
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          error={fieldError(confirm.error, 'code')}
        />
        <ErrorAlert error={confirm.error} shownFields={['code']} />
        <Group justify="space-between">
          <Button type="submit" loading={confirm.isPending}>
            {t('enroll.confirm')}
          </Button>
          {onCancel && (
            <Button variant="subtle" onClick={onCancel}>
              {cancelLabel ?? t('common.cancel')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
