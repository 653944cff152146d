import { useCallback, useState } from 'react';

/**
 * One action at a time for a part of the page: which one is running (to disable buttons and say
 * "Publishing…") and the last failure, shown where the action was taken.
 */
export function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    async (what: string, action: () => Promise<void>, onError?: (error: unknown) => void) => {
      setBusy(what);
      setError(null);
      try {
        await action();
      } catch (failure) {
        onError?.(failure);
        setError(failure);
      } finally {
        setBusy(null);
      }
    },
    [],
  );
  return { busy, error, setError, run };
}
