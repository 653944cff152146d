import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDelayedActions, type PendingAction } from '../src/lib/delayed-actions.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup() {
  const seen: PendingAction[][] = [];
  const ran: [string, boolean][] = [];
  const actions = createDelayedActions((pending) => seen.push(pending), 5000);
  const schedule = (key: string, onUndo?: () => void) =>
    actions.schedule(key, `label ${key}`, (urgent) => void ran.push([key, urgent]), onUndo);
  return { actions, seen, ran, schedule };
}

describe('delayed actions (undo publish)', () => {
  it('runs an action only once the delay has passed', () => {
    const { actions, ran, schedule } = setup();
    schedule('a');
    expect(actions.pending().map((action) => action.key)).toEqual(['a']);
    vi.advanceTimersByTime(4999);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual([['a', false]]);
    expect(actions.pending()).toEqual([]);
  });

  it('never runs an undone action, and calls its onUndo once', () => {
    const { actions, ran, schedule } = setup();
    const onUndo = vi.fn();
    schedule('a', onUndo);
    schedule('b');
    expect(actions.undo('a')).toBe(true);
    expect(actions.undo('a')).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(ran).toEqual([['b', false]]);
    expect(onUndo).toHaveBeenCalledTimes(1);
    expect(actions.undo('b')).toBe(false);
  });

  it('flush runs everything still waiting at once, marked urgent, and nothing twice', async () => {
    const { actions, ran, schedule, seen } = setup();
    schedule('a');
    schedule('b');
    await actions.flush(true);
    expect(ran).toEqual([
      ['a', true],
      ['b', true],
    ]);
    vi.advanceTimersByTime(10_000);
    expect(ran).toHaveLength(2);
    expect(seen.at(-1)).toEqual([]);
  });

  it('a second schedule under one key replaces the first', () => {
    const { ran, schedule } = setup();
    schedule('bulk');
    vi.advanceTimersByTime(3000);
    schedule('bulk');
    vi.advanceTimersByTime(3000);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(2000);
    expect(ran).toEqual([['bulk', false]]);
  });
});
