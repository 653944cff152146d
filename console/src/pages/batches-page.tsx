import { useCallback, useEffect, useState } from 'react';
import type { Batch } from '../api/review-types.js';
import { Button, Empty, ErrorNote } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';
import { BatchCard } from './batch-card.js';

export function BatchesPage() {
  const { client } = useSession();
  const [batches, setBatches] = useState<Batch[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const highlighted = new URLSearchParams(location.hash.split('?')[1] ?? '').get('batch');

  const load = useCallback(
    async (cursor?: string) => {
      setLoading(true);
      try {
        const page = await client.batches(cursor);
        setBatches((previous) => (cursor ? [...previous, ...page.batches] : page.batches));
        setHasMore(page.hasMore);
        setError(null);
      } catch (failure) {
        setError(failure);
      } finally {
        setLoading(false);
      }
    },
    [client],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="page-scroll">
      <div className="page-head">
        <h1>Batches</h1>
        <Button onClick={() => void load()}>Reload</Button>
      </div>
      <ErrorNote error={error} />
      {!loading && batches.length === 0 && !error && (
        <Empty title="No batches yet.">
          <p>
            Every bulk generation is a batch. Select sources on the <a href="#/sources">Sources</a> page and
            choose “Generate drafts”.
          </p>
        </Empty>
      )}
      <div className="cards">
        {batches.map((batch) => (
          <BatchCard key={batch.id} initial={batch} highlighted={batch.id === highlighted} />
        ))}
      </div>
      {loading && <p className="muted">Loading…</p>}
      {hasMore && !loading && <Button onClick={() => void load(batches.at(-1)?.id)}>Load more</Button>}
    </div>
  );
}
