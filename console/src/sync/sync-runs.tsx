// Sync runs: "Sync now" (every web source: refresh, then drafts for what changed) and the recent runs
// with their status and counts, read again every few seconds while one is still going.
import { useCallback, useEffect } from 'react';
import type { SyncRun } from '../api/sync-types.js';
import { formatTime } from '../lib/format.js';
import { Button, Empty, ErrorNote, TableHead, WriteButton } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';
import { useAction } from '../ui/use-action.js';
import { useLoaded } from './use-loaded.js';

export const RUN_POLL_MS = 3000;
const finished = (run: SyncRun) => run.status === 'COMPLETED' || run.status === 'FAILED';

function RunRow({ run }: { run: SyncRun }) {
  const { counts } = run;
  return (
    <tr data-run-id={run.id}>
      <td>
        <span
          className={`status status-${run.status === 'COMPLETED' ? 'COMPLETED' : run.status === 'FAILED' ? 'FAILED' : 'IN_PROGRESS'}`}
        >
          {run.status.toLowerCase()}
        </span>
        {run.error && <div className="text-failed small">{run.error}</div>}
      </td>
      <td className="small">{formatTime(run.createdAt)}</td>
      <td className="small">{run.scheduleName ?? 'by hand'}</td>
      <td className="small">
        {counts.sources} sources · {counts.refreshed} refreshed · {counts.unchanged} unchanged ·{' '}
        {counts.changed} changed ·{' '}
        <span className={counts.failed ? 'text-failed' : ''}>{counts.failed} failed</span>
        {counts.gone > 0 && ` · ${counts.gone} gone`}
        {counts.suspect > 0 && ` · ${counts.suspect} suspect`}
      </td>
      <td className="small">
        {counts.jobs} jobs ·{' '}
        {run.batchId && counts.drafts > 0 ? (
          <a href={`#/review?batch=${run.batchId}`}>{counts.drafts} drafts →</a>
        ) : (
          `${counts.drafts} drafts`
        )}
      </td>
    </tr>
  );
}

export function SyncRuns({ onMissing }: { onMissing: () => void }) {
  const { client } = useSession();
  const { busy, error: actionError, setError: setActionError, run: act } = useAction();

  const read = useCallback(async () => (await client.syncRuns()).runs, [client]);
  const { data: runs, error, load } = useLoaded(read, onMissing);

  const going = runs?.some((run) => !finished(run)) ?? false;
  useEffect(() => {
    if (!going) return;
    const timer = setInterval(() => void load(), RUN_POLL_MS);
    return () => clearInterval(timer);
  }, [going, load]);

  const syncNow = () =>
    act('sync', async () => {
      await client.sync();
      await load();
    });

  return (
    <section className="card" aria-label="Sync runs">
      <header className="card-head">
        <h2>Runs</h2>
        <span className="spacer" />
        <Button onClick={() => void load()}>Reload</Button>
        <WriteButton
          variant="primary"
          onClick={() => void syncNow()}
          disabled={busy !== null}
          title="Refresh every web source, then generate update drafts for the pages that changed"
        >
          {busy === 'sync' ? 'Starting…' : 'Sync now'}
        </WriteButton>
      </header>
      <ErrorNote error={actionError} onDismiss={() => setActionError(null)} />
      <ErrorNote error={error} />
      {runs && runs.length === 0 && (
        <Empty title="No sync runs yet.">
          <p>“Sync now” refreshes every web source and drafts updates for the pages that changed.</p>
        </Empty>
      )}
      {runs && runs.length > 0 && (
        <table className="table">
          <TableHead columns={['Status', 'Started', 'Schedule', 'Sources', 'Generation']} />
          <tbody>
            {runs.map((run) => (
              <RunRow key={run.id} run={run} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
