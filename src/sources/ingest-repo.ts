// The two statements of a usual ingest attempt (docs/architecture.md §3). The job's start returns its source
// as the change rule reads it (START_COLUMNS), and the content is stored, the source marked healthy and the
// job completed in one statement (storeIfUnchanged) that applies only if the source still is as it was read.
// When it is not — another attempt or an accept-refresh wrote in between — or when the store is not the
// plain case (a held-back refresh, a change event to emit), ingest-service.ts takes the locked transaction
// instead. Round trips per page were most of an ingest worker's own CPU (bench/README.md, "ingest").
import { prepared, type Queryable } from '../lib/db.js';
import { CONTENT_SET, contentValues, type SourceRow, type StoredContent } from './sources-repo.js';

/** What an attempt reads of its source at start: the fetch target and what the change rule compares. */
export type StartSource = Pick<
  SourceRow,
  | 'sourceType'
  | 'originalUrl'
  | 'contentHash'
  | 'etag'
  | 'lastModified'
  | 'paragraphs'
  | 'oldParagraphs'
  | 'savedHash'
  | 'linkedKnowledgeId'
  | 'changed'
>;

/** The ingest job's start columns (define-job.ts `startColumns`): the row and its source (null when gone). */
export const START_COLUMNS = `id, attempts,
  (SELECT json_build_object('sourceType', s.source_type, 'originalUrl', s.original_url,
     'contentHash', s.content_hash, 'etag', s.etag, 'lastModified', s.last_modified,
     'paragraphs', to_json(s.paragraphs), 'oldParagraphs', to_json(s.old_paragraphs),
     'savedHash', s.saved_hash, 'linkedKnowledgeId', s.linked_knowledge_id, 'changed', s.changed)
   FROM sources s WHERE s.workspace_id = ingest_jobs.workspace_id AND s.id = ingest_jobs.source_id) AS source`;

export interface StartedIngestRow {
  id: string;
  attempts: number;
  source: StartSource | null;
}

// The same writes as storeContent + markHealthy + finishJob (sources-repo.ts, source-health.ts), guarded by
// what the change rule read ($13–$16).
const STORE_IF_UNCHANGED = prepared(
  `WITH stored AS (
     UPDATE sources SET ${CONTENT_SET}, gone = false, gone_strikes = 0, gone_strike_job_id = NULL,
       suspect = NULL, held_title = NULL, held_mime_type = NULL, held_paragraphs = NULL, held_hash = NULL,
       held_etag = NULL, held_last_modified = NULL
     WHERE workspace_id = $1 AND id = $2 AND content_hash IS NOT DISTINCT FROM $13
       AND saved_hash IS NOT DISTINCT FROM $14 AND linked_knowledge_id IS NOT DISTINCT FROM $15
       AND changed = $16
     RETURNING id),
   finished AS (
     UPDATE ingest_jobs SET status = 'COMPLETED', error = NULL, completed_at = now(), updated_at = now()
     WHERE workspace_id = $1 AND id = $17 AND EXISTS (SELECT 1 FROM stored))
   SELECT count(*)::int AS stored FROM stored`,
);

export interface StoreIfUnchanged {
  workspaceId: string;
  sourceId: string;
  ingestJobId: string;
  /** The source as the start read it. */
  read: StartSource;
  content: StoredContent;
}

export function createIngestRepo(db: Queryable) {
  return {
    /** True when stored (and the job COMPLETED); false when the source changed since it was read. */
    async storeIfUnchanged(store: StoreIfUnchanged): Promise<boolean> {
      const { content, read } = store;
      const { rows } = await db.query<{ stored: number }>({
        ...STORE_IF_UNCHANGED,
        values: [
          store.workspaceId,
          store.sourceId,
          ...contentValues(content),
          read.contentHash,
          read.savedHash,
          read.linkedKnowledgeId,
          read.changed,
          store.ingestJobId,
        ],
      });
      return rows[0]!.stored > 0;
    },
  };
}

export type IngestRepo = ReturnType<typeof createIngestRepo>;
