import { EVENT_PATTERNS_LIST, EVENT_TYPES_LIST } from '#contracts/tracking-events.js';
import { Alert, Button, Checkbox, Code, Fieldset, Group, Input, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyField } from '../../components/CopyField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Section } from '../../components/Section';
import { ApiError } from '../../lib/http';
import { useCreateWebhook, type CreatedWebhook } from './api';
import { EVENT_LABEL, eventLabel, type EventPattern, type EventType, type GroupPattern } from './labels';
import { SigningHelp } from './SigningHelp';

const GROUPS: ReadonlyArray<{ pattern: GroupPattern; legend: 'webhooks.form.orders' | 'webhooks.form.mailpieces'; types: EventType[] }> = [
  { pattern: 'order.*', legend: 'webhooks.form.orders', types: EVENT_TYPES_LIST.filter((type) => type.startsWith('order.')) },
  { pattern: 'mailpiece.*', legend: 'webhooks.form.mailpieces', types: EVENT_TYPES_LIST.filter((type) => type.startsWith('mailpiece.')) },
];

const groupOf = (type: EventType): GroupPattern => (type.startsWith('order.') ? 'order.*' : 'mailpiece.*');

/** What is sent: `*` alone, else each group's pattern or the types ticked in it (never both). */
function eventsToSend(chosen: ReadonlySet<EventPattern>): EventPattern[] {
  if (chosen.has('*')) return ['*'];
  return EVENT_PATTERNS_LIST.filter((p) => chosen.has(p) && (p === 'order.*' || p === 'mailpiece.*' || !chosen.has(groupOf(p as EventType))));
}

// The server's words for a refused address (server/src/modules/tracking/webhooks.ts), in the
// interface language; any other message is shown as the server wrote it.
const URL_MESSAGES = [
  ['not a URL', 'webhooks.form.urlErrors.notUrl'],
  ['must use https', 'webhooks.form.urlErrors.https'],
  ['must not carry', 'webhooks.form.urlErrors.credentials'],
  ['must be a public address', 'webhooks.form.urlErrors.private'],
] as const;

function urlMessage(t: TFunction, message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  const known = URL_MESSAGES.find(([start]) => message.startsWith(start));
  return known ? t(known[1]) : message;
}

/** The server's field errors about the events (`events`, `events.2`…). */
function eventErrors(error: unknown): { fields: string[]; message: string | undefined } {
  if (!(error instanceof ApiError)) return { fields: [], message: undefined };
  const about = error.errors.filter((e) => e.field === 'events' || e.field.startsWith('events.'));
  return { fields: about.map((e) => e.field), message: about[0]?.message };
}

/** "Nouveau webhook": the form, then the signing secret shown this once with how to check it. */
export function NewWebhookSection() {
  const { t } = useTranslation();
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [round, setRound] = useState(0); // a fresh, empty form after each webhook
  return (
    <Section title={t('webhooks.new.title')} lead={t('webhooks.new.lead')}>
      {created ? (
        <CreatedSecret
          hook={created}
          onDone={() => {
            setCreated(null);
            setRound((n) => n + 1);
          }}
        />
      ) : (
        <WebhookForm key={round} focusFirst={round > 0} onCreated={setCreated} />
      )}
    </Section>
  );
}

function CreatedSecret({ hook, onDone }: { hook: CreatedWebhook; onDone: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <Alert ref={ref} tabIndex={-1} color="yellow" variant="light" title={t('webhooks.created.title', { url: hook.url })}>
      <Stack gap="md">
        <Text size="sm">{t('webhooks.created.once')}</Text>
        <CopyField label={t('webhooks.created.secret')} value={hook.secret} />
        <SigningHelp />
        <Group>
          <Button size="xs" variant="default" onClick={onDone}>
            {t('webhooks.created.done')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function WebhookForm({ focusFirst, onCreated }: { focusFirst: boolean; onCreated: (hook: CreatedWebhook) => void }) {
  const { t } = useTranslation();
  const create = useCreateWebhook();
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<EventPattern>>(new Set());
  const [tried, setTried] = useState(false);
  const urlRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusFirst) urlRef.current?.focus();
  }, [focusFirst]);

  const toSend = eventsToSend(chosen);
  const all = chosen.has('*');
  const set = (pattern: EventPattern, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(pattern);
    else next.delete(pattern);
    setChosen(next);
    create.reset();
  };

  const serverEvents = eventErrors(create.error);
  const urlError =
    urlMessage(t, create.error instanceof ApiError ? create.error.fieldError('url') : undefined) ??
    (tried && url.trim() === '' ? t('webhooks.form.urlRequired') : undefined);
  const eventsError = serverEvents.message ?? (tried && toSend.length === 0 ? t('webhooks.form.eventsRequired') : undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (url.trim() === '' || toSend.length === 0) return;
    create.mutate({ url: url.trim(), events: toSend }, { onSuccess: onCreated });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          ref={urlRef}
          type="url"
          label={t('webhooks.form.url')}
          description={t('webhooks.form.urlHint')}
          placeholder="https://"
          required
          autoComplete="off"
          maxLength={2000}
          maw={640}
          value={url}
          onChange={(e) => {
            setUrl(e.currentTarget.value);
            create.reset();
          }}
          error={urlError}
        />
        <Fieldset legend={t('webhooks.form.events')} variant="unstyled">
          <Stack gap="sm">
            <Checkbox
              label={eventLabel(t, '*')}
              description={t('webhooks.form.allHint')}
              checked={all}
              onChange={(e) => set('*', e.currentTarget.checked)}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              {GROUPS.map((group) => {
                const whole = all || chosen.has(group.pattern);
                const some = group.types.some((type) => chosen.has(type));
                return (
                  <Fieldset key={group.pattern} legend={t(group.legend)} disabled={all}>
                    <Stack gap="xs">
                      <Checkbox
                        label={eventLabel(t, group.pattern)}
                        description={<Code>{group.pattern}</Code>}
                        checked={whole}
                        indeterminate={!whole && some}
                        onChange={(e) => set(group.pattern, e.currentTarget.checked)}
                      />
                      <Stack gap="xs" pl="lg">
                        {group.types.map((type) => (
                          <Checkbox
                            key={type}
                            label={t(EVENT_LABEL[type])}
                            description={<Code>{type}</Code>}
                            checked={whole || chosen.has(type)}
                            disabled={whole}
                            onChange={(e) => set(type, e.currentTarget.checked)}
                          />
                        ))}
                      </Stack>
                    </Stack>
                  </Fieldset>
                );
              })}
            </SimpleGrid>
            {eventsError && <Input.Error>{eventsError}</Input.Error>}
          </Stack>
        </Fieldset>
        <ErrorAlert error={create.error} shownFields={['url', ...serverEvents.fields]} />
        <Group>
          <Button type="submit" loading={create.isPending}>
            {t('webhooks.form.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
