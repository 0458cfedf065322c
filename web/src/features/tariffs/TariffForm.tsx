import { Button, Fieldset, Group, List, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addDays } from '#domain/mail/index.js';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useRulesInForce } from '../production/api';
import { fieldError } from '../../lib/error-message';
import { formatDay } from '../../lib/format';
import { ApiError } from '../../lib/http';
import type { Tariff } from './api';
import { formatEuros, formatRate, parisToday } from './money';
import {
  changedFields,
  dateProblem,
  draftFrom,
  GROUP_LABEL,
  MAIL_CLASS_ORDER,
  postageKey,
  postageLabel,
  postageSteps,
  PRICE_GROUPS,
  PRICE_LINES,
  readFields,
  requiredSteps,
  serverField,
  tariffFrom,
  VAT_CATEGORIES,
  vatKey,
  type DateProblem,
  type Draft,
  type Field,
  type FieldProblem,
} from './model';
import { PostageGrid } from './PostageGrid';
import classes from './Tariffs.module.css';

const DATE_FIELD = 'tariff.effectiveFrom';
const POSTAGE_FIELD = 'tariff.lines.postage';

const AMOUNT_PROBLEM = {
  required: 'tariffs.form.amountRequired',
  invalid: 'tariffs.form.amountInvalid',
  tooLarge: 'tariffs.form.amountTooLarge',
} as const satisfies Record<FieldProblem, string>;

const RATE_PROBLEM = {
  required: 'tariffs.form.rateRequired',
  invalid: 'tariffs.form.rateInvalid',
  tooLarge: 'tariffs.form.rateTooLarge',
} as const satisfies Record<FieldProblem, string>;

const DATE_PROBLEM = {
  required: 'tariffs.form.dateRequired',
  invalid: 'tariffs.form.dateInvalid',
  past: 'tariffs.form.dateInPast',
  taken: 'tariffs.form.dateTaken',
} as const satisfies Record<DateProblem, string>;

/**
 * The server's refusals this form knows, in the interface language: a date another version
 * already starts on (409), postage steps missing (422). Anything else keeps the server's words.
 */
function localized(t: TFunction, error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const say = (detail: string) =>
    new ApiError({ status: error.status, type: error.type, title: error.title, code: error.code, detail, errors: error.errors });
  if (error.code === 'conflict') return say(t('tariffs.errors.dateTaken'));
  if (error.code === 'business_rule' && error.fieldError(POSTAGE_FIELD) !== undefined) return say(t('tariffs.errors.postageMissing'));
  return error;
}

/** A price as the change summary says it: euros, a rate, or "not offered" for a blank step. */
function valueText(t: TFunction, language: string, field: Field, value: number | undefined): string {
  if (value === undefined) return t('tariffs.view.notOffered');
  return field.unit === 'cents' ? formatEuros(value, language) : formatRate(value, language);
}

/** What the new tariff changes, compared with the one it starts from. */
function ChangeSummary({ fields, baseLabel }: { fields: readonly Field[]; baseLabel: string }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const changes = changedFields(fields);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={titleId} data-testid="tariff-changes">
      <Stack gap="xs">
        <Title order={3} size="h4" id={titleId}>
          {t('tariffs.changes.title', { base: baseLabel })}
        </Title>
        {changes.length === 0 ? (
          <Text c="dimmed">{t('tariffs.changes.none')}</Text>
        ) : (
          <List spacing={4}>
            {changes.map((field) => (
              <List.Item key={field.key}>
                {t('tariffs.changes.item', {
                  label: field.label(t),
                  before: valueText(t, i18n.language, field, field.before),
                  after: valueText(t, i18n.language, field, field.after),
                })}
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Paper>
  );
}

/**
 * A new tariff from a date, prefilled from `base`: every price in euros (2 decimals at most),
 * postage as a grid of class × weight step, VAT in %. What changes is listed before sending.
 */
export function TariffForm({
  base,
  baseLabel,
  taken,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  base: Tariff;
  /** « tarif du 1 janvier 2026 » / "the tariff from 1 January 2026": what the form starts from. */
  baseLabel: string;
  /** The days versions of this choice already start on. */
  taken: readonly string[];
  pending: boolean;
  error: unknown;
  onSubmit: (tariff: Tariff) => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const formRef = useRef<HTMLFormElement>(null);
  const gridErrorsId = useId();
  const [today] = useState(parisToday);
  const rules = useRulesInForce();
  const steps = useMemo(() => postageSteps(rules, base), [rules, base]);
  const [draft, setDraft] = useState<Draft>(() => draftFrom(base, steps, addDays(today, 1), i18n.language));
  const [checked, setChecked] = useState(false);
  // The date last sent: a "date already taken" answer is about that date, not one typed since.
  const [sentDate, setSentDate] = useState<string | null>(null);

  const fields = useMemo(() => readFields(draft, base, steps, rules), [draft, base, steps, rules]);
  const byKey = new Map(fields.map((field) => [field.key, field]));
  const dateIssue = dateProblem(draft.effectiveFrom, today, taken);
  const problem = localized(t, error);

  const setValue = (key: string, text: string) => setDraft((d) => ({ ...d, values: { ...d.values, [key]: text } }));

  /** The field's own problem (a blank one only once sending was tried), else the server's. */
  const messageOf = (key: string): string | undefined => {
    const field = byKey.get(key);
    const issue = field?.problem ?? null;
    if (issue !== null && (checked || issue !== 'required')) return t(field?.unit === 'basisPoints' ? RATE_PROBLEM[issue] : AMOUNT_PROBLEM[issue]);
    return fieldError(error, serverField(key));
  };
  const dateMessage =
    (dateIssue !== null && (checked || dateIssue !== 'required') ? t(DATE_PROBLEM[dateIssue], { date: formatDay(today, i18n.language) }) : undefined) ??
    (error instanceof ApiError && error.code === 'conflict' && sentDate === draft.effectiveFrom ? t('tariffs.form.dateTaken') : fieldError(error, DATE_FIELD));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    const tariff = tariffFrom(draft, base, fields, steps);
    if (dateIssue !== null || tariff === null) {
      // Keyboard and screen-reader users land on the first field to correct.
      setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    setSentDate(tariff.effectiveFrom);
    onSubmit(tariff);
  };

  const amountField = (key: string, label: string) => (
    <TextInput
      key={key}
      label={label}
      required
      inputMode="decimal"
      autoComplete="off"
      value={draft.values[key] ?? ''}
      onChange={(e) => setValue(key, e.currentTarget.value)}
      error={messageOf(key)}
      rightSection={<span aria-hidden="true">€</span>}
      rightSectionPointerEvents="none"
      classNames={{ input: classes.number }}
    />
  );

  const gridMessages = MAIL_CLASS_ORDER.flatMap((mailClass) =>
    steps.flatMap((step) => {
      const key = postageKey(mailClass, step);
      const message = messageOf(key);
      return message === undefined ? [] : [{ key, text: t('errors.field', { field: postageLabel(t, mailClass, step), message }) }];
    }),
  );
  const postageServerMessage = fieldError(error, POSTAGE_FIELD);
  const dateText = dateIssue === null ? formatDay(draft.effectiveFrom, i18n.language) : null;

  return (
    <form ref={formRef} onSubmit={submit} noValidate>
      <Stack gap="lg">
        <Text c="dimmed">{t('tariffs.form.lead', { base: baseLabel })}</Text>
        <TextInput
          type="date"
          label={t('tariffs.form.effectiveFrom')}
          description={t('tariffs.form.effectiveFromHint')}
          required
          autoFocus
          min={today}
          value={draft.effectiveFrom}
          onChange={(e) => {
            const effectiveFrom = e.currentTarget.value;
            setDraft((d) => ({ ...d, effectiveFrom }));
          }}
          error={dateMessage}
          maw={320}
        />

        {PRICE_GROUPS.map((group) => (
          <Fieldset key={group} legend={t(GROUP_LABEL[group])}>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
              {PRICE_LINES.filter((line) => line.group === group).map((line) => amountField(line.key, line.label(t)))}
            </SimpleGrid>
          </Fieldset>
        ))}

        <Fieldset legend={t('tariffs.groups.postage')}>
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {t('tariffs.form.postageHint')}
            </Text>
            <Table.ScrollContainer minWidth={720}>
              <Table withRowBorders={false} verticalSpacing={4}>
                <Table.Caption>{t('tariffs.form.postageCaption')}</Table.Caption>
                <PostageGrid
                  steps={steps}
                  rowWeight={500}
                  cell={(mailClass, step) => {
                    const key = postageKey(mailClass, step);
                    const invalid = messageOf(key) !== undefined;
                    const required = requiredSteps(mailClass, rules).includes(step);
                    return (
                      <Table.Td>
                        <TextInput
                          aria-label={postageLabel(t, mailClass, step)}
                          aria-describedby={invalid ? gridErrorsId : undefined}
                          required={required}
                          inputMode="decimal"
                          autoComplete="off"
                          size="sm"
                          className={classes.cell}
                          value={draft.values[key] ?? ''}
                          onChange={(e) => setValue(key, e.currentTarget.value)}
                          error={invalid}
                          rightSection={<span aria-hidden="true">€</span>}
                          rightSectionPointerEvents="none"
                        />
                      </Table.Td>
                    );
                  }}
                />
              </Table>
            </Table.ScrollContainer>
            {(gridMessages.length > 0 || postageServerMessage) && (
              <List size="sm" c="red.8" id={gridErrorsId}>
                {postageServerMessage && <List.Item>{t('tariffs.errors.postageMissing')}</List.Item>}
                {gridMessages.map((m) => (
                  <List.Item key={m.key}>{m.text}</List.Item>
                ))}
              </List>
            )}
          </Stack>
        </Fieldset>

        <Fieldset legend={t('tariffs.groups.vat')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            {VAT_CATEGORIES.map((category) => {
              const key = vatKey(category);
              return (
                <TextInput
                  key={key}
                  label={byKey.get(key)?.label(t)}
                  required
                  inputMode="decimal"
                  autoComplete="off"
                  value={draft.values[key] ?? ''}
                  onChange={(e) => setValue(key, e.currentTarget.value)}
                  error={messageOf(key)}
                  rightSection={<span aria-hidden="true">%</span>}
                  rightSectionPointerEvents="none"
                  classNames={{ input: classes.number }}
                />
              );
            })}
          </SimpleGrid>
          <Text size="sm" c="dimmed" mt="xs">
            {t('tariffs.form.vatCategoriesKept')}
          </Text>
        </Fieldset>

        <ChangeSummary fields={fields} baseLabel={baseLabel} />
        <ErrorAlert
          error={problem}
          shownFields={[DATE_FIELD, POSTAGE_FIELD, ...fields.map((field) => serverField(field.key))]}
        />
        <Group gap="sm">
          <Button type="submit" loading={pending}>
            {dateText ? t('tariffs.new.submitFrom', { date: dateText }) : t('tariffs.new.submit')}
          </Button>
          <Button variant="default" onClick={onCancel} disabled={pending}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
