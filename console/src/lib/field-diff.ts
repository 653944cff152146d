// Side-by-side diff of one article field: rows of (live line, draft line), changed words marked inside
// changed lines, long unchanged stretches folded into one row. Pure: the diff view renders the rows.
import { diffArrays, diffWordsWithSpace } from 'diff';

export interface Segment {
  text: string;
  /** removed (left side) or added (right side) */
  marked: boolean;
}

export type DiffRow =
  | { kind: 'same'; text: string; leftNumber: number; rightNumber: number }
  | {
      kind: 'change';
      left: Segment[] | null;
      right: Segment[] | null;
      leftNumber: number | null;
      rightNumber: number | null;
    }
  | { kind: 'fold'; count: number };

export const FOLD_CONTEXT = 2;
/** A fold hides at least this many lines: folding fewer would save nothing. */
export const FOLD_MIN_HIDDEN = 3;

function wordSegments(left: string, right: string): { left: Segment[]; right: Segment[] } {
  const parts = diffWordsWithSpace(left, right);
  return {
    left: parts
      .filter((part) => !part.added)
      .map((part) => ({ text: part.value, marked: Boolean(part.removed) })),
    right: parts
      .filter((part) => !part.removed)
      .map((part) => ({ text: part.value, marked: Boolean(part.added) })),
  };
}

/** Rows for two versions of a field given as lines (body lines, or one question per line). */
export function diffLines(live: string[], draft: string[], options: { fold?: boolean } = {}): DiffRow[] {
  const rows: DiffRow[] = [];
  let leftNumber = 1;
  let rightNumber = 1;
  const changes = diffArrays(live, draft);
  for (let index = 0; index < changes.length; index += 1) {
    const change = changes[index]!;
    if (!change.added && !change.removed) {
      for (const text of change.value)
        rows.push({ kind: 'same', text, leftNumber: leftNumber++, rightNumber: rightNumber++ });
      continue;
    }
    // A removal followed by an addition is a changed block: pair its lines, marking words within.
    const removed = change.removed ? change.value : [];
    const next = changes[index + 1];
    const added = change.added ? change.value : next?.added ? next.value : [];
    if (change.removed && next?.added) index += 1;
    for (let line = 0; line < Math.max(removed.length, added.length); line += 1) {
      const left = removed[line];
      const right = added[line];
      const words = left !== undefined && right !== undefined ? wordSegments(left, right) : undefined;
      rows.push({
        kind: 'change',
        left: left === undefined ? null : (words?.left ?? [{ text: left, marked: true }]),
        right: right === undefined ? null : (words?.right ?? [{ text: right, marked: true }]),
        leftNumber: left === undefined ? null : leftNumber++,
        rightNumber: right === undefined ? null : rightNumber++,
      });
    }
  }
  return options.fold === false ? rows : fold(rows);
}

/** Replaces the middle of each long run of unchanged rows by one fold row, keeping context lines. */
export function fold(rows: DiffRow[]): DiffRow[] {
  const out: DiffRow[] = [];
  let run: DiffRow[] = [];
  let seenChange = false;
  const flush = (atEnd: boolean) => {
    const keepBefore = seenChange ? FOLD_CONTEXT : 0;
    const keepAfter = atEnd ? 0 : FOLD_CONTEXT;
    const hidden = run.length - keepBefore - keepAfter;
    if (hidden >= FOLD_MIN_HIDDEN) {
      out.push(
        ...run.slice(0, keepBefore),
        { kind: 'fold', count: hidden },
        ...run.slice(run.length - keepAfter),
      );
    } else out.push(...run);
    run = [];
  };
  for (const row of rows) {
    if (row.kind === 'same') {
      run.push(row);
      continue;
    }
    flush(false);
    seenChange = true;
    out.push(row);
  }
  flush(true);
  return out;
}

/** Splits a body into lines for the diff (a trailing newline adds no empty line). */
export function toLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
}

export const FIELD_LABELS = {
  title: 'Title',
  mainKnowledge: 'Body',
  questions: 'Questions',
  keywords: 'Keywords',
  agentInstruction: 'Agent instruction',
  escalation: 'Escalation',
} as const;
export type DiffField = keyof typeof FIELD_LABELS;
export const DIFF_FIELDS = Object.keys(FIELD_LABELS) as DiffField[];

type Content = Record<DiffField, string | string[] | boolean>;

/** The lines a field is compared by. */
export function fieldLines(content: Content, field: DiffField): string[] {
  const value = content[field];
  if (typeof value === 'boolean') return [value ? 'Escalate to a person' : 'No escalation'];
  if (Array.isArray(value)) return value;
  return field === 'title' ? [value] : toLines(value);
}

export function fieldChanged(live: Content, draft: Content, field: DiffField): boolean {
  return JSON.stringify(fieldLines(live, field)) !== JSON.stringify(fieldLines(draft, field));
}
