import { Stack, Text } from '@mantine/core';
import { useId, useState, type ReactNode } from 'react';
import classes from './DropZone.module.css';

/**
 * A labelled group a file can be dropped on (a dashed frame that lights up while one is dragged
 * over it): its label, its hint, then what the caller puts in it (the button that chooses a file…);
 * a function child is given the hint's id, to describe its button with. A drop hands over the first
 * file; none while `disabled`.
 */
export function DropZone({
  label,
  hint,
  onFile,
  disabled = false,
  children,
}: {
  label: string;
  hint?: string;
  onFile: (file: File | null) => void;
  disabled?: boolean;
  children: ReactNode | ((hintId: string | undefined) => ReactNode);
}) {
  const [over, setOver] = useState(false);
  const labelId = useId();
  const hintId = useId();
  const describedBy = hint ? hintId : undefined;
  return (
    <div
      role="group"
      aria-labelledby={labelId}
      aria-describedby={describedBy}
      className={classes.dropZone}
      data-over={over || undefined}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (!disabled) onFile(event.dataTransfer.files.item(0));
      }}
    >
      <Stack gap="xs">
        <Text fw={600} id={labelId}>
          {label}
        </Text>
        {hint && (
          <Text size="sm" c="dimmed" id={hintId}>
            {hint}
          </Text>
        )}
        {typeof children === 'function' ? children(describedBy) : children}
      </Stack>
    </div>
  );
}
