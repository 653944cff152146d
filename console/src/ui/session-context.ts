import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client.js';
import type { KeyInfo } from '../api/types.js';

export interface Session {
  client: ApiClient;
  keyInfo: KeyInfo;
  canWrite: boolean;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

export const READ_ONLY_REASON =
  'This API key is read-only: publishing, editing and other changes need a key with the write scope.';
