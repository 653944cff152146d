// The pipeline's reads and writes of sources: the content a job decides on, and the outcome it records.
import { prepared, type Queryable } from '../lib/db.js';
import type { Operation } from '../lib/operations.js';

export interface SourceForJob {
  id: string;
  title: string;
  originalUrl: string;
  paragraphs: string[];
  contentHash: string | null;
  breadcrumb: string[];
  linkedKnowledgeId: string | null;
}

// Every generate job runs both: parsed once per connection (lib/db.ts, prepared).
const LOAD_SOURCE = prepared(
  `SELECT id, title, original_url AS "originalUrl", paragraphs, content_hash AS "contentHash", breadcrumb,
     linked_knowledge_id AS "linkedKnowledgeId"
   FROM sources WHERE workspace_id = $1 AND id = $2`,
);
const RECORD_OUTCOME = prepared(
  `UPDATE sources SET linked_operation = $3, linked_reason = $4, updated_at = now()
   WHERE workspace_id = $1 AND id = $2`,
);

export async function loadSource(
  db: Queryable,
  workspaceId: string,
  sourceId: string,
): Promise<SourceForJob | undefined> {
  const { rows } = await db.query<SourceForJob>({ ...LOAD_SOURCE, values: [workspaceId, sourceId] });
  return rows[0];
}

/** The source's `linkedOperation` and `linkedReason`: what the last generation decided, and why. */
export async function recordSourceOutcome(
  db: Queryable,
  workspaceId: string,
  sourceId: string,
  outcome: { operation: Operation; reason: string },
): Promise<boolean> {
  const { rowCount } = await db.query({
    ...RECORD_OUTCOME,
    values: [workspaceId, sourceId, outcome.operation, outcome.reason],
  });
  return (rowCount ?? 0) > 0;
}
