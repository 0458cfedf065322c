import { mailpieceSheets, type ProductionRules } from '#domain/mail/index.js';
import { Alert, Checkbox, Grid, Group, Radio, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DocumentDto, OrderDto } from '../api';
import { RETENTIONS, type OrderForm } from '../form';
import { useRulesInForce } from '../../production/api';
import { classDays, classLimit, envelopeCapacity, ENVELOPES } from '../labels';
import { QuoteSummary } from '../QuoteTable';
import { StepHeading } from './StepHeading';
import type { StepProps } from './DocumentStep';

const ENVELOPE_FOLD = {
  'C5/6': 'orders.options.envelope.foldThree',
  C5: 'orders.options.envelope.foldTwo',
  C4: 'orders.options.envelope.flat',
} as const;

/**
 * Sheets in each envelope, as the server counts them (domain/mail/paper.ts): each document on
 * its own sheets, duplex halving sheets, plus a carrier sheet when Pli prints the address.
 * Null when it depends on where a split falls.
 */
export function sheetsPerLetter(form: OrderForm, documents: Map<string, DocumentDto>, rules: ProductionRules): number | null {
  const pages = [form.letter, ...form.attachments].map((id) => (id ? documents.get(id)?.pages : null));
  if (pages.some((p) => p === null || p === undefined)) return null;
  const [letterPages, ...attachmentPages] = pages as number[];
  if (letterPages === undefined) return null;
  const split = form.addressSource === 'document' ? form.splitMode : 'none';
  if (split === 'address') return null;
  const mainPages = split === 'every' ? Math.min(letterPages, Math.max(1, form.splitPages)) : letterPages;
  return mailpieceSheets({ documentPages: [mainPages, ...attachmentPages], sides: form.sides, carrierSheet: form.addressSource === 'recipients' }, rules);
}

/** Step 2: printing, envelope, class (registered with its level and AR), archive. */
export function OptionsStep({
  form,
  update,
  focus,
  documents,
  order,
  updating,
}: StepProps & { documents: Map<string, DocumentDto>; order: OrderDto | undefined; updating: boolean }) {
  const { t } = useTranslation();
  const rules = useRulesInForce();
  const sheets = sheetsPerLetter(form, documents, rules);
  const fits = sheets === null || sheets <= envelopeCapacity(form.envelope, rules);
  const larger = sheets === null ? undefined : ENVELOPES.find((e) => sheets <= envelopeCapacity(e, rules));

  return (
    <Grid gap="lg" pt="md">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="lg">
          <StepHeading title={t('orders.wizard.steps.options')} lead={t('orders.options.lead')} focus={focus} />

          <Radio.Group label={t('orders.options.color.label')} value={form.color} onChange={(color) => update({ color: color as OrderForm['color'] })}>
            <Group gap="lg" mt={6}>
              <Radio value="bw" label={t('orders.options.color.bw')} />
              <Radio value="color" label={t('orders.options.color.color')} />
            </Group>
          </Radio.Group>

          <Radio.Group label={t('orders.options.sides.label')} value={form.sides} onChange={(sides) => update({ sides: sides as OrderForm['sides'] })}>
            <Group gap="lg" mt={6}>
              <Radio value="simplex" label={t('orders.options.sides.simplex')} />
              <Radio value="duplex" label={t('orders.options.sides.duplex')} />
            </Group>
          </Radio.Group>

          <Stack gap="xs">
            <Radio.Group
              label={t('orders.options.envelope.label')}
              description={sheets === null ? undefined : t('orders.options.envelope.sheets', { count: sheets })}
              value={form.envelope}
              onChange={(envelope) => update({ envelope: envelope as OrderForm['envelope'] })}
            >
              <Stack gap="xs" mt={6}>
                {ENVELOPES.map((envelope) => (
                  <Radio
                    key={envelope}
                    value={envelope}
                    label={envelope}
                    description={t('orders.options.envelope.capacity', { fold: t(ENVELOPE_FOLD[envelope]), count: envelopeCapacity(envelope, rules) })}
                  />
                ))}
              </Stack>
            </Radio.Group>
            {!fits && sheets !== null && (
              <Alert color="orange" variant="light" role="status">
                {larger
                  ? t('orders.options.envelope.tooMany', { sheets, envelope: form.envelope, max: envelopeCapacity(form.envelope, rules), larger })
                  : t('orders.options.envelope.tooManyForAll', { sheets, max: envelopeCapacity('C4', rules) })}
              </Alert>
            )}
          </Stack>

          <Stack gap="sm">
            <Radio.Group
              label={t('orders.options.class.label')}
              value={form.mailClass}
              onChange={(mailClass) => update({ mailClass: mailClass as OrderForm['mailClass'] })}
            >
              <Stack gap="xs" mt={6}>
                <Radio
                  value="priority"
                  label={t('orders.options.class.priority')}
                  description={t('orders.options.class.hint', { days: classDays('priority', rules), limit: classLimit('priority', rules) })}
                />
                <Radio
                  value="non_priority"
                  label={t('orders.options.class.non_priority')}
                  description={t('orders.options.class.hint', { days: classDays('non_priority', rules), limit: classLimit('non_priority', rules) })}
                />
                <Radio
                  value="registered"
                  label={t('orders.options.class.registered')}
                  description={t('orders.options.class.registeredHint', { days: classDays('registered', rules), limit: classLimit('registered', rules) })}
                />
              </Stack>
            </Radio.Group>
            {form.mailClass === 'registered' && (
              <Stack gap="sm" pl={{ base: 0, sm: 'xl' }}>
                <Radio.Group
                  label={t('orders.options.level.label')}
                  description={t('orders.options.level.hint')}
                  value={form.registeredLevel}
                  onChange={(level) => update({ registeredLevel: level as OrderForm['registeredLevel'] })}
                >
                  <Group gap="lg" mt={6}>
                    <Radio value="R1" label="R1" />
                    <Radio value="R2" label="R2" />
                    <Radio value="R3" label="R3" />
                  </Group>
                </Radio.Group>
                <Checkbox
                  label={t('orders.options.acknowledgement')}
                  description={t('orders.options.acknowledgementHint')}
                  checked={form.acknowledgement}
                  onChange={(e) => update({ acknowledgement: e.currentTarget.checked })}
                />
              </Stack>
            )}
          </Stack>

          <Stack gap="sm">
            <Radio.Group label={t('orders.options.archive.label')} value={form.archive} onChange={(archive) => update({ archive: archive as OrderForm['archive'] })}>
              <Stack gap="xs" mt={6}>
                <Radio value="none" label={t('orders.options.archive.none')} />
                <Radio value="simple" label={t('orders.options.archive.simple')} description={t('orders.options.archive.simpleHint')} />
                <Radio value="electronic" label={t('orders.options.archive.electronic')} description={t('orders.options.archive.electronicHint')} />
              </Stack>
            </Radio.Group>
            {form.archive === 'electronic' && (
              <Radio.Group
                label={t('orders.options.archive.retention')}
                value={String(form.retentionYears)}
                onChange={(years) => update({ retentionYears: Number(years) as OrderForm['retentionYears'] })}
                pl={{ base: 0, sm: 'xl' }}
              >
                <Group gap="lg" mt={6}>
                  {RETENTIONS.map((years) => (
                    <Radio key={years} value={String(years)} label={t('orders.options.archive.years', { count: years })} />
                  ))}
                </Group>
              </Radio.Group>
            )}
          </Stack>
          <Text size="sm" c="dimmed">
            {t('orders.options.contractNote')}
          </Text>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <QuoteSummary order={order} updating={updating} />
      </Grid.Col>
    </Grid>
  );
}
