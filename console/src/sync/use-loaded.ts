import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client.js';

/** A 404 on a list route: the server predates sync and webhooks (its routes are not there). */
export const isMissingRoute = (error: unknown) => error instanceof ApiError && error.status === 404;

/**
 * Reads one answer on mount and on `load()`, keeping the last failure; a 404 (route missing) goes to
 * `onMissing` instead of being shown as an error.
 */
export function useLoaded<T>(read: () => Promise<T>, onMissing?: () => void) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setData(await read());
      setError(null);
    } catch (failure) {
      if (onMissing && isMissingRoute(failure)) onMissing();
      else setError(failure);
    }
  }, [read, onMissing]);
  useEffect(() => {
    void load();
  }, [load]);
  return { data, error, load };
}
