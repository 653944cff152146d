import { describe, expect, it } from 'vitest';
import {
  diffLines,
  fieldChanged,
  fieldLines,
  FOLD_CONTEXT,
  toLines,
  type DiffRow,
} from '../src/lib/field-diff.js';

const kinds = (rows: DiffRow[]) => rows.map((row) => (row.kind === 'fold' ? `fold${row.count}` : row.kind));

describe('diffLines', () => {
  it('pairs a changed line and marks only the words that changed', () => {
    const [row] = diffLines(['Refunds take 14 days.'], ['Refunds take 30 days.']);
    expect(row).toMatchObject({ kind: 'change', leftNumber: 1, rightNumber: 1 });
    if (row?.kind !== 'change') throw new Error('expected a change row');
    expect(row.left?.filter((segment) => segment.marked).map((segment) => segment.text)).toEqual(['14']);
    expect(row.right?.filter((segment) => segment.marked).map((segment) => segment.text)).toEqual(['30']);
    expect(row.right?.map((segment) => segment.text).join('')).toBe('Refunds take 30 days.');
  });

  it('shows added and removed lines against an empty side', () => {
    const rows = diffLines(['a', 'b'], ['a', 'b', 'c']);
    expect(rows.at(-1)).toEqual({
      kind: 'change',
      left: null,
      right: [{ text: 'c', marked: true }],
      leftNumber: null,
      rightNumber: 3,
    });
  });

  it('folds long unchanged stretches, keeping context lines around changes', () => {
    const live = Array.from({ length: 20 }, (_, index) => `line ${index}`);
    const draft = [...live];
    draft[10] = 'changed line';
    const rows = diffLines(live, draft);
    expect(kinds(rows)).toEqual([
      `fold${10 - FOLD_CONTEXT}`,
      'same',
      'same',
      'change',
      'same',
      'same',
      `fold${9 - FOLD_CONTEXT}`,
    ]);
    expect(diffLines(live, draft, { fold: false })).toHaveLength(20);
  });

  it('keeps short unchanged stretches unfolded', () => {
    expect(kinds(diffLines(['a', 'b', 'c'], ['a', 'x', 'c']))).toEqual(['same', 'change', 'same']);
  });
});

describe('fields', () => {
  const base = {
    title: 'Refunds',
    mainKnowledge: 'one\ntwo\n',
    questions: ['How?'],
    keywords: ['refund'],
    agentInstruction: '',
    escalation: false,
  };
  it('compares each field by its lines', () => {
    expect(toLines('one\r\ntwo\n')).toEqual(['one', 'two']);
    expect(fieldLines(base, 'escalation')).toEqual(['No escalation']);
    expect(fieldChanged(base, { ...base, keywords: ['refund', 'money'] }, 'keywords')).toBe(true);
    expect(fieldChanged(base, { ...base, mainKnowledge: 'one\ntwo' }, 'mainKnowledge')).toBe(false);
    expect(fieldChanged(base, { ...base, escalation: true }, 'escalation')).toBe(true);
  });
});
