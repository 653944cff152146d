// Bulk actions over the selected drafts: a progress bar while they run, then a per-item summary
// ("published 48, failed 2") with each failure's reason.
import { useState } from 'react';
import type { ReviewItem } from '../api/review-types.js';
import { summarize, type BulkItemResult, type BulkProgress } from '../lib/bulk.js';
import { Button, ProgressBar, WriteButton } from '../ui/common.js';

export interface BulkRun {
  verb: string;
  progress: BulkProgress;
  finished: boolean;
}

export function BulkBar({
  selected,
  titleOf,
  onClear,
  onRun,
  run,
  onDismiss,
}: {
  selected: ReviewItem[];
  titleOf: (id: string) => string;
  onClear: () => void;
  onRun: (kind: 'publish' | 'reject', reason: string) => void;
  run: BulkRun | null;
  onDismiss: () => void;
}) {
  const [reason, setReason] = useState('');
  const [rejecting, setRejecting] = useState(false);
  if (run) {
    const failures = run.progress.results.filter((result) => !result.ok);
    return (
      <div className="bulk-bar" aria-live="polite">
        <ProgressBar done={run.progress.done} total={run.progress.total} label={`Bulk ${run.verb}`} />
        <p className="bulk-summary">
          {run.finished
            ? summarize(run.progress.results, run.verb)
            : `${run.verb}: ${run.progress.done} of ${run.progress.total}…`}
        </p>
        {failures.length > 0 && (
          <ul className="bulk-failures">
            {failures.map((failure: BulkItemResult) => (
              <li key={failure.id}>
                <strong>{titleOf(failure.id)}</strong>: {failure.message}
                {failure.conflict && ' — open it to publish over the live article.'}
              </li>
            ))}
          </ul>
        )}
        {run.finished && <Button onClick={onDismiss}>Done</Button>}
      </div>
    );
  }
  if (selected.length === 0) return null;
  const stale = selected.filter((item) => item.stale).length;
  return (
    <div className="bulk-bar">
      <span>
        <strong>{selected.length}</strong> selected
        {stale > 0 && (
          <span className="muted"> · {stale} stale (skipped by publish: open them to confirm)</span>
        )}
      </span>
      <div className="bulk-actions">
        <WriteButton variant="primary" onClick={() => onRun('publish', '')}>
          Publish {selected.length}
        </WriteButton>
        {rejecting ? (
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              onRun('reject', reason.trim());
              setRejecting(false);
            }}
          >
            <label className="sr-only" htmlFor="bulk-reason">
              Reason for rejecting (optional)
            </label>
            <input
              id="bulk-reason"
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              placeholder="Reason (optional)"
              autoFocus
            />
            <button type="submit" className="btn btn-danger">
              Reject {selected.length}
            </button>
          </form>
        ) : (
          <WriteButton variant="danger" onClick={() => setRejecting(true)}>
            Reject…
          </WriteButton>
        )}
        <Button onClick={onClear}>Clear</Button>
      </div>
    </div>
  );
}
