import { useCallback, useEffect } from 'react';
import { Button, Empty, ErrorNote } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';
import { usePagedList } from '../ui/use-paged-list.js';
import { BatchCard } from './batch-card.js';

export function BatchesPage() {
  const { client } = useSession();
  const highlighted = new URLSearchParams(location.hash.split('?')[1] ?? '').get('batch');

  const fetchPage = useCallback(
    async (cursor?: string) => {
      const page = await client.batches(cursor);
      return { items: page.batches, hasMore: page.hasMore };
    },
    [client],
  );
  const { items: batches, hasMore, loading, error, load, loadMore } = usePagedList(fetchPage);
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
      {hasMore && !loading && <Button onClick={() => void loadMore()}>Load more</Button>}
    </div>
  );
}
