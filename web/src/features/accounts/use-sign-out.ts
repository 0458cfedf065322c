import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { ApiError, http } from '../../lib/http';
import { endSession } from './session';

/**
 * Signing out: here only (`DELETE /api/v1/session`) or on every device
 * (`POST /api/v1/session/logout-everywhere`). Either way the browser forgets the session and
 * everything it had loaded, and goes to /login.
 */
export function useSignOut(scope: 'here' | 'everywhere' = 'here') {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async () => {
      try {
        if (scope === 'everywhere') await http.post('/api/v1/session/logout-everywhere');
        else await http.delete('/api/v1/session');
      } catch (error) {
        // Already signed out on the server: that is what was asked.
        if (!(error instanceof ApiError && error.status === 401)) throw error;
      }
    },
    onSuccess: () => {
      navigate('/login', { replace: true });
      endSession(queryClient, { onPurpose: true });
    },
  });
}
