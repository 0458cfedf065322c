import { Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef } from 'react';

/**
 * A step's <h2>. After a step change focus moves to it, so keyboard and screen-reader users
 * start reading the new step instead of staying on the button they pressed.
 */
export function StepHeading({ title, lead, focus }: { title: string; lead?: string; focus: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <Stack gap={4}>
      <Title order={2} ref={ref} tabIndex={-1} style={{ outline: 'none' }}>
        {title}
      </Title>
      {lead && <Text c="dimmed">{lead}</Text>}
    </Stack>
  );
}
