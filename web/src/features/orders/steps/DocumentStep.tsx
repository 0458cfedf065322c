import { ActionIcon, Button, Group, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DocumentCard } from '../DocumentCard';
import { DocumentUpload } from '../DocumentUpload';
import { nameFromFile, type OrderForm } from '../form';
import { StepHeading } from './StepHeading';

export interface StepProps {
  form: OrderForm;
  update: (change: Partial<OrderForm>) => void;
  focus: boolean;
}

const MAX_ATTACHMENTS = 19; // the API takes 20 documents: the letter and 19 attachments

function move<T>(list: readonly T[], from: number, to: number): T[] {
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  if (item !== undefined) copy.splice(to, 0, item);
  return copy;
}

/** Step 1: the letter (its address read from the window), attachments, and a background. */
export function DocumentStep({ form, update, focus }: StepProps) {
  const { t } = useTranslation();
  const count = form.attachments.length;

  return (
    <Stack gap="lg" pt="md">
      <StepHeading title={t('orders.wizard.steps.document')} lead={t('orders.document.lead')} focus={focus} />

      <TextInput
        label={t('orders.document.name')}
        description={t('orders.document.nameHint')}
        value={form.name}
        onChange={(e) => update({ name: e.currentTarget.value })}
        maxLength={200}
        required
        maw={520}
      />

      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('orders.document.letterTitle')}
        </Title>
        {form.letter === null ? (
          <DocumentUpload
            label={t('orders.document.letterUpload')}
            hint={t('orders.document.letterHint')}
            buttonLabel={t('orders.document.chooseLetter')}
            onUploaded={(document) =>
              update({ letter: document.id, ...(form.name.trim() === '' ? { name: nameFromFile(document.filename) } : {}) })
            }
          />
        ) : (
          <DocumentCard
            id={form.letter}
            title={t('orders.document.letterCard')}
            withAddress
            actions={
              <Button variant="default" size="xs" onClick={() => update({ letter: null })}>
                {t('orders.document.replace')}
              </Button>
            }
          />
        )}
      </Stack>

      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('orders.document.attachmentsTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('orders.document.attachmentsHint')}
        </Text>
        {form.attachments.map((id, index) => (
          <DocumentCard
            key={id}
            id={id}
            title={t('orders.document.attachmentNumber', { number: index + 1 })}
            actions={
              <Group gap={4} wrap="nowrap">
                <ActionIcon
                  variant="default"
                  disabled={index === 0}
                  onClick={() => update({ attachments: move(form.attachments, index, index - 1) })}
                  aria-label={t('orders.document.moveUp', { number: index + 1 })}
                >
                  ↑
                </ActionIcon>
                <ActionIcon
                  variant="default"
                  disabled={index === count - 1}
                  onClick={() => update({ attachments: move(form.attachments, index, index + 1) })}
                  aria-label={t('orders.document.moveDown', { number: index + 1 })}
                >
                  ↓
                </ActionIcon>
                <ActionIcon
                  variant="default"
                  color="red"
                  onClick={() => update({ attachments: form.attachments.filter((other) => other !== id) })}
                  aria-label={t('orders.document.removeAttachment', { number: index + 1 })}
                >
                  ✕
                </ActionIcon>
              </Group>
            }
          />
        ))}
        {count < MAX_ATTACHMENTS && (
          <DocumentUpload
            label={t('orders.document.attachmentUpload')}
            buttonLabel={t('orders.document.chooseAttachment')}
            onUploaded={(document) => update({ attachments: [...form.attachments, document.id] })}
          />
        )}
      </Stack>

      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('orders.document.backgroundTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('orders.document.backgroundHint')}
        </Text>
        {form.background === null ? (
          <DocumentUpload
            label={t('orders.document.backgroundUpload')}
            buttonLabel={t('orders.document.chooseBackground')}
            onUploaded={(document) => update({ background: { document: document.id, pages: 'first' } })}
          />
        ) : (
          <DocumentCard
            id={form.background.document}
            title={t('orders.document.backgroundCard')}
            actions={
              <Button variant="default" size="xs" color="red" onClick={() => update({ background: null })}>
                {t('orders.document.removeBackground')}
              </Button>
            }
          >
            <Radio.Group
              label={t('orders.document.backgroundPages')}
              value={form.background.pages}
              onChange={(pages) => form.background && update({ background: { ...form.background, pages: pages as 'all' | 'first' } })}
            >
              <Group gap="lg" mt={4}>
                <Radio value="first" label={t('orders.document.backgroundFirst')} />
                <Radio value="all" label={t('orders.document.backgroundAll')} />
              </Group>
            </Radio.Group>
          </DocumentCard>
        )}
      </Stack>
    </Stack>
  );
}
