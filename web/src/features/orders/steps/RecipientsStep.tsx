import { ActionIcon, Alert, Button, Code, FileButton, Grid, Group, NumberInput, Paper, Radio, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentDto, OrderDto } from '../api';
import type { OrderForm, SplitMode } from '../form';
import { formatCount } from '../labels';
import text from '../../../components/Text.module.css';
import classes from '../Orders.module.css';
import { QuoteSummary } from '../QuoteTable';
import { MAX_ADDRESS_LINES, newRow, parseRecipients, rowProblem, toRecipients, type ParsedRecipients, type RecipientRow, type RowProblem } from '../recipients';
import type { StepProps } from './DocumentStep';
import { StepHeading } from './StepHeading';

/** Rows shown for editing; a list imported from a file can hold thousands. */
const SHOWN_ROWS = 100;

const ROW_PROBLEM = {
  too_many_lines: 'orders.recipients.problem.too_many_lines',
  bad_country: 'orders.recipients.problem.bad_country',
} as const satisfies Record<RowProblem, string>;

function RecipientEditor({ row, number, onChange, onRemove }: { row: RecipientRow; number: number; onChange: (row: RecipientRow) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  const problem = rowProblem(row);
  return (
    <Paper withBorder p="sm" component="li" style={{ listStyle: 'none' }}>
      <Group align="flex-start" gap="sm" wrap="wrap">
        <Textarea
          label={t('orders.recipients.rowAddress', { number })}
          description={t('orders.recipients.rowHint', { max: MAX_ADDRESS_LINES })}
          value={row.address}
          onChange={(e) => onChange({ ...row, address: e.currentTarget.value })}
          error={problem === 'too_many_lines' ? t(ROW_PROBLEM.too_many_lines, { max: MAX_ADDRESS_LINES }) : undefined}
          autosize
          minRows={3}
          maxRows={7}
          flex="1 1 18rem"
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <TextInput
          label={t('orders.recipients.country')}
          description={t('orders.recipients.countryHint')}
          value={row.country}
          onChange={(e) => onChange({ ...row, country: e.currentTarget.value.toUpperCase() })}
          error={problem === 'bad_country' ? t(ROW_PROBLEM.bad_country) : undefined}
          maxLength={2}
          w="8rem"
        />
        <ActionIcon variant="default" color="red" mt={{ base: 0, sm: 'xl' }} onClick={onRemove} aria-label={t('orders.recipients.remove', { number })}>
          ✕
        </ActionIcon>
      </Group>
    </Paper>
  );
}

function ImportBox({ onImport }: { onImport: (parsed: ParsedRecipients) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [result, setResult] = useState<ParsedRecipients | null>(null);
  const [readError, setReadError] = useState(false);

  const add = (source: string) => {
    const parsed = parseRecipients(source);
    setResult(parsed);
    onImport(parsed);
    if (parsed.refused.length === 0) setText('');
  };

  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        {t('orders.recipients.importTitle')}
      </Title>
      <Text size="sm">{t('orders.recipients.importFormat', { max: MAX_ADDRESS_LINES })}</Text>
      <Code block>{t('orders.recipients.importExample')}</Code>
      <Text size="sm">{t('orders.recipients.importSpreadsheet')}</Text>
      <Textarea
        label={t('orders.recipients.paste')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        autosize
        minRows={4}
        maxRows={14}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      <Group gap="sm">
        <Button variant="light" onClick={() => add(text)} disabled={text.trim() === ''}>
          {t('orders.recipients.addPasted')}
        </Button>
        <FileButton
          accept=".txt,.csv,text/plain,text/csv"
          onChange={(file) => {
            setReadError(false);
            if (file) file.text().then(add, () => setReadError(true));
          }}
        >
          {(props) => (
            <Button {...props} variant="default">
              {t('orders.recipients.importFile')}
            </Button>
          )}
        </FileButton>
      </Group>
      {readError && (
        <Alert color="red" variant="light" role="alert">
          {t('orders.recipients.readError')}
        </Alert>
      )}
      {result && (
        <Alert color={result.refused.length > 0 ? 'orange' : 'green'} variant="light" role="status">
          <Text size="sm">{t('orders.recipients.imported', { count: result.rows.length })}</Text>
          {result.refused.map((r) => (
            <Text size="sm" key={r.number}>
              {t('orders.recipients.refusedBlock', { number: r.number, reason: t(ROW_PROBLEM[r.problem], { max: MAX_ADDRESS_LINES }) })}
            </Text>
          ))}
        </Alert>
      )}
    </Stack>
  );
}

/** Step 3: the address read from the document (possibly split into many letters), or a list of recipients. */
export function RecipientsStep({
  form,
  update,
  focus,
  letter,
  order,
  updating,
}: StepProps & { letter: DocumentDto | undefined; order: OrderDto | undefined; updating: boolean }) {
  const { t, i18n } = useTranslation();
  const rows = form.recipients;
  const valid = toRecipients(rows).length;
  const setRow = (index: number, row: RecipientRow) => update({ recipients: rows.map((r, i) => (i === index ? row : r)) });
  const lines = letter?.address?.lines ?? [];

  return (
    <Grid gap="lg" pt="md">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="lg">
          <StepHeading title={t('orders.wizard.steps.recipients')} lead={t('orders.recipients.lead')} focus={focus} />
          <Radio.Group
            label={t('orders.recipients.source')}
            value={form.addressSource}
            onChange={(source) => update({ addressSource: source as OrderForm['addressSource'], ...(source === 'recipients' && rows.length === 0 ? { recipients: [newRow()] } : {}) })}
          >
            <Stack gap="xs" mt={6}>
              <Radio value="document" label={t('orders.recipients.fromDocument')} description={t('orders.recipients.fromDocumentHint')} />
              <Radio value="recipients" label={t('orders.recipients.fromList')} description={t('orders.recipients.fromListHint')} />
            </Stack>
          </Radio.Group>

          {form.addressSource === 'document' ? (
            <Stack gap="md">
              <Stack gap="xs">
                <Text fw={600}>{t('orders.recipients.readOnPage1')}</Text>
                {lines.length > 0 ? <pre className={`${text.address} ${classes.addressFrame}`}>{lines.join('\n')}</pre> : <Text c="dimmed">{t('orders.document.noAddress')}</Text>}
              </Stack>
              <Radio.Group label={t('orders.recipients.split.label')} value={form.splitMode} onChange={(mode) => update({ splitMode: mode as SplitMode })}>
                <Stack gap="xs" mt={6}>
                  <Radio value="none" label={t('orders.recipients.split.none')} />
                  <Radio value="every" label={t('orders.recipients.split.every')} description={t('orders.recipients.split.everyHint')} />
                  <Radio value="address" label={t('orders.recipients.split.address')} description={t('orders.recipients.split.addressHint')} />
                </Stack>
              </Radio.Group>
              {form.splitMode === 'every' && (
                <NumberInput
                  label={t('orders.recipients.split.pages')}
                  description={letter?.pages ? t('orders.recipients.split.pagesOf', { count: letter.pages }) : undefined}
                  value={form.splitPages}
                  onChange={(value) => update({ splitPages: typeof value === 'number' ? value : Number(value) || 0 })}
                  min={1}
                  max={1000}
                  allowDecimal={false}
                  allowNegative={false}
                  maw={240}
                  pl={{ base: 0, sm: 'xl' }}
                />
              )}
            </Stack>
          ) : (
            <Stack gap="md">
              <Alert color="blue" variant="light" title={t('orders.recipients.carrierTitle')}>
                {t('orders.recipients.carrierBody')}
              </Alert>
              <Text fw={600} aria-live="polite">
                {t('orders.recipients.count', { count: valid, n: formatCount(valid, i18n.language) })}
              </Text>
              <Stack gap="sm" component="ol" p={0} m={0} aria-label={t('orders.recipients.listLabel')}>
                {rows.slice(0, SHOWN_ROWS).map((row, index) => (
                  <RecipientEditor
                    key={row.key}
                    row={row}
                    number={index + 1}
                    onChange={(changed) => setRow(index, changed)}
                    onRemove={() => update({ recipients: rows.filter((r) => r.key !== row.key) })}
                  />
                ))}
              </Stack>
              {rows.length > SHOWN_ROWS && (
                <Text c="dimmed">{t('orders.recipients.moreRows', { count: rows.length - SHOWN_ROWS, n: formatCount(rows.length - SHOWN_ROWS, i18n.language) })}</Text>
              )}
              <Group gap="sm">
                <Button variant="default" onClick={() => update({ recipients: [...rows, newRow()] })}>
                  {t('orders.recipients.add')}
                </Button>
                {rows.length > 0 && (
                  <Button variant="subtle" color="red" onClick={() => update({ recipients: [] })}>
                    {t('orders.recipients.clear')}
                  </Button>
                )}
              </Group>
              <ImportBox onImport={(parsed) => update({ recipients: [...rows.filter((r) => r.address.trim() !== ''), ...parsed.rows] })} />
            </Stack>
          )}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <QuoteSummary order={order} updating={updating} />
      </Grid.Col>
    </Grid>
  );
}
