// Right pane: the page the draft was written from, and what changed on it since its article was saved
// (oldParagraphs → paragraphs), one block per paragraph.
import { useMemo } from 'react';
import type { Source } from '../api/types.js';
import { diffLines, type Segment } from '../lib/field-diff.js';
import { formatTime } from '../lib/format.js';
import { Empty } from '../ui/common.js';

const text = (segments: Segment[]) =>
  segments.map((segment, index) =>
    segment.marked ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
  );

export function SourcePane({
  source,
  draftOpen,
  onClose,
}: {
  source: Source | null;
  draftOpen: boolean;
  onClose: () => void;
}) {
  const rows = useMemo(
    () =>
      source && source.oldParagraphs.length > 0 ? diffLines(source.oldParagraphs, source.paragraphs) : null,
    [source],
  );
  return (
    <aside className="pane source-pane" aria-label="Source">
      <div className="pane-head">
        <h2>Source</h2>
        <button type="button" className="btn btn-plain" onClick={onClose} aria-label="Hide the source pane">
          Hide
        </button>
      </div>
      {!source && !draftOpen ? (
        <Empty title="No draft open.">
          <p>The page a draft was written from, and what changed on it, show here.</p>
        </Empty>
      ) : !source ? (
        <Empty title="No source.">
          <p>This draft was not generated from a source.</p>
        </Empty>
      ) : (
        <div className="source-body">
          <p className="source-title">{source.title || source.originalUrl}</p>
          <a href={source.originalUrl} target="_blank" rel="noopener noreferrer" className="source-link">
            {source.originalUrl}
          </a>
          <p className="muted small">
            Fetched {formatTime(source.updatedAt)}
            {source.changed && <span className="chip chip-changed">changed since its article was saved</span>}
            {!source.success && <span className="chip chip-failed">last fetch failed: {source.error}</span>}
          </p>
          <h3>{rows ? 'What changed on the page' : 'Page content'}</h3>
          {rows ? (
            <ol className="para-diff">
              {rows.map((row, index) => {
                if (row.kind === 'fold')
                  return (
                    <li key={index} className="para-fold">
                      {row.count} unchanged paragraph{row.count === 1 ? '' : 's'}
                    </li>
                  );
                if (row.kind === 'same')
                  return (
                    <li key={index} className="para-same">
                      {row.text}
                    </li>
                  );
                return (
                  <li key={index} className="para-change">
                    {row.left && <div className="del">{text(row.left)}</div>}
                    {row.right && <div className="add">{text(row.right)}</div>}
                  </li>
                );
              })}
            </ol>
          ) : (
            <ol className="para-diff">
              {source.paragraphs.map((paragraph, index) => (
                <li key={index} className="para-same">
                  {paragraph}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </aside>
  );
}
