import { Button, Group, TextInput } from '@mantine/core';
import type { FormEvent, KeyboardEvent, RefObject } from 'react';
import classes from './Text.module.css';

/**
 * The big field a hand scanner types a code into, ended by Enter (or the button beside it): no
 * autocompletion, capitals, no spell check. The caller keeps the value and the focus (`inputRef`),
 * and is handed the submission.
 */
export function ScanCodeField({
  inputRef,
  label,
  description,
  submitLabel,
  value,
  onChange,
  onSubmit,
  onKeyDown,
  loading,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  label: string;
  description: string;
  submitLabel: string;
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  onKeyDown?: (event: KeyboardEvent<HTMLInputElement>) => void;
  loading?: boolean;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Group align="flex-end" gap="sm" wrap="nowrap">
        <TextInput
          ref={inputRef}
          label={label}
          description={description}
          size="xl"
          classNames={{ input: classes.code }}
          flex={1}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <Button type="submit" size="xl" variant="default" loading={loading}>
          {submitLabel}
        </Button>
      </Group>
    </form>
  );
}
