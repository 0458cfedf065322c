export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** for grouping in the outbox/UI */
  template?: string;
  /** The outbox row's id: the message's Message-ID (<id@pli>), by which bounce reports find it. */
  id?: string;
}

/**
 * Outgoing e-mail (invitations, e-letter notifications, password resets). Adapters: SMTP for
 * production, the built-in outbox for the embedded default.
 */
export interface Mailer {
  send(msg: MailMessage): Promise<{ messageId: string }>;
  close?(): Promise<void>;
}
