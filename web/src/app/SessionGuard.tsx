import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { endSession, sessionKey } from '../features/accounts/session';
import { setUnauthorizedHandler } from '../lib/http';

/**
 * Any 401 from the API while signed in means the session is over (expired, signed out
 * everywhere, account deactivated): forget it, and <RequireSession> sends the person to
 * /login?next=<where they were>.
 */
export function SessionGuard() {
  const queryClient = useQueryClient();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      if (queryClient.getQueryData(sessionKey)) endSession(queryClient, { onPurpose: false });
    });
    return () => setUnauthorizedHandler(null);
  }, [queryClient]);
  return null;
}
