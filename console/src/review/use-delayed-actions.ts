// The review page's waiting publishes (see lib/delayed-actions.ts) as React state. What still waits
// when the page goes away is sent first: on unload with fetch keepalive, on leaving the review page
// (another console page, sign out) as ordinary requests.
import { useEffect, useMemo, useState } from 'react';
import { createDelayedActions, type PendingAction } from '../lib/delayed-actions.js';

export function useDelayedActions(delayMs?: number) {
  const [pending, setPending] = useState<PendingAction[]>([]);
  const actions = useMemo(() => createDelayedActions(setPending, delayMs), [delayMs]);
  useEffect(() => {
    const onPageHide = () => void actions.flush(true);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      void actions.flush(false);
    };
  }, [actions]);
  return { ...actions, pendingList: pending };
}
