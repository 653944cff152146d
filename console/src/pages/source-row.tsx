// One row of the sources table: the page, the latest fetch's status, the health flags (changed, and
// gone / suspect once the server reports them) and the last decision.
import type { Source } from '../api/types.js';
import type { SourceHealth } from '../api/sync-types.js';
import { age, OPERATION_LABELS } from '../lib/format.js';

export type ListedSource = Source & SourceHealth;

/** Whether the server reports source health (`gone`, `suspect`): older servers leave the fields out. */
export const reportsHealth = (source: ListedSource) => typeof source.gone === 'boolean';

function statusOf(source: Source): { label: string; className: string } {
  if (source.linkedJobStatus === 'PENDING' || source.linkedJobStatus === 'IN_PROGRESS')
    return {
      label: source.linkedJobStatus === 'PENDING' ? 'queued' : 'fetching',
      className: 'status-IN_PROGRESS',
    };
  if (!source.success) return { label: 'failed', className: 'status-FAILED' };
  return { label: 'ok', className: 'status-COMPLETED' };
}

export function SourceRow({
  source,
  checked,
  onCheck,
}: {
  source: ListedSource;
  checked: boolean;
  onCheck: () => void;
}) {
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
        {source.suspect && <div className="text-warn small">Held back: {source.suspect}</div>}
      </td>
      <td>
        <span className={`status ${status.className}`}>{status.label}</span>
        {source.changed && <span className="chip chip-changed">changed</span>}
        {source.gone && (
          <span className="chip chip-failed" title="The page answered 404/410 on its last two refreshes">
            gone
          </span>
        )}
        {source.suspect && (
          <span className="chip chip-changed" title={source.suspect}>
            suspect
          </span>
        )}
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
