import { Alert, Button, Checkbox, Fieldset, Group, NumberInput, SegmentedControl, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Page } from '../../components/Page';
import { Section } from '../../components/Section';
import { DocumentUpload } from '../orders/DocumentUpload';
import { QuoteTable } from '../orders/QuoteTable';
import type { DocumentDto } from '../orders/api';
import { useCreateEletter, useSendEletter, type EletterOrder, type NewEletter } from './api';

interface RecipientForm {
  name: string;
  email: string;
  phone: string;
  address: string;
  kind: 'professional' | 'consumer';
  consentRef: string;
}

const EMPTY: RecipientForm = { name: '', email: '', phone: '', address: '', kind: 'professional', consentRef: '' };

type Paper = { color: 'bw' | 'color'; sides: 'simplex' | 'duplex'; envelope: 'C4' | 'C5' | 'C5/6'; mail_class: 'priority' | 'non_priority' | 'registered' };

/**
 * /eletters/new: an electronic letter in one page (M-4.2) — the letter and its attachments,
 * simple or registered, the recipients (the postal address serves the paper fallback; a
 * consumer's prior consent; a mobile number for a registered letter's code), the paper
 * fallback; then its price, and Send.
 */
export function NewEletterPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateEletter();
  const send = useSendEletter();
  const [name, setName] = useState('');
  const [letter, setLetter] = useState<DocumentDto | null>(null);
  const [attachments, setAttachments] = useState<DocumentDto[]>([]);
  const [registered, setRegistered] = useState(false);
  const [recipients, setRecipients] = useState<RecipientForm[]>([{ ...EMPTY }]);
  const [fallbackOn, setFallbackOn] = useState(false);
  const [afterDays, setAfterDays] = useState<number>(5);
  const [paper, setPaper] = useState<Paper>({ color: 'bw', sides: 'simplex', envelope: 'C5/6', mail_class: 'priority' });
  const [draft, setDraft] = useState<EletterOrder | null>(null);
  const [missing, setMissing] = useState<string[]>([]);

  const edit = (i: number, change: Partial<RecipientForm>) => {
    setDraft(null);
    setRecipients((all) => all.map((r, j) => (j === i ? { ...r, ...change } : r)));
  };

  const body = (): NewEletter => ({
    kind: 'electronic',
    name: name.trim() || letter?.filename || 'Courrier',
    documents: [letter!.id, ...attachments.map((a) => a.id)],
    options: { registered },
    recipients: recipients.map((r) => ({
      name: r.name.trim(),
      email: r.email.trim(),
      address: r.address.split('\n').map((l) => l.trim()).filter(Boolean),
      country: 'FR',
      kind: r.kind,
      ...(r.kind === 'consumer' && r.consentRef.trim() ? { consent_ref: r.consentRef.trim() } : {}),
      ...(r.phone.trim() ? { phone: r.phone.replace(/[\s.]/g, '') } : {}),
    })),
    fallback: registered ? { paper_options: { ...paper, mail_class: 'registered' } } : fallbackOn ? { after_days: afterDays, paper_options: paper } : null,
  });

  const prepare = async (event: FormEvent) => {
    event.preventDefault();
    const problems = [...(letter ? [] : [t('eletters.needLetter')]), ...(recipients.length ? [] : [t('eletters.needRecipient')])];
    setMissing(problems);
    if (problems.length) return;
    setDraft(await create.mutateAsync(body()).catch(() => null));
  };

  const confirm = async () => {
    if (!draft) return;
    const sent = await send.mutateAsync(draft.id).catch(() => null);
    if (sent) navigate(`/orders/${sent.id}`);
  };

  const paperFields = (
    <Group gap="md" align="flex-end">
      <Select label={t('eletters.color')} value={paper.color} onChange={(v) => v && setPaper({ ...paper, color: v as Paper['color'] })} data={[{ value: 'bw', label: t('eletters.bw') }, { value: 'color', label: t('eletters.colour') }]} allowDeselect={false} />
      <Select label={t('eletters.sides')} value={paper.sides} onChange={(v) => v && setPaper({ ...paper, sides: v as Paper['sides'] })} data={[{ value: 'simplex', label: t('eletters.simplex') }, { value: 'duplex', label: t('eletters.duplex') }]} allowDeselect={false} />
      <Select label={t('eletters.envelope')} value={paper.envelope} onChange={(v) => v && setPaper({ ...paper, envelope: v as Paper['envelope'] })} data={['C5/6', 'C5', 'C4']} allowDeselect={false} />
      {!registered && (
        <Select
          label={t('eletters.mailClass')}
          value={paper.mail_class}
          onChange={(v) => v && setPaper({ ...paper, mail_class: v as Paper['mail_class'] })}
          data={[{ value: 'priority', label: t('eletters.priority') }, { value: 'non_priority', label: t('eletters.non_priority') }, { value: 'registered', label: t('eletters.registeredMail') }]}
          allowDeselect={false}
        />
      )}
    </Group>
  );

  return (
    <Page title={t('eletters.new')} lead={t('eletters.newLead')}>
      <form onSubmit={(e) => void prepare(e)} noValidate>
        <Stack gap="lg">
          <Section title={t('eletters.letter')}>
            <TextInput label={t('eletters.name')} value={name} onChange={(e) => { setDraft(null); setName(e.currentTarget.value); }} maxLength={200} />
            {letter ? (
              <Text fw={600}>{letter.filename}</Text>
            ) : (
              <DocumentUpload label={t('eletters.letter')} hint={t('eletters.letterHint')} buttonLabel={t('eletters.choose')} onUploaded={(d) => { setDraft(null); setLetter(d); if (!name) setName(d.filename.replace(/\.[^.]+$/, '')); }} />
            )}
            {attachments.map((a) => (
              <Text key={a.id} size="sm">
                {a.filename}
              </Text>
            ))}
            {letter && <DocumentUpload label={t('eletters.attachments')} buttonLabel={t('eletters.chooseAttachment')} onUploaded={(d) => { setDraft(null); setAttachments((all) => [...all, d]); }} />}
          </Section>

          <Section title={t('eletters.kind')}>
            <SegmentedControl
              aria-label={t('eletters.kind')}
              value={registered ? 'registered' : 'simple'}
              onChange={(v) => { setDraft(null); setRegistered(v === 'registered'); }}
              data={[{ value: 'simple', label: t('eletters.simple') }, { value: 'registered', label: t('eletters.registered') }]}
            />
            {registered && <Text size="sm" c="dimmed">{t('eletters.registeredHint')}</Text>}
          </Section>

          <Section title={t('eletters.recipients')}>
            {recipients.map((r, i) => (
              <Fieldset key={i} legend={t('eletters.recipientN', { n: i + 1 })}>
                <Stack gap="sm">
                  <Group grow align="flex-start">
                    <TextInput label={t('eletters.recipientName')} value={r.name} onChange={(e) => edit(i, { name: e.currentTarget.value })} required />
                    <TextInput label={t('eletters.email')} type="email" value={r.email} onChange={(e) => edit(i, { email: e.currentTarget.value })} required />
                    {registered && <TextInput label={t('eletters.phone')} type="tel" value={r.phone} onChange={(e) => edit(i, { phone: e.currentTarget.value })} placeholder="+33612345678" required />}
                  </Group>
                  <Textarea label={t('eletters.address')} value={r.address} onChange={(e) => edit(i, { address: e.currentTarget.value })} autosize minRows={3} required />
                  <Group align="flex-end">
                    <Select label={t('eletters.recipientKind')} value={r.kind} onChange={(v) => v && edit(i, { kind: v as RecipientForm['kind'] })} data={[{ value: 'professional', label: t('eletters.professional') }, { value: 'consumer', label: t('eletters.consumer') }]} allowDeselect={false} />
                    {r.kind === 'consumer' && <TextInput label={t('eletters.consent')} value={r.consentRef} onChange={(e) => edit(i, { consentRef: e.currentTarget.value })} required />}
                    {recipients.length > 1 && (
                      <Button variant="subtle" color="red" onClick={() => { setDraft(null); setRecipients((all) => all.filter((_, j) => j !== i)); }}>
                        {t('eletters.removeRecipient', { n: i + 1 })}
                      </Button>
                    )}
                  </Group>
                </Stack>
              </Fieldset>
            ))}
            <Group>
              <Button variant="default" onClick={() => { setDraft(null); setRecipients((all) => [...all, { ...EMPTY }]); }}>
                {t('eletters.addRecipient')}
              </Button>
            </Group>
          </Section>

          <Section title={t('eletters.fallback')}>
            {!registered && <Checkbox label={t('eletters.fallbackAfter')} checked={fallbackOn} onChange={(e) => { setDraft(null); setFallbackOn(e.currentTarget.checked); }} />}
            {!registered && fallbackOn && <NumberInput label={t('eletters.fallbackAfter')} value={afterDays} onChange={(v) => { setDraft(null); setAfterDays(Number(v) || 1); }} min={1} max={60} w={240} />}
            {(registered || fallbackOn) && (
              <Fieldset legend={t('eletters.paper')}>{paperFields}</Fieldset>
            )}
            {!registered && !fallbackOn && <Text size="sm" c="dimmed">{t('eletters.fallbackNone')}</Text>}
          </Section>

          {missing.length > 0 && (
            <Alert color="red" role="alert">
              {missing.map((m) => (
                <div key={m}>{m}</div>
              ))}
            </Alert>
          )}
          <ErrorAlert error={create.error} />
          {!draft && (
            <Group>
              <Button type="submit" loading={create.isPending}>
                {t('eletters.prepare')}
              </Button>
            </Group>
          )}
          {draft?.quote && (
            <Section title={t('eletters.price')}>
              <QuoteTable quote={draft.quote} caption={t('eletters.price')} />
              <ErrorAlert error={send.error} />
              <Group>
                <Button onClick={() => void confirm()} loading={send.isPending}>
                  {send.isPending ? t('eletters.sending') : t('eletters.send')}
                </Button>
              </Group>
            </Section>
          )}
        </Stack>
      </form>
    </Page>
  );
}
