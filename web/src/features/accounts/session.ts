// The portal's session: one TanStack Query entry (['session']) holding the server's answer to
// GET /api/v1/session, or null when signed out. Every session answer also refreshes the CSRF
// token kept by lib/http.ts.
import type { SessionResponse, SessionUser } from '#contracts/identity.js';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError, http, setCsrfToken } from '../../lib/http';

export type { SessionResponse, SessionUser };
export type Role = SessionUser['role'];

export const sessionKey = ['session'] as const;

// A hint, not a secret: "this browser probably holds a session cookie". The cookie itself is
// HttpOnly. Without the hint the portal does not ask GET /api/v1/session, whose 401 would
// otherwise greet every signed-out visitor (and log an error in the browser console).
const HINT_KEY = 'pli.session';

function hasHint(): boolean {
  try {
    return window.localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return true; // storage disabled: ask the server
  }
}

function setHint(on: boolean): void {
  try {
    if (on) window.localStorage.setItem(HINT_KEY, '1');
    else window.localStorage.removeItem(HINT_KEY);
  } catch {
    // storage disabled: nothing to remember
  }
}

// Whether the last sign-out was the person's own doing: then /login opens without ?next=
// (the next person to sign in on this browser starts from their own home page).
let endedOnPurpose = false;

export function signedOutOnPurpose(): boolean {
  return endedOnPurpose;
}

async function fetchSession(): Promise<SessionResponse | null> {
  if (!hasHint()) return null;
  try {
    const session = await http.get<SessionResponse>('/api/v1/session');
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetSession();
      return null;
    }
    throw error;
  }
}

/** Keep a session answer (sign-in, second factor): cache it and its CSRF token. */
export function rememberSession(queryClient: QueryClient, session: SessionResponse): void {
  setCsrfToken(session.csrf_token);
  setHint(true);
  endedOnPurpose = false;
  queryClient.setQueryData(sessionKey, session);
}

function forgetSession(): void {
  setCsrfToken(null);
  setHint(false);
}

/** The session ended (signed out, expired, deactivated): drop it and everything cached. */
export function endSession(queryClient: QueryClient, options: { onPurpose: boolean }): void {
  forgetSession();
  endedOnPurpose = options.onPurpose;
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] });
  queryClient.setQueryData(sessionKey, null);
}

export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: fetchSession,
    staleTime: 60_000,
    refetchOnWindowFocus: true,
    retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
  });
}

/** The signed-in user; only call below <RequireSession>, which guarantees there is one. */
export function useCurrentUser(): SessionUser {
  const { data } = useSession();
  if (!data) throw new Error('useCurrentUser() outside <RequireSession>');
  return data.user;
}

/** Ask the server again (after a change to the user, or to notice a session ended). */
export function useRefreshSession(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(() => queryClient.invalidateQueries({ queryKey: sessionKey }), [queryClient]);
}

export function isProviderRole(role: Role): boolean {
  return role === 'provider_admin' || role === 'operator' || role === 'support_agent';
}

/** Where a `?next=` may lead: a path of this site, never another origin. */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  if (next.startsWith('/login')) return null;
  return next;
}
