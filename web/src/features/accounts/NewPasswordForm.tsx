import { Button, Group, Progress, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../lib/error-message';
import { MIN_PASSWORD_LENGTH, passwordStrength, type Strength } from './password-strength';
import { PasswordField } from '../../components/PasswordField';

const STRENGTH_VALUE: Record<Strength, number> = { tooShort: 10, weak: 25, fair: 50, strong: 75, veryStrong: 100 };
const STRENGTH_COLOR: Record<Strength, string> = { tooShort: 'red', weak: 'red', fair: 'yellow', strong: 'teal', veryStrong: 'green' };
const STRENGTH_LABEL = {
  tooShort: 'password.strength.tooShort',
  weak: 'password.strength.weak',
  fair: 'password.strength.fair',
  strong: 'password.strength.strong',
  veryStrong: 'password.strength.veryStrong',
} as const;

/** "Choose a password, twice", with a strength hint: activation, reset, profile. */
export function NewPasswordForm({
  email,
  name,
  submitLabel,
  pending,
  error,
  onSubmit,
  currentPassword = false,
}: {
  email?: string;
  name?: string;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (password: string, current: string) => void;
  /** Ask for the current password too (profile). */
  currentPassword?: boolean;
}) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [checked, setChecked] = useState(false);
  const strength = passwordStrength(password, [email ?? '', name ?? '']);
  const tooShort = password.length < MIN_PASSWORD_LENGTH;
  const mismatch = again !== password;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (tooShort || mismatch || (currentPassword && current === '')) return;
    onSubmit(password, current);
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        {email !== undefined && (
          // Tells password managers which account the new password belongs to.
          <TextInput label={t('common.email')} value={email} readOnly autoComplete="username" />
        )}
        {currentPassword && (
          <PasswordField
            label={t('common.currentPassword')}
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={
              (checked && current === '' ? t('password.required') : undefined) ??
              fieldError(error, 'current_password')
            }
          />
        )}
        <div>
          <PasswordField
            label={t('password.new')}
            description={t('password.rule', { count: MIN_PASSWORD_LENGTH })}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={(checked && tooShort ? t('password.tooShort', { count: MIN_PASSWORD_LENGTH }) : undefined) ?? fieldError(error, 'password', 'new_password')}
          />
          {password !== '' && (
            <Stack gap={4} mt="xs">
              <Progress value={STRENGTH_VALUE[strength]} color={STRENGTH_COLOR[strength]} size="sm" aria-hidden />
              <Text size="sm" aria-live="polite">
                {t('password.strength.label', { strength: t(STRENGTH_LABEL[strength]) })}
              </Text>
            </Stack>
          )}
        </div>
        <PasswordField
          label={t('password.again')}
          autoComplete="new-password"
          required
          value={again}
          onChange={(e) => setAgain(e.currentTarget.value)}
          error={checked && mismatch ? t('password.mismatch') : undefined}
        />
        <ErrorAlert error={error} shownFields={['password', 'new_password', 'current_password']} />
        <Group>
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
