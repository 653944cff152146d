// Sources: list with filters, add pages, refresh, generate drafts, and "Regenerate changed".
import { useCallback, useEffect, useState } from 'react';
import type { Source } from '../api/types.js';
import { age, OPERATION_LABELS } from '../lib/format.js';
import { regenerateChanged, type RegenerateStep } from '../lib/regenerate.js';
import { Button, Empty, ErrorNote, WriteButton } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';
import { BatchById, RegeneratePanel } from './regenerate-panel.js';
import { IngestPanel } from './source-tools.js';
import { useAction } from '../ui/use-action.js';

interface SourceFilters {
  changed: boolean;
  failed: boolean;
  title: string;
}

function statusOf(source: Source): { label: string; className: string } {
  if (source.linkedJobStatus === 'PENDING' || source.linkedJobStatus === 'IN_PROGRESS')
    return {
      label: source.linkedJobStatus === 'PENDING' ? 'queued' : 'fetching',
      className: 'status-IN_PROGRESS',
    };
  if (!source.success) return { label: 'failed', className: 'status-FAILED' };
  return { label: 'ok', className: 'status-COMPLETED' };
}

function SourceRow({ source, checked, onCheck }: { source: Source; checked: boolean; onCheck: () => void }) {
  const status = statusOf(source);
  return (
    <tr className={checked ? 'checked' : ''} data-source-id={source.id}>
      <td>
        <input
          type="checkbox"
          checked={checked}
          onChange={onCheck}
          aria-label={`Select ${source.title || source.originalUrl}`}
        />
      </td>
      <td>
        <div className="source-cell-title">{source.title || '(no title yet)'}</div>
        <a className="muted small" href={source.originalUrl} target="_blank" rel="noopener noreferrer">
          {source.originalUrl}
        </a>
        {!source.success && source.error && <div className="text-failed small">{source.error}</div>}
      </td>
      <td>
        <span className={`status ${status.className}`}>{status.label}</span>
        {source.changed && <span className="chip chip-changed">changed</span>}
      </td>
      <td className="small">
        {source.linkedOperation ? OPERATION_LABELS[source.linkedOperation] : '—'}
        {source.linkedKnowledgeId && (
          <>
            {' '}
            · <a href={`#/review?source=${source.id}`}>drafts</a>
          </>
        )}
      </td>
      <td className="small muted">{age(source.updatedAt)}</td>
    </tr>
  );
}

export function SourcesPage() {
  const { client } = useSession();
  const [filters, setFilters] = useState<SourceFilters>({ changed: false, failed: false, title: '' });
  const [sources, setSources] = useState<Source[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [batchId, setBatchId] = useState<string | null>(null);
  const [regenerate, setRegenerate] = useState<RegenerateStep | null>(null);
  const { busy, error: actionError, setError: setActionError, run: act } = useAction();

  const load = useCallback(
    async (cursor?: string) => {
      try {
        const page = await client.sources({
          changed: filters.changed || undefined,
          title: filters.title.trim() || undefined,
          limit: 100,
          cursor,
        });
        setSources((previous) => (cursor ? [...previous, ...page.documents] : page.documents));
        setHasMore(page.hasMore);
        setError(null);
      } catch (failure) {
        setError(failure);
      } finally {
        setLoading(false);
      }
    },
    [client, filters.changed, filters.title],
  );
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

  const shown = filters.failed ? sources.filter((source) => !source.success) : sources;
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
        <label className="inline">
          <input
            type="checkbox"
            checked={filters.changed}
            onChange={(event) => setFilters({ ...filters, changed: event.target.checked })}
          />{' '}
          Changed
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={filters.failed}
            onChange={(event) => setFilters({ ...filters, failed: event.target.checked })}
          />{' '}
          Failed
        </label>
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
            filters.changed || filters.failed || filters.title
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
      {hasMore && <Button onClick={() => void load(sources.at(-1)?.id)}>Load more</Button>}
    </div>
  );
}
