// Runs one action over many drafts, a few at a time, reporting progress and a per-item result: a bulk
// publish of 300 drafts must neither flood the API (per-key rate limit) nor stop at the first failure.
import { ApiError } from '../api/client.js';

export interface BulkItemResult {
  id: string;
  ok: boolean;
  message?: string;
  /** 409: the live article moved on (publish needs explicit force) */
  conflict?: boolean;
}

export interface BulkProgress {
  done: number;
  total: number;
  results: BulkItemResult[];
}

export async function runBulk(
  ids: string[],
  action: (id: string) => Promise<unknown>,
  onProgress: (progress: BulkProgress) => void,
  concurrency = 4,
): Promise<BulkItemResult[]> {
  const results: BulkItemResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        await action(id);
        results.push({ id, ok: true });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        results.push({ id, ok: false, message, conflict: error instanceof ApiError && error.status === 409 });
      }
      onProgress({ done: results.length, total: ids.length, results: [...results] });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return results;
}

/** "published 48, failed 2" */
export function summarize(results: BulkItemResult[], verb: string): string {
  const failed = results.filter((result) => !result.ok).length;
  return failed > 0 ? `${verb} ${results.length - failed}, failed ${failed}` : `${verb} ${results.length}`;
}
