import type { Queryable } from '../lib/db.js';
import { AppError } from '../lib/errors.js';

/**
 * Source IDs in a request must exist in the caller's workspace: an ID of another workspace → 403,
 * an unknown ID → 400, each naming the IDs (API.md §3–§4).
 */
export async function assertSourcesInWorkspace(
  db: Queryable,
  workspaceId: string,
  ids: string[],
  field: string,
): Promise<void> {
  const { rows } = await db.query<{ id: string; workspaceId: string }>(
    'SELECT id, workspace_id AS "workspaceId" FROM sources WHERE id = ANY($1::uuid[])',
    [ids],
  );
  const owner = new Map(rows.map((row) => [row.id, row.workspaceId]));
  const foreign = ids.filter((id) => owner.has(id) && owner.get(id) !== workspaceId);
  if (foreign.length > 0) {
    throw new AppError('FORBIDDEN', `${field} contains IDs of another workspace: ${foreign.join(', ')}`, [
      { field, message: 'belongs to another workspace', ids: foreign },
    ]);
  }
  const unknown = ids.filter((id) => !owner.has(id));
  if (unknown.length > 0) {
    throw new AppError('VALIDATION', `${field} contains unknown source IDs: ${unknown.join(', ')}`, [
      { field, message: 'unknown source IDs', ids: unknown },
    ]);
  }
}
