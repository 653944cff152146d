// "Regenerate changed": the refresh workflow in one click — refresh the sources, wait until every
// refresh finished, list the linked sources whose content changed, and bulk-generate update drafts for
// them (restrictedOps UPDATE_ARTICLE, isDraft true). Each step reports its progress.
import type { ApiClient } from '../api/client.js';
import type { Source } from '../api/types.js';

export type RegenerateStep =
  | { step: 'listing' }
  | { step: 'refreshing'; total: number }
  | { step: 'waiting'; done: number; total: number; failed: number }
  | { step: 'finding' }
  | { step: 'generating'; changed: number; batchId: string }
  | { step: 'nothing-changed'; refreshed: number; failed: number }
  | { step: 'done'; changed: number; batchId: string; refreshed: number; failed: number };

const CHUNK = 1000;
const finishedStatus = (source: Source) =>
  source.linkedJobStatus !== 'PENDING' && source.linkedJobStatus !== 'IN_PROGRESS';

/** Every source matching the query, paging through all of them. */
export async function listAll(client: ApiClient, query: { changed?: boolean } = {}): Promise<Source[]> {
  const all: Source[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await client.sources({ ...query, limit: 200, cursor });
    all.push(...page.documents);
    if (!page.hasMore || page.documents.length === 0) return all;
    cursor = page.documents.at(-1)!.id;
  }
}

export async function regenerateChanged(
  client: ApiClient,
  onStep: (step: RegenerateStep) => void,
  options: { ids?: string[]; pollMs?: number; signal?: AbortSignal } = {},
): Promise<RegenerateStep> {
  const pollMs = options.pollMs ?? 1000;
  onStep({ step: 'listing' });
  const ids =
    options.ids ??
    (await listAll(client)).filter((source) => source.source === 'web').map((source) => source.id);
  if (ids.length === 0) {
    const step: RegenerateStep = { step: 'nothing-changed', refreshed: 0, failed: 0 };
    onStep(step);
    return step;
  }

  onStep({ step: 'refreshing', total: ids.length });
  for (let start = 0; start < ids.length; start += CHUNK)
    await client.refresh(ids.slice(start, start + CHUNK));

  const wanted = new Set(ids);
  let failed = 0;
  for (;;) {
    if (options.signal?.aborted) throw new DOMException('stopped', 'AbortError');
    const mine = (await listAll(client)).filter((source) => wanted.has(source.id));
    const done = mine.filter(finishedStatus);
    failed = done.filter((source) => source.linkedJobStatus === 'FAILED').length;
    onStep({ step: 'waiting', done: done.length, total: ids.length, failed });
    if (done.length === mine.length) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  onStep({ step: 'finding' });
  const changed = (await listAll(client, { changed: true })).filter((source) => wanted.has(source.id));
  if (changed.length === 0) {
    const step: RegenerateStep = { step: 'nothing-changed', refreshed: ids.length, failed };
    onStep(step);
    return step;
  }
  const changedIds = changed.map((source) => source.id);
  let batchId = '';
  for (let start = 0; start < changedIds.length; start += CHUNK) {
    const response = await client.bulk(changedIds.slice(start, start + CHUNK), {
      restrictedOps: ['UPDATE_ARTICLE'],
      isDraft: true,
    });
    batchId ||= response.batchId;
  }
  onStep({ step: 'generating', changed: changedIds.length, batchId });
  const step: RegenerateStep = {
    step: 'done',
    changed: changedIds.length,
    batchId,
    refreshed: ids.length,
    failed,
  };
  onStep(step);
  return step;
}
