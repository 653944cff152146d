// Side-by-side diff of every content field of a draft against the live article.
import { useMemo, useState } from 'react';
import type { ArticleContent } from '../api/types.js';
import {
  DIFF_FIELDS,
  diffLines,
  FIELD_LABELS,
  fieldChanged,
  fieldLines,
  type DiffRow,
  type Segment,
} from '../lib/field-diff.js';

function Segments({ segments }: { segments: Segment[] | null }) {
  if (!segments) return null;
  return (
    <>
      {segments.map((segment, index) =>
        segment.marked ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
      )}
    </>
  );
}

function Rows({ rows, onExpand }: { rows: DiffRow[]; onExpand: () => void }) {
  return (
    <table className="diff-table">
      <tbody>
        {rows.map((row, index) => {
          if (row.kind === 'fold') {
            return (
              <tr key={index} className="diff-fold">
                <td colSpan={4}>
                  <button type="button" className="link" onClick={onExpand}>
                    {row.count} unchanged line{row.count === 1 ? '' : 's'}
                  </button>
                </td>
              </tr>
            );
          }
          if (row.kind === 'same') {
            return (
              <tr key={index} className="diff-same">
                <td className="num">{row.leftNumber}</td>
                <td className="cell">{row.text}</td>
                <td className="num">{row.rightNumber}</td>
                <td className="cell">{row.text}</td>
              </tr>
            );
          }
          return (
            <tr key={index} className="diff-change">
              <td className="num">{row.leftNumber ?? ''}</td>
              <td className={row.left ? 'cell del' : 'cell empty'}>
                <Segments segments={row.left} />
              </td>
              <td className="num">{row.rightNumber ?? ''}</td>
              <td className={row.right ? 'cell add' : 'cell empty'}>
                <Segments segments={row.right} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function FieldDiff({
  field,
  live,
  draft,
}: {
  field: (typeof DIFF_FIELDS)[number];
  live: ArticleContent;
  draft: ArticleContent;
}) {
  const [expanded, setExpanded] = useState(false);
  const changed = fieldChanged(live, draft, field);
  const rows = useMemo(
    () => diffLines(fieldLines(live, field), fieldLines(draft, field), { fold: !expanded }),
    [live, draft, field, expanded],
  );
  return (
    <section
      className={`field-diff ${changed ? 'changed' : 'unchanged'}`}
      aria-label={`${FIELD_LABELS[field]} diff`}
    >
      <h3>
        {FIELD_LABELS[field]}{' '}
        {changed ? (
          <span className="chip chip-changed">changed</span>
        ) : (
          <span className="muted">unchanged</span>
        )}
      </h3>
      {changed || field === 'mainKnowledge' ? <Rows rows={rows} onExpand={() => setExpanded(true)} /> : null}
    </section>
  );
}

export function DiffView({ live, draft }: { live: ArticleContent; draft: ArticleContent }) {
  return (
    <div className="diff-view">
      <div className="diff-head" aria-hidden="true">
        <span>Live article</span>
        <span>Draft</span>
      </div>
      {DIFF_FIELDS.map((field) => (
        <FieldDiff key={field} field={field} live={live} draft={draft} />
      ))}
    </div>
  );
}
