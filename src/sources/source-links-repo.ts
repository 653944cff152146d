// What a source records of the knowledge written from it, for the knowledge base and the generation
// pipeline: the last decision (recordOutcome), the source-backed save (linkToArticle), and what a generate
// job reads of its source (sourceForJobColumn). Part of the sources repository (sources-repo.ts).
import { prepared, type Queryable } from '../lib/db.js';
import type { Operation } from '../lib/operations.js';

/** The source-backed save's answer (docs/api.md §4, last paragraph). */
export interface SourceLinkResult {
  sourceId: string;
  linkedKnowledgeId: string;
  /** True when `changed` was cleared and `saved_hash` set; false when the source changed again since. */
  saved: boolean;
  changed: boolean;
}

/** What a knowledge job reads of its source. */
export interface SourceForJob {
  id: string;
  title: string;
  originalUrl: string;
  paragraphs: string[];
  contentHash: string | null;
  /** The page's breadcrumb trail, a hint for the folder of a new article. */
  breadcrumb: string[];
  linkedKnowledgeId: string | null;
  /** The content hash the linked article was last saved from (the change rule's reference). */
  savedHash: string | null;
  /** The linked article's title when it exists and is live (not a draft); null otherwise. */
  linkedLiveTitle: string | null;
  /** Why the last fetch failed ('' when it did not). */
  error: string;
}

// Every generate job records its outcome on its source: parsed once per connection (lib/db.ts).
const RECORD_OUTCOME = prepared(
  `UPDATE sources SET linked_operation = $3, linked_reason = $4, updated_at = now()
   WHERE workspace_id = $1 AND id = $2`,
);

/**
 * SourceForJob as a JSON value inside a statement over `jobTable` (a job row with `workspace_id` and
 * `source_id`); null when there is no such source. The generate job's start returns it (WORK_COLUMNS in
 * generation/jobs-repo.ts), so a job and its source come in one round trip; the columns stay defined here.
 */
export function sourceForJobColumn(jobTable: string): string {
  return `(SELECT json_build_object('id', s.id, 'title', s.title, 'originalUrl', s.original_url,
     'paragraphs', to_json(s.paragraphs), 'contentHash', s.content_hash, 'breadcrumb', to_json(s.breadcrumb),
     'linkedKnowledgeId', s.linked_knowledge_id, 'savedHash', s.saved_hash, 'error', s.error,
     'linkedLiveTitle', (SELECT a.title FROM articles a
       WHERE a.workspace_id = s.workspace_id AND a.id = s.linked_knowledge_id AND NOT a.is_draft))
   FROM sources s WHERE s.workspace_id = ${jobTable}.workspace_id AND s.id = ${jobTable}.source_id)`;
}

export function sourceLinkQueries(db: Queryable) {
  return {
    /** The source's `linkedOperation` and `linkedReason`: what the last generation decided, and why. */
    async recordOutcome(
      workspaceId: string,
      id: string,
      outcome: { operation: Operation; reason: string },
      tx: Queryable = db,
    ): Promise<boolean> {
      const { rowCount } = await tx.query({
        ...RECORD_OUTCOME,
        values: [workspaceId, id, outcome.operation, outcome.reason],
      });
      return (rowCount ?? 0) > 0;
    },

    /**
     * Links the source to the live article; clears `changed` and records `saved_hash` only when the source's
     * current hash is still the one the article was generated from. One UPDATE: it takes the row lock, so an
     * ingestion committing a new hash concurrently is either seen (the comparison fails) or waits.
     */
    async linkToArticle(
      workspaceId: string,
      link: { sourceId: string; liveArticleId: string; sourceHash: string | null },
      tx: Queryable = db,
    ): Promise<SourceLinkResult | undefined> {
      const { rows } = await tx.query<SourceLinkResult>(
        `UPDATE sources SET linked_knowledge_id = $3,
           changed = CASE WHEN content_hash = $4::text THEN false ELSE changed END,
           saved_hash = CASE WHEN content_hash = $4::text THEN $4::text ELSE saved_hash END,
           updated_at = now()
         WHERE workspace_id = $1 AND id = $2
         RETURNING id AS "sourceId", linked_knowledge_id AS "linkedKnowledgeId",
           content_hash IS NOT DISTINCT FROM $4::text AND $4::text IS NOT NULL AS saved, changed`,
        [workspaceId, link.sourceId, link.liveArticleId, link.sourceHash],
      );
      return rows[0];
    },
  };
}
