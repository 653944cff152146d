import type { Operation } from '../api/types.js';

export const OPERATION_LABELS: Record<Operation, string> = {
  ADD_ARTICLE_TO_FOLDER: 'add',
  UPDATE_ARTICLE: 'update',
  DO_NOTHING: 'no change',
};

/** "just now", "5 min", "3 h", "2 d" */
export function age(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

export const formatTime = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');
export const formatNumber = (value: number): string => value.toLocaleString('en');
