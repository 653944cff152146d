// Sources: list with filters, add pages, refresh, generate drafts, and "Regenerate changed".
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client.js';
import { regenerateChanged, type RegenerateStep } from '../lib/regenerate.js';
import { Button, Empty, ErrorNote, WriteButton } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';
import { BatchById, RegeneratePanel } from './regenerate-panel.js';
import { reportsHealth, SourceRow, type ListedSource } from './source-row.js';
import { IngestPanel } from './source-tools.js';
import { useAction } from '../ui/use-action.js';
import { usePagedList, type Page } from '../ui/use-paged-list.js';

interface SourceFilters {
  changed: boolean;
  failed: boolean;
  gone: boolean;
  suspect: boolean;
  title: string;
}

const FLAG_FILTERS = [
  { flag: 'changed', label: 'Changed', health: false },
  { flag: 'failed', label: 'Failed', health: false },
  { flag: 'gone', label: 'Gone', health: true },
  { flag: 'suspect', label: 'Suspect', health: true },
] as const;

/** A 400 naming a health filter: the server does not know it (it predates source health). */
const rejectsHealth = (error: unknown) =>
  error instanceof ApiError && error.status === 400 && /^(gone|suspect)\b/.test(error.message);

export function SourcesPage() {
  const { client } = useSession();
  const [filters, setFilters] = useState<SourceFilters>({
    changed: false,
    failed: false,
    gone: false,
    suspect: false,
    title: '',
  });
  // Gone/suspect filters show once the server reports source health (and hide if it rejects them).
  const [health, setHealth] = useState(false);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [batchId, setBatchId] = useState<string | null>(null);
  const [regenerate, setRegenerate] = useState<RegenerateStep | null>(null);
  const { busy, error: actionError, setError: setActionError, run: act } = useAction();

  const fetchPage = useCallback(
    async (cursor?: string): Promise<Page<ListedSource>> => {
      try {
        const page = await client.sources({
          changed: filters.changed || undefined,
          success: filters.failed ? false : undefined,
          gone: filters.gone || undefined,
          suspect: filters.suspect || undefined,
          title: filters.title.trim() || undefined,
          limit: 100,
          cursor,
        });
        if (page.documents.some(reportsHealth)) setHealth(true);
        return { items: page.documents, hasMore: page.hasMore };
      } catch (failure) {
        if (!rejectsHealth(failure)) throw failure;
        setHealth(false);
        setFilters((previous) => ({ ...previous, gone: false, suspect: false }));
        return { items: [], hasMore: false };
      }
    },
    [client, filters.changed, filters.failed, filters.gone, filters.suspect, filters.title],
  );
  const { items: sources, hasMore, loading, error, load, loadMore } = usePagedList(fetchPage);
  useEffect(() => {
    const timer = setTimeout(() => void load(), 250);
    return () => clearTimeout(timer);
  }, [load]);

  // While pages are being fetched, keep their status current.
  const working = sources.some(
    (source) => source.linkedJobStatus === 'PENDING' || source.linkedJobStatus === 'IN_PROGRESS',
  );
  useEffect(() => {
    if (!working) return;
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, [working, load]);

  const shown = sources;
  const selectedIds = shown.filter((source) => checked.has(source.id)).map((source) => source.id);

  const generate = () =>
    act('generate', async () => {
      const result = await client.bulk(selectedIds);
      setBatchId(result.batchId);
      setRegenerate(null);
      setNotice(`Generating drafts for ${result.jobs.length} source(s).`);
    });
  const refresh = () =>
    act('refresh', async () => {
      const accepted = await client.refresh(selectedIds);
      setNotice(`Refreshing ${accepted.length} source(s).`);
      await load();
    });
  const runRegenerate = () =>
    act('regenerate', async () => {
      setBatchId(null);
      await regenerateChanged(client, setRegenerate, {
        ids: selectedIds.length > 0 ? selectedIds : undefined,
      });
      await load();
    });

  const toggle = (id: string) =>
    setChecked((previous) => {
      const copy = new Set(previous);
      if (copy.has(id)) copy.delete(id);
      else copy.add(id);
      return copy;
    });

  return (
    <div className="page-scroll">
      <div className="page-head">
        <h1>Sources</h1>
        <span className="spacer" />
        <WriteButton
          variant="primary"
          onClick={() => void runRegenerate()}
          disabled={busy !== null}
          title="Refresh the sources (the selected ones, or all), wait, then generate update drafts for those that changed"
        >
          {busy === 'regenerate'
            ? 'Regenerating…'
            : selectedIds.length > 0
              ? `Regenerate changed (${selectedIds.length} selected)`
              : 'Regenerate changed'}
        </WriteButton>
      </div>
      <IngestPanel
        onIngested={(message) => {
          setNotice(message);
          void load();
        }}
      />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorNote error={actionError} onDismiss={() => setActionError(null)} />
      {regenerate && <RegeneratePanel step={regenerate} />}
      {batchId && <BatchById id={batchId} />}
      <div className="source-filters">
        <label className="sr-only" htmlFor="sources-search">
          Search sources by title
        </label>
        <input
          id="sources-search"
          type="search"
          placeholder="Search by title"
          value={filters.title}
          onChange={(event) => setFilters({ ...filters, title: event.target.value })}
        />
        {FLAG_FILTERS.filter((filter) => health || !filter.health).map(({ flag, label }) => (
          <label className="inline" key={flag}>
            <input
              type="checkbox"
              checked={filters[flag]}
              onChange={(event) => setFilters({ ...filters, [flag]: event.target.checked })}
            />{' '}
            {label}
          </label>
        ))}
      </div>
      <div className="row-actions">
        <Button
          onClick={() => setChecked(new Set(shown.map((source) => source.id)))}
          disabled={shown.length === 0}
        >
          Select all {shown.length}
        </Button>
        <Button onClick={() => setChecked(new Set())} disabled={checked.size === 0}>
          Clear
        </Button>
        <WriteButton
          variant="primary"
          onClick={() => void generate()}
          disabled={selectedIds.length === 0 || busy !== null}
        >
          {busy === 'generate' ? 'Queueing…' : `Generate drafts (${selectedIds.length})`}
        </WriteButton>
        <WriteButton onClick={() => void refresh()} disabled={selectedIds.length === 0 || busy !== null}>
          Refresh ({selectedIds.length})
        </WriteButton>
      </div>
      <ErrorNote error={error} />
      {!loading && shown.length === 0 && !error ? (
        <Empty
          title={
            filters.changed || filters.failed || filters.gone || filters.suspect || filters.title
              ? 'No source matches these filters.'
              : 'No sources yet.'
          }
        >
          <p>Paste page URLs above and choose Ingest, or discover a site’s pages with the deep crawl.</p>
        </Empty>
      ) : (
        <table className="table sources-table">
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Selected</span>
              </th>
              <th scope="col">Page</th>
              <th scope="col">Status</th>
              <th scope="col">Last decision</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((source) => (
              <SourceRow
                key={source.id}
                source={source}
                checked={checked.has(source.id)}
                onCheck={() => toggle(source.id)}
              />
            ))}
          </tbody>
        </table>
      )}
      {hasMore && <Button onClick={() => void loadMore()}>Load more</Button>}
    </div>
  );
}
