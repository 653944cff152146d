// What a generate job decides on, read from the row the job framework started (its source comes with it).
import { sha256Hex } from '../lib/hashing.js';
import { JobError } from '../lib/jobs/job-error.js';
import type { DecisionSource } from '../writers/writer.js';
import type { JobWork } from './jobs-repo.js';

/** What the job decides on. */
export interface JobInput {
  source: DecisionSource;
  sourceHash: string | null;
  linkedArticleId: string | null;
  /** The live article the source's current content was saved to, when there is one: nothing to decide. */
  unchangedSince?: { articleId: string; title: string };
}

/** Candidate text given to the single-generate route, shaped like a source. */
function textSource(text: string, id: string | null): DecisionSource {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean);
  const firstLine = (paragraphs[0] ?? '').split('\n')[0]!.replace(/^#+\s*/, '');
  return {
    id,
    title: firstLine.slice(0, 200),
    url: '',
    paragraphs,
    contentHash: sha256Hex(paragraphs.join('\n\n')),
  };
}

/**
 * What the started job decides on: its source as the start read it (or its candidate text), and whether
 * the skip rule applies. Throws a permanent JobError when there is nothing to decide on.
 */
export function jobInput(work: JobWork): JobInput {
  if (work.origin !== 'sources')
    return {
      source: textSource(work.candidateKnowledge ?? '', null),
      sourceHash: null,
      linkedArticleId: null,
    };
  const row = work.source;
  if (!row) throw JobError.permanent('the source was deleted after the job was queued');
  const known = { sourceHash: row.contentHash, linkedArticleId: row.linkedKnowledgeId };
  if (work.candidateKnowledge) return { source: textSource(work.candidateKnowledge, row.id), ...known };
  // The skip rule: the live article was saved from exactly this content, so any decision would only
  // restate it (docs/api.md "skipped"). The reuse key cannot see this: it changes with every candidate.
  const unchanged =
    !work.force &&
    row.linkedKnowledgeId !== null &&
    row.linkedLiveTitle !== null &&
    row.contentHash !== null &&
    row.contentHash === row.savedHash;
  if (!row.contentHash || row.paragraphs.length === 0)
    throw JobError.permanent(
      row.error
        ? `source has no ingested content: its fetch failed (${row.error})`
        : 'source has no ingested content; ingest it first',
    );
  return {
    source: {
      id: row.id,
      title: row.title,
      url: row.originalUrl,
      paragraphs: row.paragraphs,
      contentHash: row.contentHash,
      breadcrumb: row.breadcrumb,
    },
    ...known,
    ...(unchanged && {
      unchangedSince: { articleId: row.linkedKnowledgeId!, title: row.linkedLiveTitle! },
    }),
  };
}
