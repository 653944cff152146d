// Short references instead of database IDs in what the model sees: candidates are C1, C2, … (in the
// pipeline's order, linked article first) and folders F1, F2, … Why: OpenAI puts the structured-output
// schema in front of the system message for prompt caching, so a schema whose enum lists each source's
// own candidate UUIDs changes the very first tokens of every request and no job of a batch ever hits
// the cache. With references the schema is identical for every source that has as many candidates,
// the enums still admit only what exists, and the model copies 2-character labels instead of UUIDs.
// The writer maps the answer back to real IDs before anyone else sees it.
import type { DecisionRequest } from './writer.js';

export const candidateRef = (index: number) => `C${index + 1}`;
export const folderRef = (index: number) => `F${index + 1}`;

export interface DecisionRefs {
  /** The request as the model sees it: the same candidates and folders, with references as IDs. */
  view: DecisionRequest;
  /** Replaces references in `targetArticleId` / `parentFolderId` with real IDs; anything else is left as is. */
  toIds(answer: unknown): unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function createDecisionRefs(request: DecisionRequest): DecisionRefs {
  const candidateIds = new Map(request.candidates.map((c, i) => [candidateRef(i), c.id]));
  const folderIds = new Map(request.folders.map((f, i) => [folderRef(i), f.id]));
  const refOf = new Map<string, string>([
    ...request.candidates.map((c, i): [string, string] => [c.id, candidateRef(i)]),
    ...request.folders.map((f, i): [string, string] => [f.id, folderRef(i)]),
  ]);

  /** Problems name real IDs (they are also the job's error); the model must read its references. */
  const toRefs = (text: string) => {
    let out = text;
    for (const [id, ref] of refOf) {
      const escaped = id.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
      out = out.replace(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, 'gu'), ref);
    }
    return out;
  };

  const view: DecisionRequest = {
    ...request,
    candidates: request.candidates.map((c, i) => ({
      ...c,
      id: candidateRef(i),
      parentFolderId: c.parentFolderId === null ? null : (refOf.get(c.parentFolderId) ?? c.parentFolderId),
    })),
    folders: request.folders.map((f, i) => ({ ...f, id: folderRef(i) })),
    ...(request.repair
      ? {
          repair: {
            previousAnswer: toRefs(request.repair.previousAnswer),
            problem: toRefs(request.repair.problem),
          },
        }
      : {}),
  };

  return {
    view,
    toIds(answer) {
      if (!isRecord(answer)) return answer;
      const mapped = { ...answer };
      if (typeof answer.targetArticleId === 'string') {
        mapped.targetArticleId = candidateIds.get(answer.targetArticleId) ?? answer.targetArticleId;
      }
      if (typeof answer.parentFolderId === 'string') {
        mapped.parentFolderId = folderIds.get(answer.parentFolderId) ?? answer.parentFolderId;
      }
      return mapped;
    },
  };
}
