// One batch: live progress while it runs (Server-Sent Events), counts by status and operation, drafts
// created, tokens, the failed jobs with their reasons, and "retry failed".
import { useEffect, useState } from 'react';
import type { Batch } from '../api/review-types.js';
import type { Job } from '../api/types.js';
import { formatNumber, formatTime, OPERATION_LABELS } from '../lib/format.js';
import { ErrorNote, ProgressBar, WriteButton } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';

import { isRunning } from '../lib/live-queue.js';

/** Follows a batch until it finishes; the returned state updates with every event. */
export function useLiveBatch(initial: Batch): Batch {
  const { client } = useSession();
  const [batch, setBatch] = useState(initial);
  useEffect(() => setBatch(initial), [initial]);
  const running = isRunning(batch);
  useEffect(() => {
    if (!running) return;
    const controller = new AbortController();
    client.followBatch(batch.id, setBatch, controller.signal).catch(() => {
      // The stream broke (server restart, network): fall back to one fresh read.
      if (!controller.signal.aborted) client.batch(batch.id).then(setBatch, () => undefined);
    });
    return () => controller.abort();
  }, [client, batch.id, running]);
  return batch;
}

export function BatchCard({ initial, highlighted }: { initial: Batch; highlighted: boolean }) {
  const { client } = useSession();
  const [override, setOverride] = useState<Batch | null>(null);
  const batch = useLiveBatch(override ?? initial);
  const [failures, setFailures] = useState<Job[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const finished = batch.counts.completed + batch.counts.failed;

  useEffect(() => {
    if (batch.counts.failed === 0 || isRunning(batch)) {
      setFailures([]);
      return;
    }
    client.batchJobs(batch.id, 'FAILED').then((page) => setFailures(page.jobs), setError);
  }, [client, batch.id, batch.counts.failed, batch.status]);

  const retry = async () => {
    setBusy(true);
    setError(null);
    try {
      setOverride(await client.retryBatch(batch.id));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article
      className={`card batch-card ${highlighted ? 'highlighted' : ''}`}
      aria-label={`Batch ${batch.id.slice(0, 8)}`}
      data-batch-id={batch.id}
    >
      <header className="card-head">
        <span className={`status status-${batch.status}`}>
          {batch.status.replace('_', ' ').toLowerCase()}
        </span>
        <span className="muted">{formatTime(batch.createdAt)}</span>
        <code className="muted" title={batch.id}>
          {batch.id.slice(0, 8)}
        </code>
        <span className="spacer" />
        {batch.drafts > 0 && <a href={`#/review?batch=${batch.id}`}>{batch.drafts} drafts →</a>}
      </header>
      <ProgressBar
        done={finished}
        total={batch.counts.total}
        label={`Batch ${batch.id.slice(0, 8)} progress`}
      />
      <p className="batch-counts">
        {finished} of {batch.counts.total} done · {batch.counts.pending} pending · {batch.counts.inProgress}{' '}
        running · {batch.counts.completed} completed ({batch.counts.reused} reused) ·{' '}
        <span className={batch.counts.failed ? 'text-failed' : ''}>{batch.counts.failed} failed</span>
      </p>
      <p className="batch-counts muted">
        {Object.entries(batch.operations)
          .map(
            ([operation, count]) =>
              `${OPERATION_LABELS[operation as keyof typeof OPERATION_LABELS]} ${count}`,
          )
          .join(' · ')}{' '}
        · {batch.drafts} drafts · {formatNumber(batch.usage.promptTokens + batch.usage.completionTokens)}{' '}
        tokens
        {batch.params.restrictedOps.length > 0 &&
          ` · only ${batch.params.restrictedOps.map((op) => OPERATION_LABELS[op]).join(', ')}`}
      </p>
      {failures.length > 0 && (
        <details className="failures" open={failures.length <= 5}>
          <summary>
            {failures.length} failed job{failures.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {failures.map((job) => (
              <li key={job.id}>
                <code>{job.id.slice(0, 8)}</code> {job.error ?? 'failed'}
              </li>
            ))}
          </ul>
        </details>
      )}
      {batch.counts.failed > 0 && !isRunning(batch) && (
        <WriteButton onClick={() => void retry()} disabled={busy}>
          {busy ? 'Retrying…' : `Retry ${batch.counts.failed} failed`}
        </WriteButton>
      )}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </article>
  );
}
