// Bottom of the review page: the publishes still waiting (each with Undo and the seconds left), the
// last failure of one that was sent (with the API's message), and the last confirmation.
import { useEffect, useState } from 'react';
import type { PendingAction } from '../lib/delayed-actions.js';

function SecondsLeft({ dueAt }: { dueAt: number }) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return <span className="toast-seconds">{Math.max(0, Math.ceil((dueAt - now) / 1000))} s</span>;
}

export function UndoToasts({
  pending,
  onUndo,
  failure,
  onDismissFailure,
  toast,
}: {
  pending: PendingAction[];
  onUndo: (key: string) => void;
  failure: string | null;
  onDismissFailure: () => void;
  toast: string | null;
}) {
  return (
    <div className="toast-area">
      {pending.map((action) => (
        <div key={action.key} className="toast toast-pending" role="status">
          <span>{action.label}</span>
          <SecondsLeft dueAt={action.dueAt} />
          <button type="button" className="toast-undo" onClick={() => onUndo(action.key)}>
            Undo
          </button>
        </div>
      ))}
      {failure && (
        <div className="toast toast-failed" role="alert">
          <span>{failure}</span>
          <button type="button" className="toast-undo" onClick={onDismissFailure} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      <div aria-live="polite">{toast && <div className="toast">{toast}</div>}</div>
    </div>
  );
}
