import { ID_PATTERN } from '../ids/ids.js';

/**
 * A delivery status notification (RFC 3464) as a mail server sends it back: which of our messages
 * it is about (the Message-ID Pli gave it, `<msg_…@pli>`, in the returned headers), and what
 * became of it for one recipient. Only what Pli needs is read; a report it cannot tie to one of
 * its messages is null.
 */
export interface DeliveryReport {
  messageId: string;
  recipient: string | null;
  /** failed | delayed | delivered | relayed | expanded (RFC 3464 §2.3.3) */
  action: string;
  /** The enhanced status code, e.g. 5.1.1 */
  status: string | null;
  diagnostic: string | null;
}

/** Headers folded over several lines become one line each (RFC 5322 §2.2.3). */
const unfold = (text: string) => text.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ');

export function parseDeliveryReport(raw: string): DeliveryReport | null {
  const text = unfold(raw);
  const ids = [...text.matchAll(/^Message-ID:\s*<(msg_[0-9a-z]+)@pli>/gim)].map((m) => m[1]!).filter((id) => ID_PATTERN.test(id));
  const messageId = ids[0];
  if (!messageId) return null;
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(text)?.[1]?.trim() ?? null;
  const action = field('Action')?.toLowerCase() ?? null;
  if (!action) return null;
  const recipient = field('Final-Recipient') ?? field('Original-Recipient');
  return {
    messageId,
    recipient: recipient ? recipient.replace(/^rfc822;\s*/i, '') : null,
    action,
    status: field('Status'),
    diagnostic: field('Diagnostic-Code'),
  };
}
