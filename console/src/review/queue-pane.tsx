// Left pane: filters, per-operation counts, the drafts (newest first, more on scroll) and bulk actions.
import { useEffect, useLayoutEffect, useRef, useState, type MouseEvent, type UIEvent } from 'react';
import type { ReviewFilters, ReviewItem } from '../api/review-types.js';
import type { Operation } from '../api/types.js';
import { age, formatNumber, OPERATION_LABELS } from '../lib/format.js';
import { Empty, ErrorNote, OperationBadge } from '../ui/common.js';
import type { QueueState } from './use-queue.js';

export interface FolderOption {
  id: string;
  path: string;
}
export interface BatchOption {
  id: string;
  label: string;
}

const OPERATION_TABS: (Operation | undefined)[] = [
  undefined,
  'UPDATE_ARTICLE',
  'ADD_ARTICLE_TO_FOLDER',
  'DO_NOTHING',
];

function Filters({
  filters,
  onChange,
  folders,
  batches,
}: {
  filters: ReviewFilters;
  onChange: (filters: ReviewFilters) => void;
  folders: FolderOption[];
  batches: BatchOption[];
}) {
  const [text, setText] = useState(filters.q ?? '');
  useEffect(() => {
    const timer = setTimeout(() => {
      if ((filters.q ?? '') !== text.trim()) onChange({ ...filters, q: text.trim() || undefined });
    }, 300);
    return () => clearTimeout(timer);
  }, [text, filters, onChange]);
  return (
    <div className="filters">
      <label className="sr-only" htmlFor="queue-search">
        Search drafts
      </label>
      <input
        id="queue-search"
        type="search"
        placeholder="Search title or body"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <div className="filter-row">
        <label className="sr-only" htmlFor="queue-folder">
          Folder
        </label>
        <select
          id="queue-folder"
          value={filters.parentFolderId ?? ''}
          onChange={(event) => onChange({ ...filters, parentFolderId: event.target.value || undefined })}
        >
          <option value="">All folders</option>
          {folders.map((folder) => (
            <option key={folder.id} value={folder.id}>
              {folder.path}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="queue-batch">
          Batch
        </label>
        <select
          id="queue-batch"
          value={filters.batchId ?? ''}
          onChange={(event) => onChange({ ...filters, batchId: event.target.value || undefined })}
        >
          <option value="">All batches</option>
          {filters.batchId && !batches.some((batch) => batch.id === filters.batchId) && (
            <option value={filters.batchId}>Batch {filters.batchId.slice(0, 8)}</option>
          )}
          {batches.map((batch) => (
            <option key={batch.id} value={batch.id}>
              {batch.label}
            </option>
          ))}
        </select>
      </div>
      {filters.documentId && (
        <div className="chip">
          From one source
          <button
            type="button"
            className="link"
            onClick={() => onChange({ ...filters, documentId: undefined })}
          >
            clear
          </button>
        </div>
      )}
    </div>
  );
}

function Row({
  item,
  open,
  checked,
  onOpen,
  onCheck,
}: {
  item: ReviewItem;
  open: boolean;
  checked: boolean;
  onOpen: () => void;
  onCheck: (event: MouseEvent) => void;
}) {
  return (
    <li className={`queue-row ${open ? 'open' : ''} ${checked ? 'checked' : ''}`} data-draft-id={item.id}>
      <input
        type="checkbox"
        checked={checked}
        onChange={() => undefined}
        onClick={onCheck}
        aria-label={`Select “${item.title}”`}
      />
      <button type="button" className="queue-open" onClick={onOpen} aria-current={open ? 'true' : undefined}>
        <span className="queue-line">
          <OperationBadge operation={item.operation} />
          <span className="queue-title">{item.title}</span>
          {item.stale && (
            <span
              className="warn-icon"
              title="The live article changed after this draft was made"
              aria-label="stale"
            >
              ⚠
            </span>
          )}
        </span>
        <span className="queue-meta">
          <span className="queue-path">
            {item.folderPath.length > 0 ? item.folderPath.join(' › ') : 'no folder'}
          </span>
          <span className="queue-age">{age(item.createdAt)}</span>
        </span>
      </button>
    </li>
  );
}

export function QueuePane(props: {
  queue: QueueState & { loadMore: () => Promise<void>; clearNew: () => void };
  filters: ReviewFilters;
  onFilters: (filters: ReviewFilters) => void;
  folders: FolderOption[];
  batches: BatchOption[];
  openId: string | null;
  onOpen: (id: string) => void;
  checked: Set<string>;
  onCheck: (id: string, event: MouseEvent) => void;
  bulkBar: React.ReactNode;
}) {
  const { queue, filters, onFilters, openId, checked } = props;
  const listRef = useRef<HTMLUListElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The row at the top of the view and how far it sits below the view's top: kept in place when drafts
  // are put on top of the list, so the reader's place does not move.
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const rememberAnchor = () => {
    const scroller = scrollRef.current;
    const rows = listRef.current?.querySelectorAll<HTMLElement>('.queue-row');
    if (!scroller || !rows) return;
    const first = [...rows].find((row) => row.offsetTop + row.offsetHeight > scroller.scrollTop);
    anchor.current = first?.dataset.draftId
      ? { id: first.dataset.draftId, offset: first.offsetTop - scroller.scrollTop }
      : null;
  };
  const firstId = queue.items[0]?.id;
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    const saved = anchor.current;
    if (scroller && saved && queue.newCount > 0) {
      const row = listRef.current?.querySelector<HTMLElement>(`.queue-row[data-draft-id="${saved.id}"]`);
      if (row) scroller.scrollTop = row.offsetTop - saved.offset;
    }
    rememberAnchor();
  }, [firstId]);

  const onScroll = (event: UIEvent<HTMLElement>) => {
    const element = event.currentTarget;
    rememberAnchor();
    if (element.scrollTop === 0 && queue.newCount > 0) queue.clearNew();
    if (element.scrollHeight - element.scrollTop - element.clientHeight < 400) void queue.loadMore();
  };
  const showNew = () => {
    scrollRef.current?.scrollTo({ top: 0 });
    queue.clearNew();
  };
  useEffect(() => {
    listRef.current?.querySelector('.queue-row.open')?.scrollIntoView({ block: 'nearest' });
  }, [openId]);

  const counts = queue.counts;
  return (
    <section className="pane queue-pane" aria-label="Review queue">
      <div className="tabs" role="tablist" aria-label="Operation">
        {OPERATION_TABS.map((operation) => (
          <button
            key={operation ?? 'all'}
            type="button"
            role="tab"
            aria-selected={filters.operation === operation}
            className={filters.operation === operation ? 'tab active' : 'tab'}
            onClick={() => onFilters({ ...filters, operation })}
          >
            {operation ? OPERATION_LABELS[operation] : 'all'}{' '}
            <span className="count">
              {counts ? formatNumber(operation ? counts[operation] : counts.total) : '…'}
            </span>
          </button>
        ))}
      </div>
      <Filters filters={filters} onChange={onFilters} folders={props.folders} batches={props.batches} />
      {props.bulkBar}
      {queue.newCount > 0 && (
        <button type="button" className="new-banner" onClick={showNew}>
          ↑ {queue.newCount} new draft{queue.newCount === 1 ? '' : 's'} above — show
        </button>
      )}
      <ErrorNote error={queue.error} />
      <div className="queue-scroll" onScroll={onScroll} ref={scrollRef}>
        {!queue.loading && queue.items.length === 0 && !queue.error ? (
          <Empty title="No drafts to review.">
            {Object.values(filters).some(Boolean) ? (
              <p>Nothing matches these filters. Clear them to see every draft.</p>
            ) : (
              <p>
                Ingest pages and generate drafts on the <a href="#/sources">Sources</a> page, or run
                “Regenerate changed” there after the pages changed.
              </p>
            )}
          </Empty>
        ) : (
          <ul className="queue-list" ref={listRef}>
            {queue.items.map((item) => (
              <Row
                key={item.id}
                item={item}
                open={item.id === openId}
                checked={checked.has(item.id)}
                onOpen={() => props.onOpen(item.id)}
                onCheck={(event) => props.onCheck(item.id, event)}
              />
            ))}
          </ul>
        )}
        {queue.loading && <p className="muted pad">Loading…</p>}
        {queue.hasMore && !queue.loading && (
          <button type="button" className="btn btn-plain load-more" onClick={() => void queue.loadMore()}>
            Load more
          </button>
        )}
      </div>
    </section>
  );
}
