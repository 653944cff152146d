// `distill sync [--wait]`: starts a sync run on a running Distill over its HTTP API (docs/api.md "Sync
// runs"), and with --wait follows it to the end — a progress bar on a terminal, one line per step
// otherwise — exiting 1 when the run failed. It is an API client: it needs a key, not the database.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncRun } from './sync-schemas.js';

export interface SyncCliOptions {
  url: string;
  key: string;
  wait: boolean;
  /** Allow new articles for unlinked sources (restrictedOps with ADD_ARTICLE_TO_FOLDER). */
  addNew: boolean;
  pollMs?: number;
}

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

async function call<T>(options: SyncCliOptions, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, options.url), {
    method,
    headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${answer.message ?? ''}`);
  return answer as T;
}

/** Done and total of the step the run is in: sources refreshed, then batch jobs finished. */
async function progress(options: SyncCliOptions, run: SyncRun): Promise<{ done: number; total: number }> {
  if (run.status === 'GENERATING' && run.batchId) {
    const batch = await call<{ counts: { total: number; completed: number; failed: number } }>(
      options,
      'GET',
      `/v2/knowledge/public/batches/${run.batchId}`,
    );
    return { done: batch.counts.completed + batch.counts.failed, total: batch.counts.total };
  }
  return { done: run.counts.refreshed + run.counts.failed, total: run.counts.sources };
}

export function progressBar(status: string, done: number, total: number, width = 30): string {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * width);
  return `${status.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}

export const summary = (run: SyncRun): string =>
  `${run.status}: ${run.counts.sources} sources, ${run.counts.changed} changed, ${run.counts.failed} failed, ` +
  `${run.counts.gone} gone, ${run.counts.suspect} suspect; ${run.counts.jobs} jobs, ${run.counts.drafts} drafts` +
  (run.batchId ? ` (batch ${run.batchId})` : '') +
  (run.error ? ` — ${run.error}` : '');

/** Runs the command; resolves with the exit code. */
export async function syncCommand(options: SyncCliOptions, out: Output = process.stdout): Promise<number> {
  const body = options.addNew
    ? { restrictedOps: ['ADD_ARTICLE_TO_FOLDER', 'UPDATE_ARTICLE', 'DO_NOTHING'] }
    : {};
  const { syncRunId } = await call<{ syncRunId: string }>(options, 'POST', '/v2/sync/public', body);
  out.write(`sync run ${syncRunId}\n`);
  if (!options.wait) return 0;

  let lastStatus = '';
  for (;;) {
    const run = await call<SyncRun>(options, 'GET', `/v2/sync/public/runs/${syncRunId}`);
    if (run.status === 'COMPLETED' || run.status === 'FAILED') {
      if (out.isTTY) out.write('\r\x1b[2K');
      out.write(`${summary(run)}\n`);
      return run.status === 'COMPLETED' ? 0 : 1;
    }
    if (out.isTTY) {
      const { done, total } = await progress(options, run);
      out.write(`\r\x1b[2K${progressBar(run.status, done, total)}`);
    } else if (run.status !== lastStatus) {
      out.write(`${run.status}\n`);
    }
    lastStatus = run.status;
    await sleep(options.pollMs ?? 500);
  }
}
