import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled block of a page (<h2>), with an optional lead sentence and actions. */
export function Section({ title, lead, actions, children }: { title: string; lead?: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder p={{ base: 'md', sm: 'lg' }} component="section" aria-label={title}>
      <Stack gap="md">
        <Group justify="space-between" gap="sm" align="flex-start">
          <div>
            <Title order={2}>{title}</Title>
            {lead && <Text c="dimmed">{lead}</Text>}
          </div>
          {actions}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}
