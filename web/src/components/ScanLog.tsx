import { Badge, Text } from '@mantine/core';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatClock } from '../lib/format';
import classes from './Scan.module.css';

/** Lines kept in a scan log, newest first. */
const LOG_SIZE = 20;

/** A line of a scan log: when, what was scanned, and the answer. */
export interface ScanLogEntry {
  id: number;
  at: Date;
  what: string;
  ok: boolean;
  message: string;
}

export interface ScanLogLines<T extends ScanLogEntry> {
  /** Newest first, at most LOG_SIZE. */
  lines: T[];
  /** A new line on top (its id is given here). */
  add: (line: Omit<T, 'id'>) => void;
}

/** A scan log's lines, kept by the page that holds it (they stay while another tab is looked at). */
export function useScanLog<T extends ScanLogEntry>(): ScanLogLines<T> {
  const [lines, setLines] = useState<T[]>([]);
  const nextId = useRef(1);
  const add = useCallback((line: Omit<T, 'id'>) => {
    const id = nextId.current++;
    setLines((previous) => [{ ...line, id } as T, ...previous].slice(0, LOG_SIZE));
  }, []);
  return { lines, add };
}

/** The last answer, large and announced; its place keeps its height before the first scan. */
export function ScanAnswer({ latest }: { latest: Pick<ScanLogEntry, 'ok' | 'message'> | undefined }) {
  return (
    <div aria-live="polite" role="status" className={classes.latest}>
      {latest && (
        <Text size="xl" fw={600} c={latest.ok ? 'green.8' : 'red.8'} data-outcome={latest.ok ? 'ok' : 'refused'}>
          {latest.message}
        </Text>
      )}
    </div>
  );
}

/**
 * A scan log, newest first: the time, what was scanned, a badge, and the answer (in green or red
 * when `colourMessages`); `empty` while there is none.
 */
export function ScanLog<T extends ScanLogEntry>({
  label,
  empty,
  lines,
  badge,
  colourMessages = false,
}: {
  label: string;
  empty: string;
  lines: readonly T[];
  badge: (line: T) => { color: string; label: string };
  colourMessages?: boolean;
}) {
  const { i18n } = useTranslation();
  if (lines.length === 0) return <Text c="dimmed">{empty}</Text>;
  return (
    <ol className={classes.log} aria-label={label}>
      {lines.map((line) => {
        const b = badge(line);
        return (
          <li key={line.id} className={line.ok ? classes.ok : classes.refused} data-outcome={line.ok ? 'ok' : 'refused'} data-scan={line.id}>
            <Text span size="sm" c="dimmed" className={classes.time}>
              {formatClock(line.at, i18n.language)}
            </Text>
            <Text span ff="monospace" fw={600}>
              {line.what}
            </Text>
            <Badge color={b.color} variant="light" miw="max-content">
              {b.label}
            </Badge>
            <Text span c={colourMessages ? (line.ok ? 'green.8' : 'red.8') : undefined}>
              {line.message}
            </Text>
          </li>
        );
      })}
    </ol>
  );
}
