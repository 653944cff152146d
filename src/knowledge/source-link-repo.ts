// The one write the knowledge base makes to `sources`: the source-backed save (docs/api.md §4, last paragraph).
import type { Queryable } from '../lib/db.js';

export interface SourceLinkResult {
  sourceId: string;
  linkedKnowledgeId: string;
  /** True when `changed` was cleared and `saved_hash` set; false when the source changed again since. */
  saved: boolean;
  changed: boolean;
}

/**
 * Links the source to the live article; clears `changed` and records `saved_hash` only when the source's
 * current hash is still the one the article was generated from. One UPDATE: it takes the row lock, so an
 * ingestion committing a new hash concurrently is either seen (the comparison fails) or waits.
 */
export async function linkSourceToArticle(
  tx: Queryable,
  workspaceId: string,
  link: { sourceId: string; liveArticleId: string; sourceHash: string | null },
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
}
