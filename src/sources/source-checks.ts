// What the sources API checks of what a caller names (docs/api.md §1, §3): a URL Distill can fetch, a
// provider it can connect, and document IDs of the caller's workspace (400 naming unknown ones, 403 for
// another workspace's). Used by the sources service (sources-service.ts) and its routes.
import { AppError, validationError } from '../lib/errors.js';
import { parseWebUrl } from './fetch/normalize-url.js';
import type { SourceRef, SourcesRepo } from './sources-repo.js';

/** A URL Distill can fetch, or 400 naming the field. */
export function requireWebUrl(value: string, field: string): URL {
  const url = parseWebUrl(value);
  if (!url)
    throw validationError(
      field,
      `must be an http or https URL without credentials (got ${JSON.stringify(value.slice(0, 200))})`,
    );
  return url;
}

export const listIds = (ids: string[]) =>
  ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');

/**
 * Fini answers 400 for a provider that is not connected to the workspace (docs/api.md §3, notes/fini-api.md
 * §3.3–3.5); Distill has no provider connections yet, so that is every provider but the web.
 */
export function notConnected(field: string, provider: string): AppError {
  return new AppError(
    'VALIDATION',
    `${field} ${provider} is not connected in this workspace: Distill cannot connect ${provider} yet, so only web sources (source "web" with URLs) can be ingested`,
    [{ field, message: `${provider} is not connected` }],
  );
}

/** The ownership checks, over the sources repository. */
export function ownershipChecks(
  repo: Pick<SourcesRepo, 'findRefs' | 'idsInWorkspace' | 'idsInOtherWorkspaces'>,
) {
  /** Why IDs missing from the workspace are refused: 400 naming the unknown ones, else 403 (docs/api.md §1). */
  async function missingError(workspaceId: string, missing: string[], field: string): Promise<AppError> {
    const elsewhere = new Set(await repo.idsInOtherWorkspaces(workspaceId, missing));
    const unknown = missing.filter((id) => !elsewhere.has(id));
    if (unknown.length > 0)
      return new AppError(
        'VALIDATION',
        `${field} contains unknown document${unknown.length === 1 ? '' : 's'}: ${listIds(unknown)}`,
        unknown.map((id) => ({ field, message: `document ${id} does not exist`, id })),
      );
    return new AppError(
      'FORBIDDEN',
      `${field} contains document${elsewhere.size === 1 ? '' : 's'} of another workspace: ${listIds([...elsewhere])}`,
      [...elsewhere].map((id) => ({ field, message: `document ${id} belongs to another workspace`, id })),
    );
  }

  /** 400 naming unknown IDs, 403 for another workspace's; returns the rows in input order. */
  async function requireOwned(workspaceId: string, ids: string[]): Promise<SourceRef[]> {
    const rows = await repo.findRefs(workspaceId, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length > 0) throw await missingError(workspaceId, missing, 'documentIds');
    return ids.map((id) => byId.get(id)!);
  }

  /** The ownership check of requireOwned without loading the sources (the bulk route takes 1000 IDs). */
  async function assertOwned(workspaceId: string, ids: string[], field = 'documentIds'): Promise<void> {
    const present = new Set(await repo.idsInWorkspace(workspaceId, ids));
    const missing = ids.filter((id) => !present.has(id));
    if (missing.length > 0) throw await missingError(workspaceId, missing, field);
  }

  return { requireOwned, assertOwned };
}
