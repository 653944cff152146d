// The pipeline's reads and writes of sources: the content a job decides on, and the outcome it records.
import type { Queryable } from '../lib/db.js';
import type { Operation } from '../lib/operations.js';

export interface SourceForJob {
  id: string;
  title: string;
  originalUrl: string;
  paragraphs: string[];
  contentHash: string | null;
  linkedKnowledgeId: string | null;
  /** Why the last fetch failed ('' when it did not). */
  error: string;
}

export async function loadSource(
  db: Queryable,
  workspaceId: string,
  sourceId: string,
): Promise<SourceForJob | undefined> {
  const { rows } = await db.query<SourceForJob>(
    `SELECT id, title, original_url AS "originalUrl", paragraphs, content_hash AS "contentHash",
       linked_knowledge_id AS "linkedKnowledgeId", error
     FROM sources WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, sourceId],
  );
  return rows[0];
}

/** The source's `linkedOperation` and `linkedReason`: what the last generation decided, and why. */
export async function recordSourceOutcome(
  db: Queryable,
  workspaceId: string,
  sourceId: string,
  outcome: { operation: Operation; reason: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sources SET linked_operation = $3, linked_reason = $4, updated_at = now()
     WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, sourceId, outcome.operation, outcome.reason],
  );
  return (rowCount ?? 0) > 0;
}
