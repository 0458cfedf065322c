import { Table, Text, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';
import { Loading } from './Loading';

export interface ListColumn {
  label: string;
  className?: string;
}

/**
 * A page's list: a spinner while loading, the error as a sentence, a line when it is empty,
 * otherwise a scrollable striped table with its column headings. The rows are the caller's.
 */
export function ListTable({
  state,
  isEmpty,
  empty,
  columns,
  minWidth,
  caption,
  children,
}: {
  state: { isPending: boolean; isError: boolean; error: unknown };
  isEmpty: boolean;
  empty: ReactNode;
  columns: ListColumn[];
  minWidth: number;
  caption?: string;
  children: ReactNode;
}) {
  if (state.isPending) return <Loading />;
  if (state.isError) return <ErrorAlert error={state.error} />;
  if (isEmpty) return <Text c="dimmed">{empty}</Text>;
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped highlightOnHover>
        {caption && (
          <Table.Caption>
            <VisuallyHidden>{caption}</VisuallyHidden>
          </Table.Caption>
        )}
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.label} scope="col" className={c.className}>
                {c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
