// Everything the draft view shows about one draft: the draft, the live article and diff for a fork,
// the source, and the job (reason, token usage, batch). Loaded together; each part may be missing.
import { useCallback, useEffect, useState } from 'react';
import type { DiffWithLive } from '../api/review-types.js';
import type { Article, Job, Source } from '../api/types.js';
import { useSession } from '../ui/session-context.js';

export interface DraftDetail {
  draft: Article;
  diff: DiffWithLive | null;
  /** For an add: nothing; for a fork or a no-op: the live article it points at. */
  live: Article | null;
  source: Source | null;
  job: Job | null;
  /** Why a part could not be loaded (the draft itself loaded). */
  partErrors: string[];
}

export function useDraft(id: string | null) {
  const { client } = useSession();
  const [detail, setDetail] = useState<DraftDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!id) {
      setDetail(null);
      return;
    }
    let cancelled = false;
    setLoading(true);
    setError(null);
    void (async () => {
      try {
        const draft = await client.article(id);
        if (!draft) throw new Error('This draft no longer exists: it may have been deleted.');
        const partErrors: string[] = [];
        const part = <T>(promise: Promise<T>, what: string) =>
          promise.catch((failure: unknown) => {
            partErrors.push(`${what}: ${failure instanceof Error ? failure.message : String(failure)}`);
            return null;
          });
        const target = draft.originalArticleId;
        const [diff, source, job] = await Promise.all([
          target && draft.operation !== 'DO_NOTHING'
            ? part(client.diff(id), 'Live article')
            : Promise.resolve(null),
          draft.sourceDocumentId
            ? part(client.source(draft.sourceDocumentId), 'Source')
            : Promise.resolve(null),
          draft.backgroundJobId ? part(client.job(draft.backgroundJobId), 'Job') : Promise.resolve(null),
        ]);
        const live =
          diff?.live ?? (target ? await part(client.article(target), 'Live article') : null) ?? null;
        if (!cancelled) {
          setDetail({ draft, diff, live, source, job, partErrors });
          setLoading(false);
        }
      } catch (failure) {
        if (!cancelled) {
          setError(failure);
          setDetail(null);
          setLoading(false);
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, id, version]);

  const refetch = useCallback(() => setVersion((value) => value + 1), []);
  return { detail, error, loading, refetch };
}
