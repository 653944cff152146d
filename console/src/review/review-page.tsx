// The review page: queue (left), open draft (centre), its source (right, collapsible); on a phone one
// pane at a time with a back control. Keyboard-first: j/k, x, p, e, r, s, ?.
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { ReviewFilters } from '../api/review-types.js';
import type { ArticleContent, Operation, TreeNode } from '../api/types.js';
import { runBulk, summarize } from '../lib/bulk.js';
import { createEditsStore } from '../lib/edits-store.js';
import { errorMessage } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';
import { BulkBar, type BulkRun } from './bulk-bar.js';
import { DraftPane, type DraftActions, type PaneCommand } from './draft-pane.js';
import { HelpOverlay } from './help-overlay.js';
import { QueuePane, type BatchOption, type FolderOption } from './queue-pane.js';
import { SourcePane } from './source-pane.js';
import { UndoToasts } from './undo-toasts.js';
import { useDelayedActions } from './use-delayed-actions.js';
import { useDraft } from './use-draft.js';
import { useQueue } from './use-queue.js';

type MobilePane = 'queue' | 'draft' | 'source';

function flattenFolders(nodes: TreeNode[], prefix: string[] = []): FolderOption[] {
  return nodes.flatMap((node) =>
    node.type === 'folder'
      ? [
          { id: node.id, path: [...prefix, node.title].join(' › ') },
          ...flattenFolders(node.children, [...prefix, node.title]),
        ]
      : [],
  );
}

function filtersFrom(params: URLSearchParams): ReviewFilters {
  return {
    operation: (params.get('operation') as Operation | null) ?? undefined,
    batchId: params.get('batch') ?? undefined,
    documentId: params.get('source') ?? undefined,
    parentFolderId: params.get('folder') ?? undefined,
    q: params.get('q') ?? undefined,
  };
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function ReviewPage({ params }: { params: URLSearchParams }) {
  const { client } = useSession();
  const [filters, setFilters] = useState<ReviewFilters>(() => filtersFrom(params));
  const paramsKey = params.toString();
  useEffect(() => setFilters(filtersFrom(params)), [paramsKey]);

  const queue = useQueue(filters);
  const [openId, setOpenId] = useState<string | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const lastChecked = useRef<string | null>(null);
  const [bulkRun, setBulkRun] = useState<BulkRun | null>(null);
  const [mobilePane, setMobilePane] = useState<MobilePane>('queue');
  const [sourceHidden, setSourceHidden] = useState(false);
  const [help, setHelp] = useState(false);
  const [command, setCommand] = useState<PaneCommand>(null);
  const [toast, setToast] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const delayed = useDelayedActions();
  const edits = useMemo(() => createEditsStore(), []);
  const [, setEditsVersion] = useState(0);
  const [folders, setFolders] = useState<FolderOption[]>([]);
  const [batches, setBatches] = useState<BatchOption[]>([]);

  const { detail, error: draftError, loading: draftLoading, refetch } = useDraft(openId);

  useEffect(() => {
    client.tree().then(
      (tree) => setFolders(flattenFolders(tree.snapshotObjV2)),
      () => undefined,
    );
    client.batches(undefined, 20).then(
      (list) =>
        setBatches(
          list.batches.map((batch) => ({
            id: batch.id,
            label: `${new Date(batch.createdAt).toLocaleString()} · ${batch.counts.total} jobs`,
          })),
        ),
      () => undefined,
    );
  }, [client]);

  // Opens the first draft once the queue has loaded, and keeps an open draft that is still listed.
  useEffect(() => {
    if (queue.loading) return;
    if (!openId || !queue.items.some((item) => item.id === openId)) setOpenId(queue.items[0]?.id ?? null);
  }, [queue.items, queue.loading]);

  // Leaving the page with unsaved edits asks first.
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (edits.ids().length === 0) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [edits]);

  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 6000);
    return () => clearTimeout(timer);
  }, [toast]);

  const openIndex = queue.items.findIndex((item) => item.id === openId);
  const item = openIndex >= 0 ? queue.items[openIndex]! : null;

  const open = useCallback((id: string) => {
    setOpenId(id);
    setMobilePane('draft');
  }, []);
  const move = (delta: number) => {
    const next = queue.items[Math.max(0, Math.min(queue.items.length - 1, openIndex + delta))];
    if (next) setOpenId(next.id);
    if (openIndex + delta >= queue.items.length - 5) void queue.loadMore();
  };

  /** Leaves the acted-on draft: the next one opens in its place. Returns what puts it back. */
  const leave = (id: string) => {
    const index = queue.items.findIndex((candidate) => candidate.id === id);
    const next = queue.items[index + 1] ?? queue.items[index - 1];
    const restore = queue.remove([id]);
    setChecked((previous) => {
      const copy = new Set(previous);
      copy.delete(id);
      return copy;
    });
    setOpenId(next && next.id !== id ? next.id : null);
    return restore;
  };
  const notPublished = (title: string, error: unknown) =>
    setFailure(
      `“${title}” was not published: ${errorMessage(error)}` +
        ((error as { status?: number }).status === 409 ? ' Open it to publish over the live article.' : ''),
    );

  const actions: DraftActions = {
    // Out of the queue at once; sent after the undo delay. Undo puts it back and reopens it.
    publish: async (id, force, title) => {
      const restore = leave(id);
      delayed.schedule(
        `publish:${id}`,
        `Publishing “${title}”…`,
        async (urgent) => {
          try {
            const live = await client.publish(id, { force, keepalive: urgent });
            setToast(`Published “${live.title}” (live version ${live.version}).`);
          } catch (error) {
            restore();
            notPublished(title, error);
          }
        },
        () => {
          restore();
          setOpenId(id);
        },
      );
    },
    reject: async (id, reason) => {
      const title = queue.items.find((candidate) => candidate.id === id)?.title ?? 'draft';
      await client.reject(id, reason || undefined);
      leave(id);
      setToast(`Rejected “${title}”.`);
    },
    save: async (id, content: ArticleContent) => {
      await client.updateArticle(id, content);
      refetch();
    },
  };

  const onCheck = (id: string, event: MouseEvent) => {
    setChecked((previous) => {
      const copy = new Set(previous);
      const ids = queue.items.map((candidate) => candidate.id);
      if (event.shiftKey && lastChecked.current && ids.includes(lastChecked.current)) {
        const [from, to] = [ids.indexOf(lastChecked.current), ids.indexOf(id)].sort((a, b) => a - b);
        for (const rangeId of ids.slice(from, to! + 1)) copy.add(rangeId);
      } else if (copy.has(id)) copy.delete(id);
      else copy.add(id);
      return copy;
    });
    lastChecked.current = id;
  };

  const executeBulk = async (kind: 'publish' | 'reject', ids: string[], reason: string) => {
    const verb = kind === 'publish' ? 'published' : 'rejected';
    setBulkRun({ verb, progress: { done: 0, total: ids.length, results: [] }, finished: false });
    const results = await runBulk(
      ids,
      (id) => (kind === 'publish' ? client.publish(id) : client.reject(id, reason || undefined)),
      (progress) => setBulkRun({ verb, progress, finished: false }),
    );
    setBulkRun({ verb, progress: { done: results.length, total: ids.length, results }, finished: true });
    const succeeded = results.filter((result) => result.ok).map((result) => result.id);
    queue.remove(succeeded);
    setChecked(new Set(results.filter((result) => !result.ok).map((result) => result.id)));
    if (openId && succeeded.includes(openId)) setOpenId(null);
    setToast(summarize(results, verb));
  };
  // A bulk publish waits out the undo delay once for the whole selection; a bulk reject runs at once.
  const runBulkAction = (kind: 'publish' | 'reject', reason: string) => {
    const ids = queue.items.filter((candidate) => checked.has(candidate.id)).map((candidate) => candidate.id);
    if (kind === 'reject') return void executeBulk(kind, ids, reason);
    delayed.schedule(
      'bulk-publish',
      `Publishing ${ids.length} draft${ids.length === 1 ? '' : 's'}…`,
      (urgent) => {
        if (!urgent) return executeBulk('publish', ids, '');
        for (const id of ids) client.publish(id, { keepalive: true }).catch(() => undefined);
      },
    );
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (help) {
        if (event.key === 'Escape' || event.key === '?') setHelp(false);
        return;
      }
      if (isTyping(event.target)) return;
      const at = Date.now();
      switch (event.key) {
        case 'j':
          move(1);
          break;
        case 'k':
          move(-1);
          break;
        case 'x':
          if (openId) onCheck(openId, { shiftKey: false } as MouseEvent);
          break;
        case 'p':
          setCommand({ kind: 'publish', at });
          break;
        case 'e':
          setCommand({ kind: 'edit', at });
          break;
        case 'r':
          setCommand({ kind: 'reject', at });
          event.preventDefault();
          break;
        case 'u': {
          const last = delayed.pendingList.at(-1);
          if (last) delayed.undo(last.key);
          break;
        }
        case 's':
          setSourceHidden((hidden) => !hidden);
          break;
        case '?':
          setHelp(true);
          break;
        default:
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const titleOf = (id: string) =>
    queue.items.find((candidate) => candidate.id === id)?.title ?? id.slice(0, 8);
  const selected = queue.items.filter((candidate) => checked.has(candidate.id));
  const changeFilters = useCallback((next: ReviewFilters) => {
    setFilters(next);
    setChecked(new Set());
  }, []);

  return (
    <div className={`review-layout show-${mobilePane} ${sourceHidden ? 'source-hidden' : ''}`}>
      <QueuePane
        queue={queue}
        filters={filters}
        onFilters={changeFilters}
        folders={folders}
        batches={batches}
        openId={openId}
        onOpen={open}
        checked={checked}
        onCheck={onCheck}
        bulkBar={
          <BulkBar
            selected={selected}
            titleOf={titleOf}
            onClear={() => setChecked(new Set())}
            onRun={runBulkAction}
            run={bulkRun}
            onDismiss={() => setBulkRun(null)}
          />
        }
      />
      <DraftPane
        item={item}
        queueEmpty={!queue.loading && queue.items.length === 0}
        detail={detail && detail.draft.id === openId ? detail : null}
        loading={draftLoading}
        error={draftError}
        edits={edits}
        actions={actions}
        command={command}
        onBack={() => setMobilePane('queue')}
        onShowSource={() => {
          setSourceHidden(false);
          setMobilePane('source');
        }}
        sourceHidden={sourceHidden}
        onEditsChanged={() => setEditsVersion((value) => value + 1)}
      />
      {!sourceHidden && (
        <SourcePane
          source={detail && detail.draft.id === openId ? detail.source : null}
          draftOpen={Boolean(openId)}
          onClose={() => {
            setSourceHidden(true);
            setMobilePane('draft');
          }}
        />
      )}
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
      <UndoToasts
        pending={delayed.pendingList}
        onUndo={delayed.undo}
        failure={failure}
        onDismissFailure={() => setFailure(null)}
        toast={toast}
      />
      <button
        type="button"
        className="help-button"
        onClick={() => setHelp(true)}
        aria-label="Keyboard shortcuts"
      >
        ?
      </button>
    </div>
  );
}
