// Centre pane: the open draft. It leads with the decision and the model's reason, then what the draft
// changes (a per-field diff for an update, the new article for an add, the article pointed at for a
// no-op), then where it came from (job, batch, tokens). Actions: publish, edit, reject.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Article, ArticleContent } from '../api/types.js';
import type { ReviewItem } from '../api/review-types.js';
import type { EditsStore } from '../lib/edits-store.js';
import { Button, Empty, ErrorNote, OperationBadge, WriteButton } from '../ui/common.js';
import { DiffView } from './diff-view.js';
import { ArticleView, DraftMeta } from './draft-view.js';
import { cleanContent, Editor } from './editor.js';
import type { DraftDetail } from './use-draft.js';
import { useAction } from '../ui/use-action.js';

export const contentOf = (article: Article): ArticleContent => ({
  title: article.title,
  mainKnowledge: article.mainKnowledge,
  agentInstruction: article.agentInstruction,
  questions: article.questions,
  keywords: article.keywords,
  escalation: article.escalation,
});

export interface DraftActions {
  publish: (id: string, force: boolean, title: string) => Promise<void>;
  reject: (id: string, reason: string) => Promise<void>;
  save: (id: string, content: ArticleContent) => Promise<void>;
}

/** What the page asks of the pane from the keyboard. */
export type PaneCommand = { kind: 'publish' | 'reject' | 'edit'; at: number } | null;

export function DraftPane(props: {
  item: ReviewItem | null;
  queueEmpty: boolean;
  detail: DraftDetail | null;
  loading: boolean;
  error: unknown;
  edits: EditsStore;
  actions: DraftActions;
  command: PaneCommand;
  onBack: () => void;
  onShowSource: () => void;
  sourceHidden: boolean;
  onEditsChanged: () => void;
}) {
  const { item, detail, edits, actions, command } = props;
  const draftId = detail?.draft.id ?? null;
  const [editing, setEditing] = useState<ArticleContent | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [confirmStale, setConfirmStale] = useState(false);
  const { busy, error: actionError, setError: setActionError, run: runAction } = useAction();
  const reasonRef = useRef<HTMLInputElement>(null);

  // A stored unsaved edit reopens with the draft.
  useEffect(() => {
    setRejecting(false);
    setConfirmStale(false);
    setActionError(null);
    setReason('');
    setEditing(draftId ? (edits.get(draftId)?.content ?? null) : null);
  }, [draftId, edits]);

  const stale = Boolean(detail?.diff?.stale);

  // A 409 on publish: the live article moved on since the draft was loaded; ask before forcing.
  const run = (what: string, action: () => Promise<void>) =>
    runAction(what, action, (error) => {
      if (what === 'publish' && (error as { status?: number }).status === 409) setConfirmStale(true);
    });

  const publish = (force: boolean) => {
    if (!detail) return;
    if (stale && !force) {
      setConfirmStale(true);
      return;
    }
    void run('publish', async () => {
      if (editing) {
        await actions.save(detail.draft.id, cleanContent(editing));
        edits.remove(detail.draft.id);
        props.onEditsChanged();
      }
      await actions.publish(detail.draft.id, force, editing?.title ?? detail.draft.title);
    });
  };
  const startEdit = () => {
    if (detail && !editing) setEditing(contentOf(detail.draft));
  };
  const startReject = () => {
    setRejecting(true);
    setTimeout(() => reasonRef.current?.focus(), 0);
  };

  // Commands are events: each runs once, when the draft it is meant for has loaded.
  const handled = useRef(0);
  useEffect(() => {
    if (!command || !detail || handled.current === command.at) return;
    handled.current = command.at;
    if (command.kind === 'publish') publish(false);
    if (command.kind === 'edit') startEdit();
    if (command.kind === 'reject') startReject();
  }, [command, detail]);

  if (!item && !detail) {
    return (
      <section className="pane draft-pane" aria-label="Draft">
        {props.queueEmpty ? (
          <Empty title="Nothing to review.">
            <p>
              Drafts appear in the queue as generation jobs finish; the Batches page shows the running ones.
            </p>
          </Empty>
        ) : (
          <Empty title="Pick a draft on the left.">
            <p>
              <kbd>j</kbd>/<kbd>k</kbd> move through the queue, <kbd>?</kbd> lists every shortcut.
            </p>
          </Empty>
        )}
      </section>
    );
  }

  const draft = detail?.draft;
  const operation = draft?.operation ?? item?.operation ?? null;
  const onChangeEdit = (content: ArticleContent) => {
    setEditing(content);
    if (draft) {
      edits.put(draft.id, content, draft.updatedAt);
      props.onEditsChanged();
    }
  };
  const discard = () => {
    if (draft) edits.remove(draft.id);
    setEditing(null);
    props.onEditsChanged();
  };

  let body: ReactNode = null;
  if (detail && draft) {
    const shown = editing ?? contentOf(draft);
    if (operation === 'DO_NOTHING') {
      body = (
        <>
          <p className="muted">
            The model found the knowledge already covers this page. Publishing records that; no article
            changes.
          </p>
          {detail.live ? (
            <ArticleView article={contentOf(detail.live)} />
          ) : (
            <p className="muted">It points at no existing article.</p>
          )}
        </>
      );
    } else if (detail.diff && detail.live) {
      body = <DiffView live={contentOf(detail.live)} draft={shown} />;
    } else {
      body = <ArticleView article={shown} folderPath={item?.folderPath} showTitle={Boolean(editing)} />;
    }
  }

  return (
    <section className="pane draft-pane" aria-label="Draft">
      <div className="pane-head">
        <button
          type="button"
          className="btn btn-plain back"
          onClick={props.onBack}
          aria-label="Back to the queue"
        >
          ‹ Queue
        </button>
        <button
          type="button"
          className={`btn btn-plain ${props.sourceHidden ? '' : 'mobile-only'}`}
          onClick={props.onShowSource}
        >
          Source ›
        </button>
      </div>
      <div className="draft-scroll">
        <header className="decision">
          <OperationBadge operation={operation} />
          <h2>{draft?.title ?? item?.title}</h2>
        </header>
        {(draft?.linkedReason ?? item?.linkedReason) && (
          <p className="reason">{draft?.linkedReason ?? item?.linkedReason}</p>
        )}
        {stale && (
          <div className="warning" role="status">
            ⚠ The live article changed after this draft was made (draft from version{' '}
            {detail?.diff?.originalArticleVersion}, live is version {detail?.diff?.liveVersion}). Publishing
            overwrites those changes.
          </div>
        )}
        <div className="actions" role="toolbar" aria-label="Draft actions">
          <WriteButton
            variant="primary"
            onClick={() => publish(false)}
            disabled={!detail || busy !== null}
            title="Publish (p)"
          >
            {busy === 'publish' ? 'Publishing…' : editing ? 'Save & publish' : 'Publish'}
          </WriteButton>
          {editing ? (
            <>
              <WriteButton
                onClick={() =>
                  void run('save', async () => {
                    if (!draft) return;
                    await actions.save(draft.id, cleanContent(editing));
                    edits.remove(draft.id);
                    setEditing(null);
                    props.onEditsChanged();
                  })
                }
                disabled={busy !== null}
              >
                {busy === 'save' ? 'Saving…' : 'Save'}
              </WriteButton>
              <Button onClick={discard}>Discard edits</Button>
            </>
          ) : (
            <WriteButton
              onClick={startEdit}
              disabled={!detail || operation === 'DO_NOTHING'}
              title="Edit (e)"
            >
              Edit
            </WriteButton>
          )}
          <WriteButton
            variant="danger"
            onClick={startReject}
            disabled={!detail || busy !== null}
            title="Reject (r)"
          >
            Reject
          </WriteButton>
        </div>
        {confirmStale && (
          <div className="confirm" role="alertdialog" aria-label="Confirm publishing over the live article">
            <span>
              The live article moved on since this draft was made. Publish this draft over it anyway?
            </span>
            <WriteButton variant="danger" onClick={() => publish(true)} autoFocus>
              Publish over the live article
            </WriteButton>
            <Button onClick={() => setConfirmStale(false)}>Cancel</Button>
          </div>
        )}
        {rejecting && (
          <form
            className="reject-form"
            onSubmit={(event) => {
              event.preventDefault();
              if (draft) void run('reject', () => actions.reject(draft.id, reason.trim()));
            }}
          >
            <label htmlFor="reject-reason">Reason (optional)</label>
            <input
              id="reject-reason"
              ref={reasonRef}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              placeholder="Why this draft should not go live"
              maxLength={2000}
              onKeyDown={(event) => event.key === 'Escape' && setRejecting(false)}
            />
            <button type="submit" className="btn btn-danger" disabled={busy !== null}>
              {busy === 'reject' ? 'Rejecting…' : 'Reject draft'}
            </button>
            <Button onClick={() => setRejecting(false)}>Cancel</Button>
          </form>
        )}
        <ErrorNote error={actionError} onDismiss={() => setActionError(null)} />
        <ErrorNote error={props.error} />
        {detail?.partErrors.map((message) => (
          <ErrorNote key={message} error={message} />
        ))}
        {props.loading && !detail && <p className="muted">Loading the draft…</p>}
        {editing && draft && (
          <div className="edit-block">
            <p className="muted small">
              Unsaved edits are kept in this browser until you save or discard them.
            </p>
            <Editor content={editing} onChange={onChangeEdit} />
          </div>
        )}
        {body}
        {detail && <DraftMeta detail={detail} />}
      </div>
    </section>
  );
}
