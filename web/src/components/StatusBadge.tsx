import { Badge } from '@mantine/core';
import type { ReactNode } from 'react';

/** A state word in a light badge that never shrinks to an ellipsis in a narrow table cell. */
export function StatusBadge({ color, children }: { color: string; children: ReactNode }) {
  return (
    <Badge color={color} variant="light" miw="max-content">
      {children}
    </Badge>
  );
}
