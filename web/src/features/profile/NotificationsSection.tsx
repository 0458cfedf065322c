import { NOTIFIABLE_EVENTS } from '#contracts/tracking-events.js';
import { Alert, Button, Checkbox, Group, Stack } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { Section } from '../../components/Section';
import { http } from '../../lib/http';

type Notifiable = (typeof NOTIFIABLE_EVENTS)[number];
interface Settings {
  events: Notifiable[];
}

const NOTIFICATIONS = ['me', 'notifications'] as const;

const EVENT_LABEL = {
  'order.accepted': 'profile.notifications.events.accepted',
  'order.refused': 'profile.notifications.events.refused',
  'order.in_production': 'profile.notifications.events.in_production',
  'order.completed': 'profile.notifications.events.completed',
  'mailpiece.returned': 'profile.notifications.events.returned',
  'mailpiece.ar_received': 'profile.notifications.events.ar_received',
} as const satisfies Record<Notifiable, string>;

/** The events of one's own orders told by e-mail (GET/PUT /api/v1/me/notifications). */
export function NotificationsSection() {
  const { t } = useTranslation();
  const settings = useQuery({
    queryKey: NOTIFICATIONS,
    queryFn: ({ signal }) => http.get<Settings>('/api/v1/me/notifications', { signal }),
    staleTime: 0,
  });
  let content;
  if (settings.isPending) content = <Loading />;
  else if (settings.isError) content = <ErrorAlert error={settings.error} />;
  else content = <NotificationsForm initial={settings.data.events} />;
  return (
    <Section title={t('profile.notifications.title')} lead={t('profile.notifications.lead')}>
      {content}
    </Section>
  );
}

function NotificationsForm({ initial }: { initial: Notifiable[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<ReadonlySet<Notifiable>>(() => new Set(initial));
  const save = useMutation({
    mutationFn: (events: Notifiable[]) => http.put<Settings>('/api/v1/me/notifications', { events }),
    onSuccess: (answer) => queryClient.setQueryData(NOTIFICATIONS, answer),
  });
  const choose = (values: string[]) => {
    setChosen(new Set(NOTIFIABLE_EVENTS.filter((event) => values.includes(event))));
    save.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Sent in the contract's order, whatever order they were ticked in.
    save.mutate(NOTIFIABLE_EVENTS.filter((event) => chosen.has(event)));
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md" maw={560}>
        <Checkbox.Group
          label={t('profile.notifications.legend')}
          description={t('profile.notifications.hint')}
          value={[...chosen]}
          onChange={choose}
        >
          <Stack gap="xs" mt="xs">
            {NOTIFIABLE_EVENTS.map((event) => (
              <Checkbox key={event} value={event} label={t(EVENT_LABEL[event])} />
            ))}
          </Stack>
        </Checkbox.Group>
        <ErrorAlert error={save.error} />
        {save.isSuccess && (
          <Alert color="green" variant="light" role="status">
            {save.data.events.length === 0 ? t('profile.notifications.savedNone') : t('profile.notifications.saved')}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('profile.notifications.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
