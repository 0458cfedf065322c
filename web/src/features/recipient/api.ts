// An e-letter's recipient (contracts/src/eletters.ts): a principal of their own, never a user.
// Their session is a cookie; its CSRF token travels with every write, kept for the tab only.
import type { recipientLetterSchema, recipientSessionSchema } from '#contracts/eletters.js';
import type { z } from 'zod';
import { http } from '../../lib/http';

export type RecipientSession = z.infer<typeof recipientSessionSchema>;
export type RecipientLetter = z.infer<typeof recipientLetterSchema>;

const CSRF_KEY = 'pli.recipient.csrf';
let csrf: string | null = null;

function remember(token: string): void {
  csrf = token;
  try {
    window.sessionStorage.setItem(CSRF_KEY, token);
  } catch {
    // storage disabled: kept in memory for this page
  }
}

function headers(): Record<string, string> {
  if (csrf === null) {
    try {
      csrf = window.sessionStorage.getItem(CSRF_KEY);
    } catch {
      csrf = null;
    }
  }
  return csrf ? { 'X-CSRF-Token': csrf } : {};
}

// A 401 here is about the recipient's own access, never the end of a portal user's session.
const mine = { authAttempt: true } as const;

export async function openLetter(link: string, code?: string): Promise<RecipientSession> {
  const session = await http.post<RecipientSession>('/api/v1/recipient/sessions', code === undefined ? { link } : { link, code }, mine);
  remember(session.csrf_token);
  return session;
}

export async function currentSession(): Promise<RecipientSession> {
  const session = await http.get<RecipientSession>('/api/v1/recipient/session', mine);
  remember(session.csrf_token);
  return session;
}

export const askNewCode = (link: string) => http.post<{ sent: true }>('/api/v1/recipient/codes', { link }, mine);
export const sendTextCode = (code: string) => http.post<void>('/api/v1/recipient/text-code', { code }, { ...mine, headers: headers() });
export const resendTextCode = () => http.post<{ sent: true }>('/api/v1/recipient/text-code/resend', undefined, { ...mine, headers: headers() });
export const readLetter = () => http.get<RecipientLetter>('/api/v1/recipient/letter', mine);
export const decide = (decision: 'accept' | 'refuse') => http.post<RecipientLetter>(`/api/v1/recipient/letter/${decision}`, undefined, { ...mine, headers: headers() });
export const leave = () => http.delete<void>('/api/v1/recipient/session', { ...mine, headers: headers() });
export const documentUrl = (n: number) => `/api/v1/recipient/letter/documents/${n}`;
export const IDENTITY_START = '/api/v1/recipient/identity/start';
