import { Alert, Button, Group, NumberInput, Select, Stack, Table, TagsInput, Text, TextInput, type NumberInputProps } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addDays, ENVELOPE_TYPES, MAIL_CLASS_NAMES, type EnvelopeType, type MailClass, type ProductionRules } from '#domain/mail/index.js';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ListTable } from '../../components/ListTable';
import { Section } from '../../components/Section';
import { StatusBadge } from '../../components/StatusBadge';
import { fieldError } from '../../lib/error-message';
import { formatDateTime, formatDay } from '../../lib/format';
import { parisToday } from '../tariffs/money';
import { useCreateProductionRules, useProductionRules, type ProductionRulesInput, type ProductionRulesVersion } from './api';
import classes from './Production.module.css';

const STATUS = {
  in_force: { label: 'production.rules.status.in_force', color: 'green' },
  scheduled: { label: 'production.rules.status.scheduled', color: 'blue' },
  past: { label: 'production.rules.status.past', color: 'gray' },
} as const satisfies Record<ProductionRulesVersion['status'], { label: string; color: string }>;

const CLASS_LABEL = {
  priority: 'production.rules.classes.priority',
  registered: 'production.rules.classes.registered',
  non_priority: 'production.rules.classes.non_priority',
} as const satisfies Record<MailClass, string>;

// Weights are typed in grams (people think « 4,99 g ») and stored in milligrams, whole.
/** 4990 mg → « 4,99 g » / "4.99 g". */
function grams(mg: number, language: string): string {
  return `${new Intl.NumberFormat(language === 'en' ? 'en-GB' : 'fr-FR', { maximumFractionDigits: 3 }).format(mg / 1000)}\u00a0g`;
}
const gramsOf = (mg: number): number => mg / 1000;
const mgOf = (grams: number | string): number => Math.round(Number(grams || 0) * 1000);
/** A step typed as « 20 », « 1000 » or « 50,5 » grams → mg; null if it is not a weight. */
function stepMg(text: string): number | null {
  const grams = Number(text.trim().replace(',', '.'));
  return text.trim() !== '' && Number.isFinite(grams) && grams > 0 ? Math.round(grams * 1000) : null;
}

function GramsInput(props: NumberInputProps) {
  const { i18n } = useTranslation();
  return <NumberInput decimalScale={3} allowNegative={false} decimalSeparator={i18n.language === 'en' ? '.' : ','} suffix=" g" required {...props} />;
}

function CountInput(props: NumberInputProps) {
  return <NumberInput allowDecimal={false} allowNegative={false} required {...props} />;
}

type Envelopes = Record<EnvelopeType, { weight: number | string; sheets: number | string }>;
type Classes = Record<MailClass, { max: string | null; days: number | string }>;

/** A new version, prefilled from the one in force; it starts tomorrow unless the date is changed. */
function NewVersionForm({ base }: { base: ProductionRules }) {
  const { t, i18n } = useTranslation();
  const create = useCreateProductionRules();
  const [effectiveFrom, setEffectiveFrom] = useState(() => addDays(parisToday(), 1));
  const [sheet, setSheet] = useState<number | string>(gramsOf(base.sheetMg));
  const [envelopes, setEnvelopes] = useState<Envelopes>(
    Object.fromEntries(ENVELOPE_TYPES.map((e) => [e, { weight: gramsOf(base.envelopes[e].weightMg), sheets: base.envelopes[e].maxSheets }])) as Envelopes,
  );
  const [carrierSheet, setCarrierSheet] = useState<number | string>(base.carrierSheet);
  const [label, setLabel] = useState<number | string>(gramsOf(base.registeredLabelMg));
  const [card, setCard] = useState<number | string>(gramsOf(base.acknowledgementCardMg));
  const [thickness, setThickness] = useState<number | string>(base.maxThicknessMm);
  const [steps, setSteps] = useState<number[]>([...base.postageStepsMg]);
  const [stepError, setStepError] = useState<string | null>(null);
  const [mailClasses, setMailClasses] = useState<Classes>(
    Object.fromEntries(MAIL_CLASS_NAMES.map((c) => [c, { max: String(base.classes[c].maxMg), days: base.classes[c].deliveryDays }])) as Classes,
  );
  const [published, setPublished] = useState<string | null>(null);

  const changeSteps = (values: string[]) => {
    const read = values.map(stepMg);
    const wrong = values.find((_, i) => read[i] === null);
    setStepError(wrong === undefined ? null : t('production.rules.stepInvalid', { value: wrong }));
    setSteps([...new Set(read.filter((v): v is number => v !== null))].sort((a, b) => a - b));
  };
  const setEnvelope = (envelope: EnvelopeType, change: Partial<Envelopes[EnvelopeType]>) => setEnvelopes((all) => ({ ...all, [envelope]: { ...all[envelope], ...change } }));
  const setClass = (mailClass: MailClass, change: Partial<Classes[MailClass]>) => setMailClasses((all) => ({ ...all, [mailClass]: { ...all[mailClass], ...change } }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPublished(null);
    const rules: ProductionRulesInput = {
      effectiveFrom,
      sheetMg: mgOf(sheet),
      envelopes: Object.fromEntries(ENVELOPE_TYPES.map((e) => [e, { weightMg: mgOf(envelopes[e].weight), maxSheets: Number(envelopes[e].sheets) }])),
      carrierSheet: Number(carrierSheet),
      registeredLabelMg: mgOf(label),
      acknowledgementCardMg: mgOf(card),
      maxThicknessMm: Number(thickness),
      postageStepsMg: steps,
      classes: Object.fromEntries(MAIL_CLASS_NAMES.map((c) => [c, { maxMg: Number(mailClasses[c].max), deliveryDays: Number(mailClasses[c].days) }])) as ProductionRulesInput['classes'],
    };
    create.mutate(rules, { onSuccess: (version) => setPublished(version.effective_from) });
  };

  const error = create.error;
  const stepOptions = steps.map((mg) => ({ value: String(mg), label: grams(mg, i18n.language) }));
  const shown = [
    'effectiveFrom',
    'sheetMg',
    'carrierSheet',
    'registeredLabelMg',
    'acknowledgementCardMg',
    'maxThicknessMm',
    'postageStepsMg',
    ...steps.map((_, i) => `postageStepsMg.${i}`),
    ...ENVELOPE_TYPES.flatMap((e) => [`envelopes.${e}`, `envelopes.${e}.weightMg`, `envelopes.${e}.maxSheets`]),
    ...MAIL_CLASS_NAMES.flatMap((c) => [`classes.${c}.maxMg`, `classes.${c}.deliveryDays`]),
  ];
  return (
    <form onSubmit={submit} noValidate aria-label={t('production.rules.formTitle')}>
      <Stack gap="md" maw={760}>
        <TextInput
          type="date"
          label={t('production.rules.effectiveFrom')}
          description={t('production.rules.effectiveFromHint')}
          required
          w={240}
          min={parisToday()}
          value={effectiveFrom}
          onChange={(e) => setEffectiveFrom(e.currentTarget.value)}
          error={fieldError(error, 'effectiveFrom')}
        />
        <Group grow align="flex-start">
          <GramsInput label={t('production.rules.sheet')} value={sheet} onChange={setSheet} error={fieldError(error, 'sheetMg')} />
          <CountInput label={t('production.rules.carrierSheet')} min={1} value={carrierSheet} onChange={setCarrierSheet} error={fieldError(error, 'carrierSheet')} />
          <CountInput label={t('production.rules.thickness')} min={1} value={thickness} onChange={setThickness} error={fieldError(error, 'maxThicknessMm')} />
        </Group>
        <Group grow align="flex-start">
          <GramsInput label={t('production.rules.registeredLabel')} value={label} onChange={setLabel} error={fieldError(error, 'registeredLabelMg')} />
          <GramsInput label={t('production.rules.acknowledgementCard')} value={card} onChange={setCard} error={fieldError(error, 'acknowledgementCardMg')} />
        </Group>
        {ENVELOPE_TYPES.map((envelope) => (
          <Group key={envelope} grow align="flex-start">
            <GramsInput
              label={t('production.rules.envelopeWeight', { envelope })}
              value={envelopes[envelope].weight}
              onChange={(weight) => setEnvelope(envelope, { weight })}
              error={fieldError(error, `envelopes.${envelope}.weightMg`, `envelopes.${envelope}`)}
            />
            <CountInput
              label={t('production.rules.envelopeSheets', { envelope })}
              min={1}
              value={envelopes[envelope].sheets}
              onChange={(sheets) => setEnvelope(envelope, { sheets })}
              error={fieldError(error, `envelopes.${envelope}.maxSheets`)}
            />
          </Group>
        ))}
        <TagsInput
          label={t('production.rules.steps')}
          description={t('production.rules.stepsHint')}
          value={steps.map((mg) => String(gramsOf(mg)))}
          onChange={changeSteps}
          splitChars={[' ', ';']}
          maxTags={20}
          error={stepError ?? fieldError(error, 'postageStepsMg', ...steps.map((_, i) => `postageStepsMg.${i}`))}
        />
        {MAIL_CLASS_NAMES.map((mailClass) => (
          <Group key={mailClass} grow align="flex-start">
            <Select
              label={t('production.rules.classMax', { class: t(CLASS_LABEL[mailClass]) })}
              data={stepOptions}
              value={mailClasses[mailClass].max}
              onChange={(max) => setClass(mailClass, { max })}
              allowDeselect={false}
              required
              error={fieldError(error, `classes.${mailClass}.maxMg`)}
            />
            <CountInput
              label={t('production.rules.classDays', { class: t(CLASS_LABEL[mailClass]) })}
              min={1}
              max={10}
              value={mailClasses[mailClass].days}
              onChange={(days) => setClass(mailClass, { days })}
              error={fieldError(error, `classes.${mailClass}.deliveryDays`)}
            />
          </Group>
        ))}
        <ErrorAlert error={error} shownFields={shown} />
        {published && (
          <Alert color="green" variant="light" role="status">
            {t('production.rules.published', { date: formatDay(published, i18n.language) })}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={create.isPending}>
            {t('production.rules.publish')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The provider administrator's production rules: the versions, and a new one from a date. */
export function RulesTab() {
  const { t, i18n } = useTranslation();
  const versions = useProductionRules();
  const list = versions.data ?? [];
  const inForce = list.find((v) => v.status === 'in_force');
  return (
    <Stack gap="lg">
      <Section title={t('production.rules.title')} lead={t('production.rules.lead')}>
        <ListTable
          state={versions}
          isEmpty={list.length === 0}
          empty={t('production.rules.empty')}
          minWidth={760}
          caption={t('production.rules.caption')}
          columns={[
            { label: t('production.rules.columns.from') },
            { label: t('production.rules.columns.status') },
            { label: t('production.rules.columns.sheet'), className: classes.number },
            { label: t('production.rules.columns.envelopes') },
            { label: t('production.rules.columns.days') },
            { label: t('production.rules.columns.createdAt') },
          ]}
        >
          {list.map((version) => (
            <Table.Tr key={version.id}>
              <Table.Th scope="row">{formatDay(version.effective_from, i18n.language)}</Table.Th>
              <Table.Td>
                <StatusBadge color={STATUS[version.status].color}>{t(STATUS[version.status].label)}</StatusBadge>
              </Table.Td>
              <Table.Td className={classes.number}>{grams(version.rules.sheetMg, i18n.language)}</Table.Td>
              <Table.Td>
                {ENVELOPE_TYPES.map((e) => {
                  const spec = version.rules.envelopes[e];
                  return t('production.rules.envelopeSummary', { envelope: e, weight: grams(spec.weightMg, i18n.language), count: spec.maxSheets });
                }).join(' · ')}
              </Table.Td>
              <Table.Td>{MAIL_CLASS_NAMES.map((c) => t('production.rules.daysSummary', { class: t(CLASS_LABEL[c]), days: version.rules.classes[c].deliveryDays })).join(' · ')}</Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(version.created_at, i18n.language)}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      </Section>
      {inForce && (
        <Section title={t('production.rules.formTitle')} lead={t('production.rules.formLead')}>
          <NewVersionForm base={inForce.rules} />
        </Section>
      )}
    </Stack>
  );
}
