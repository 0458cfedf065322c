import { Alert, Button, Group, NativeSelect, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../lib/error-message';
import { http } from '../../lib/http';
import { chooseLanguage, isLanguage, type Language } from '../../lib/i18n';
import { sessionKey, useCurrentUser } from '../accounts/session';
import { ROLE_LABEL } from '../users/labels';
import { Section } from '../../components/Section';

/** Name and language (PATCH /api/v1/me); e-mail, role and organisation shown, not editable. */
export function PersonalSection() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const [name, setName] = useState(user.name);
  const [locale, setLocale] = useState<Language>(user.locale);
  const save = useMutation({
    mutationFn: (body: { name: string; locale: Language }) => http.patch('/api/v1/me', body),
    onSuccess: async (_result, body) => {
      await chooseLanguage(body.locale);
      await queryClient.invalidateQueries({ queryKey: sessionKey });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() !== '') save.mutate({ name: name.trim(), locale });
  };
  return (
    <Section title={t('profile.personal.title')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md" maw={480}>
          <TextInput label={t('common.email')} value={user.email} readOnly description={t('profile.personal.emailFixed')} />
          <TextInput
            label={t('profile.personal.role')}
            value={`${t(ROLE_LABEL[user.role])} — ${user.organisation.name}`}
            readOnly
          />
          <TextInput
            label={t('profile.personal.name')}
            required
            autoComplete="name"
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              save.reset();
            }}
            error={fieldError(save.error, 'name') ?? (name.trim() === '' ? t('profile.personal.nameRequired') : undefined)}
          />
          <NativeSelect
            label={t('profile.personal.language')}
            value={locale}
            onChange={(e) => {
              const value = e.currentTarget.value;
              if (isLanguage(value)) setLocale(value);
              save.reset();
            }}
            data={[
              { value: 'fr', label: 'Français' },
              { value: 'en', label: 'English' },
            ]}
          />
          <ErrorAlert error={save.error} shownFields={['name']} />
          {save.isSuccess && (
            <Alert color="green" variant="light" role="status">
              {t('profile.personal.saved')}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
