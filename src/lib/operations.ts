// Enums shared across features (docs/api.md §3–§4).

export const OPERATIONS = ['ADD_ARTICLE_TO_FOLDER', 'UPDATE_ARTICLE', 'DO_NOTHING'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The operations an allow-list permits, in canonical order; omitted or empty means all (docs/api.md §4 `restrictedOps`). */
export function allowedOperations(allowList: readonly Operation[] | undefined): Operation[] {
  const allowed = OPERATIONS.filter((operation) => allowList?.includes(operation));
  return allowed.length > 0 ? allowed : [...OPERATIONS];
}

/** Status of ingestion jobs (`linkedJobStatus`) and knowledge jobs (`jobStatus`). */
export const JOB_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The status of a batch none of whose jobs is pending or running: FAILED when every job failed, otherwise
 * COMPLETED (docs/api.md "Batches"). The batch read and the `batch.completed` event both use it.
 */
export function finishedBatchStatus(counts: { total: number; failed: number }): 'COMPLETED' | 'FAILED' {
  return counts.total > 0 && counts.failed === counts.total ? 'FAILED' : 'COMPLETED';
}
