import { Button, Checkbox, Fieldset, Group, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../lib/error-message';
import { todayIso } from '../../lib/format';
import type { Organisation, OrganisationInput } from './api';
import { OPTION_KEYS, OPTION_LABEL } from './labels';

const FIELDS = ['name', 'contract.starts_on', 'contract.ends_on', 'contract.onboarding_ends_on', 'contract', 'contract.options'];

function initial(organisation?: Organisation): OrganisationInput {
  const contract = organisation?.contract;
  return {
    name: organisation?.name ?? '',
    contract: {
      starts_on: contract?.starts_on ?? todayIso(),
      ends_on: contract?.ends_on ?? null,
      onboarding_ends_on: contract?.onboarding_ends_on ?? null,
      options: contract?.options ?? { undelivered_mail: false, simple_archive: false, electronic_archive: false, user_assistance: false },
    },
  };
}

/** The client organisation and its contract: creating one, or editing it. */
export function ClientForm({
  organisation,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  organisation?: Organisation;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (input: OrganisationInput) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState<OrganisationInput>(() => initial(organisation));
  const [checked, setChecked] = useState(false);
  const c = value.contract;
  const setContract = (patch: Partial<OrganisationInput['contract']>) => setValue((v) => ({ ...v, contract: { ...v.contract, ...patch } }));

  // The same rules as the server's, said before sending.
  const problems = {
    name: value.name.trim().length < 2 ? t('clients.form.nameTooShort') : undefined,
    starts: c.starts_on === '' ? t('clients.form.dateRequired') : undefined,
    ends: c.ends_on && c.starts_on && c.ends_on < c.starts_on ? t('clients.form.endsBeforeStart') : undefined,
    onboarding:
      c.onboarding_ends_on && c.starts_on && c.onboarding_ends_on < c.starts_on ? t('clients.form.onboardingBeforeStart') : undefined,
  };
  const shown = (local: string | undefined, field: string) => (checked ? local : undefined) ?? fieldError(error, field);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (Object.values(problems).some(Boolean)) return;
    onSubmit({ ...value, name: value.name.trim() });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label={t('clients.form.name')}
          required
          autoComplete="organization"
          value={value.name}
          onChange={(e) => {
            const name = e.currentTarget.value;
            setValue((v) => ({ ...v, name }));
          }}
          error={shown(problems.name, 'name')}
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <TextInput
            type="date"
            label={t('contract.startsOn')}
            required
            value={c.starts_on}
            onChange={(e) => setContract({ starts_on: e.currentTarget.value })}
            error={shown(problems.starts, 'contract.starts_on')}
          />
          <TextInput
            type="date"
            label={t('contract.endsOn')}
            description={t('clients.form.optional')}
            value={c.ends_on ?? ''}
            onChange={(e) => setContract({ ends_on: e.currentTarget.value || null })}
            error={shown(problems.ends, 'contract.ends_on')}
          />
          <TextInput
            type="date"
            label={t('contract.onboardingEndsOn')}
            description={t('clients.form.optional')}
            value={c.onboarding_ends_on ?? ''}
            onChange={(e) => setContract({ onboarding_ends_on: e.currentTarget.value || null })}
            error={shown(problems.onboarding, 'contract.onboarding_ends_on')}
          />
        </SimpleGrid>
        <Fieldset legend={t('contract.optionsTitle')} variant="unstyled">
          <Stack gap="xs">
            {OPTION_KEYS.map((key) => (
              <Checkbox
                key={key}
                label={t(OPTION_LABEL[key])}
                checked={c.options[key]}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  setContract({ options: { ...c.options, [key]: on } });
                }}
              />
            ))}
          </Stack>
        </Fieldset>
        <ErrorAlert error={error} shownFields={FIELDS.slice(0, 4)} />
        <Group gap="sm">
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
          {onCancel && (
            <Button variant="default" onClick={onCancel} disabled={pending}>
              {t('common.cancel')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
