// What the parts of the articles service (articles-service.ts, articles-publish.ts, articles-history.ts)
// share: the row → wire mapping, the lookups that answer 404/400, the rule of which drafts can change,
// and the two writes every path goes through (a new version; an insert that is idempotent per job).
import { toIso } from '../lib/dates.js';
import { withTransaction, type Pool, type PoolClient, type Queryable } from '../lib/db.js';
import { AppError, notFound } from '../lib/errors.js';
import type { Operation } from '../lib/operations.js';
import type { ArticleRow, ArticlesRepo, NewArticleRow, VersionContent } from './articles-repo.js';
import type { Article, ArticleOverrides } from './articles-schemas.js';
import type { FoldersRepo } from './folders-repo.js';

/** A client inside an open transaction (from `withTransaction`, or the caller's own BEGIN). */
export type Tx = PoolClient;

export const contentOf = (row: ArticleRow): VersionContent => ({
  title: row.title,
  mainKnowledge: row.mainKnowledge,
  agentInstruction: row.agentInstruction,
  questions: row.questions,
  keywords: row.keywords,
  escalation: row.escalation,
  active: row.active,
  public: row.public,
});

export const toArticle = (row: ArticleRow): Article => ({
  id: row.id,
  ...contentOf(row),
  parentFolderId: row.parentFolderId,
  origin: row.origin,
  isDraft: row.isDraft,
  originalArticleId: row.originalArticleId,
  originalArticleVersion: row.originalArticleVersion,
  isDraftPublished: row.isDraftPublished,
  version: row.version,
  createdAt: toIso(row.createdAt),
  updatedAt: toIso(row.updatedAt),
  sourceDocumentId: row.sourceDocumentId,
  operation: row.operation,
  linkedReason: row.linkedReason,
  backgroundJobId: row.backgroundJobId,
  rejectedAt: row.rejectedAt ? toIso(row.rejectedAt) : null,
  rejectReason: row.rejectReason,
});

/** What a generation job records on the article it writes. */
export interface GenerationFields {
  /** The source the article was generated from; null for candidate text. */
  sourceDocumentId: string | null;
  operation: Operation;
  linkedReason: string | null;
  /** The knowledge job: a job writes at most one article, so a re-run returns the first one. */
  backgroundJobId: string;
  /** The source's content hash the job read; the source-backed save compares against it. */
  sourceHash: string | null;
}

export const NO_GENERATION = {
  sourceDocumentId: null,
  operation: null,
  linkedReason: null,
  backgroundJobId: null,
  sourceHash: null,
} as const;

export function withOverrides(base: VersionContent, overrides: ArticleOverrides): VersionContent {
  return {
    title: overrides.title ?? base.title,
    mainKnowledge: overrides.mainKnowledge ?? base.mainKnowledge,
    agentInstruction: overrides.agentInstruction ?? base.agentInstruction,
    questions: overrides.questions ?? base.questions,
    keywords: overrides.keywords ?? base.keywords,
    escalation: overrides.escalation ?? base.escalation,
    active: overrides.active ?? base.active,
    public: overrides.public ?? base.public,
  };
}

/** A fork: a draft made from a live article (by the fork route, or a generation job's UPDATE/DO_NOTHING). */
export const isFork = (row: ArticleRow): boolean =>
  row.originalArticleId !== null || row.originalArticleVersion !== null;

/** Refuses a rejected draft: it is out of review, and neither changes nor goes live any more. */
export function assertNotRejected(row: ArticleRow): void {
  if (row.rejectedAt)
    throw new AppError(
      'CONFLICT',
      `draft ${row.id} was rejected${row.rejectReason ? ` (${row.rejectReason})` : ''}; generate or fork a new draft instead`,
    );
}

/**
 * Drafts that can no longer change: published ones, rejected ones, and DO_NOTHING records (they carry no
 * change).
 */
export function assertEditable(row: ArticleRow): void {
  if (row.isDraft && row.isDraftPublished)
    throw new AppError(
      'CONFLICT',
      `draft ${row.id} was already published; fork the live article to change it again`,
    );
  assertNotRejected(row);
  if (row.isDraft && row.operation === 'DO_NOTHING')
    throw new AppError(
      'CONFLICT',
      `draft ${row.id} records a DO_NOTHING decision and carries no change; fork the live article to edit it`,
    );
}

export function createArticlesStore(pool: Pool, repos: { articles: ArticlesRepo; folders: FoldersRepo }) {
  const { articles: repo, folders } = repos;

  function inTransaction<T>(tx: Tx | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return tx ? fn(tx) : withTransaction(pool, fn);
  }

  async function requireFolder(workspaceId: string, folderId: string, tx: Queryable): Promise<void> {
    if (!(await folders.find(workspaceId, folderId, tx))) throw notFound('parent folder', folderId);
  }

  async function requireArticle(
    workspaceId: string,
    id: string,
    tx: Queryable,
    forUpdate = false,
  ): Promise<ArticleRow> {
    const row = await repo.find(workspaceId, id, tx, { forUpdate });
    if (!row) throw notFound('article', id);
    return row;
  }

  /** Locks an article that is about to get a new version; refuses drafts that can no longer change. */
  async function requireEditable(workspaceId: string, id: string, tx: Tx): Promise<ArticleRow> {
    const row = await requireArticle(workspaceId, id, tx, true);
    assertEditable(row);
    return row;
  }

  /** Loads a live article to fork; a draft ID is refused with a message that says so. */
  async function requireLive(workspaceId: string, id: string, tx: Queryable): Promise<ArticleRow> {
    const row = await repo.find(workspaceId, id, tx);
    if (!row) throw notFound('live article', id);
    if (row.isDraft)
      throw new AppError('BAD_REQUEST', `article ${id} is a draft; only a live article can be forked`);
    return row;
  }

  /** Archives the current version and writes `content` as the next one; `row` must be locked. */
  async function writeVersion(
    workspaceId: string,
    row: ArticleRow,
    content: VersionContent & { parentFolderId?: string },
    tx: Tx,
  ): Promise<ArticleRow> {
    await repo.archiveCurrentVersion(workspaceId, row.id, tx);
    return repo.writeNextVersion(workspaceId, row.id, content, tx);
  }

  async function insertArticle(workspaceId: string, row: NewArticleRow, tx: Tx): Promise<ArticleRow> {
    if (row.backgroundJobId === null) return repo.insert(workspaceId, row, tx);
    const inserted = await repo.insertForJob(
      workspaceId,
      { ...row, backgroundJobId: row.backgroundJobId },
      tx,
    );
    if (inserted) return inserted;
    // A re-run of the same job: the article it wrote the first time is the answer.
    const existing = await repo.findByJob(workspaceId, row.backgroundJobId, tx);
    if (!existing)
      throw new AppError('CONFLICT', `background job ${row.backgroundJobId} belongs to another workspace`);
    return existing;
  }

  return {
    pool,
    repo,
    folders,
    inTransaction,
    requireFolder,
    requireArticle,
    requireEditable,
    requireLive,
    writeVersion,
    insertArticle,
  };
}

export type ArticlesStore = ReturnType<typeof createArticlesStore>;
