// Undo for publishing: the API has no "unpublish", so a publish waits a few seconds before it is sent,
// and undoing in that window simply never sends it. Leaving the page sends what is still waiting
// (`flush`), so a publish the reader asked for is never silently dropped.

export const UNDO_DELAY_MS = 5000;

export interface PendingAction {
  key: string;
  label: string;
  dueAt: number;
}

/** `urgent`: the page is going away, so requests must be sent at once and survive it (fetch keepalive). */
export type DelayedRun = (urgent: boolean) => Promise<void> | void;

export interface DelayedActions {
  /** Runs `run` after the delay unless cancelled; a second schedule under the same key replaces the first. */
  schedule: (key: string, label: string, run: DelayedRun, onUndo?: () => void) => void;
  /** Cancels a waiting action (and calls its onUndo); false when it already ran or never existed. */
  undo: (key: string) => boolean;
  /** Runs every waiting action now. */
  flush: (urgent: boolean) => Promise<void>;
  pending: () => PendingAction[];
}

interface Entry extends PendingAction {
  timer: ReturnType<typeof setTimeout>;
  run: DelayedRun;
  onUndo?: () => void;
}

export function createDelayedActions(
  onChange: (pending: PendingAction[]) => void,
  delayMs = UNDO_DELAY_MS,
  now: () => number = Date.now,
): DelayedActions {
  const entries = new Map<string, Entry>();
  const list = () => [...entries.values()].map(({ key, label, dueAt }) => ({ key, label, dueAt }));
  const take = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    entries.delete(key);
    onChange(list());
    return entry;
  };
  const fire = async (key: string, urgent: boolean) => {
    const entry = take(key);
    if (entry) await entry.run(urgent);
  };
  return {
    schedule(key, label, run, onUndo) {
      take(key);
      const timer = setTimeout(() => void fire(key, false), delayMs);
      entries.set(key, { key, label, dueAt: now() + delayMs, timer, run, onUndo });
      onChange(list());
    },
    undo(key) {
      const entry = take(key);
      entry?.onUndo?.();
      return Boolean(entry);
    },
    async flush(urgent) {
      await Promise.all([...entries.keys()].map((key) => fire(key, urgent)));
    },
    pending: list,
  };
}
