// The read-only parts of the open draft (draft-pane.tsx): an article's fields as a reader sees them, and
// where the draft came from (job, batch, tokens).
import type { ArticleContent } from '../api/types.js';
import { formatNumber, formatTime } from '../lib/format.js';
import { Markdown } from '../ui/common.js';
import type { DraftDetail } from './use-draft.js';

export function ArticleView({
  article,
  folderPath,
  showTitle = true,
}: {
  article: ArticleContent;
  folderPath?: string[];
  showTitle?: boolean;
}) {
  return (
    <div className="article-view">
      {folderPath && (
        <p className="muted small">In {folderPath.length > 0 ? folderPath.join(' › ') : 'no folder'}</p>
      )}
      {showTitle && <h2 className="article-title">{article.title}</h2>}
      <Markdown text={article.mainKnowledge} />
      <dl className="article-fields">
        <dt>Questions</dt>
        <dd>
          {article.questions.length > 0 ? (
            <ul>
              {article.questions.map((question, index) => (
                <li key={index}>{question}</li>
              ))}
            </ul>
          ) : (
            '—'
          )}
        </dd>
        <dt>Keywords</dt>
        <dd>{article.keywords.join(', ') || '—'}</dd>
        <dt>Agent instruction</dt>
        <dd>{article.agentInstruction || '—'}</dd>
        <dt>Escalation</dt>
        <dd>{article.escalation ? 'Escalate to a person' : 'No escalation'}</dd>
      </dl>
    </div>
  );
}

export function DraftMeta({ detail }: { detail: DraftDetail }) {
  const { job, draft } = detail;
  const batchId = (job as { batchId?: string | null } | null)?.batchId ?? null;
  return (
    <dl className="meta">
      <dt>Created</dt>
      <dd>{formatTime(draft.createdAt)}</dd>
      <dt>Job</dt>
      <dd>
        {job ? <code title={job.id}>{job.id.slice(0, 8)}</code> : '—'}
        {job?.reused && ' (decision reused, no model call)'}
      </dd>
      <dt>Batch</dt>
      <dd>{batchId ? <a href={`#/batches?batch=${batchId}`}>{batchId.slice(0, 8)}</a> : '—'}</dd>
      <dt>Tokens</dt>
      <dd>
        {job
          ? `${formatNumber(job.usage.promptTokens)} in · ${formatNumber(job.usage.completionTokens)} out · ${formatNumber(job.usage.cachedTokens)} cached`
          : '—'}
      </dd>
    </dl>
  );
}
