// Unsaved edits of drafts, kept in localStorage until saved or discarded, so switching drafts or
// reloading never loses them. Keyed by draft id and the draft's updatedAt: an edit started on an
// older state of the draft is still offered, with that state named.
import type { ArticleContent } from '../api/types.js';

const PREFIX = 'distill.edit.';

export interface StoredEdit {
  content: ArticleContent;
  baseUpdatedAt: string;
  savedAt: string;
}

export function createEditsStore(storage: Storage = localStorage) {
  return {
    get(draftId: string): StoredEdit | undefined {
      const raw = storage.getItem(PREFIX + draftId);
      if (!raw) return undefined;
      try {
        return JSON.parse(raw) as StoredEdit;
      } catch {
        storage.removeItem(PREFIX + draftId);
        return undefined;
      }
    },
    put(draftId: string, content: ArticleContent, baseUpdatedAt: string): void {
      const edit: StoredEdit = { content, baseUpdatedAt, savedAt: new Date().toISOString() };
      storage.setItem(PREFIX + draftId, JSON.stringify(edit));
    },
    remove(draftId: string): void {
      storage.removeItem(PREFIX + draftId);
    },
    /** Ids of drafts with unsaved edits. */
    ids(): string[] {
      const ids: string[] = [];
      for (let index = 0; index < storage.length; index += 1) {
        const name = storage.key(index);
        if (name?.startsWith(PREFIX)) ids.push(name.slice(PREFIX.length));
      }
      return ids;
    },
  };
}
export type EditsStore = ReturnType<typeof createEditsStore>;
