import { Anchor } from '@mantine/core';
import type { ReactNode } from 'react';

const URL_PATTERN = /https?:\/\/[^\s<>"'()]+/g;
const TRAILING = /[.,;:!?»)]+$/;

/**
 * Plain text with its links made clickable only when they lead to this very site (activation
 * and reset links). Any other address stays text: an e-mail body is not trusted to send people
 * elsewhere.
 */
export function linkify(text: string, origin: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    const raw = match[0];
    const url = raw.replace(TRAILING, '');
    if (start > last) out.push(text.slice(last, start));
    if (url === origin || url.startsWith(`${origin}/`)) out.push(<Anchor key={start} href={url}>{url}</Anchor>);
    else out.push(url);
    last = start + url.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
