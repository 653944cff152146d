// The model sits behind this interface (STYLE.md rule 8): the `openai` writer calls any OpenAI-compatible
// endpoint, the `offline` writer decides deterministically with no network. The generation pipeline
// validates whatever a writer returns against the allowed operations, candidates and folders.
import type { ArticleContent } from '../lib/article-content.js';
import type { Operation } from '../lib/operations.js';

export type { ArticleContent };

/** An existing live article the source may already be covered by. */
export interface CandidateArticle {
  id: string;
  title: string;
  mainKnowledge: string;
  questions: string[];
  keywords: string[];
  parentFolderId: string | null;
  version: number;
  /** True for the article the source is linked to (`linkedKnowledgeId`); it comes first. */
  linked: boolean;
}

export interface FolderChoice {
  id: string;
  /** Titles from the root, joined with " / ". */
  path: string;
  description: string;
  /** Titles of the live articles the folder holds (the most recent few); [] for an empty folder. */
  articleTitles?: string[];
  /** Their keywords, deduplicated. */
  articleKeywords?: string[];
}

/** What the decision is about: a stored source, or candidate text given to the single-generate route. */
export interface DecisionSource {
  id: string | null;
  title: string;
  url: string;
  /** Markdown blocks, in page order. */
  paragraphs: string[];
  contentHash: string;
  /** The page's breadcrumb trail (root first), a hint for the folder; absent for pasted text. */
  breadcrumb?: string[];
}

export interface DecisionRequest {
  source: DecisionSource;
  candidates: CandidateArticle[];
  folders: FolderChoice[];
  allowedOperations: Operation[];
  /** Caller's extra instructions (≤ 4000 characters), possibly empty. */
  instructions: string;
  /** Set on the single repair attempt: the rejected answer and why it was rejected. */
  repair?: { previousAnswer: string; problem: string };
  signal?: AbortSignal;
}

/**
 * A validated decision: each operation carries exactly the fields it uses (what validateDecision proves).
 * `reason` is one sentence a reviewer can read.
 */
export type Decision =
  | {
      operation: 'ADD_ARTICLE_TO_FOLDER';
      targetArticleId: null;
      /** The folder for the new article. */
      parentFolderId: string;
      article: ArticleContent;
      reason: string;
    }
  | {
      operation: 'UPDATE_ARTICLE';
      /** The candidate to rewrite. */
      targetArticleId: string;
      parentFolderId: null;
      article: ArticleContent;
      reason: string;
    }
  | {
      operation: 'DO_NOTHING';
      /** The candidate that already covers the source, if any. */
      targetArticleId: string | null;
      parentFolderId: null;
      article: null;
      reason: string;
    };

/** A decision as a writer answers it, before validation: any field may be set or null. */
export interface DecisionAnswer {
  operation: Operation;
  targetArticleId: string | null;
  parentFolderId: string | null;
  article: ArticleContent | null;
  reason: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

export const NO_USAGE: Usage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0 };

export interface WriterAnswer {
  /** The answer as parsed JSON, not yet validated (the pipeline validates it). */
  answer: unknown;
  /** The answer as text, for the repair prompt and the logs. */
  answerText: string;
  usage: Usage;
  /** What was cut to fit the token budget, for the reason shown to reviewers (e.g. "source trimmed to 6000 tokens"). */
  trimNotes: string[];
}

/**
 * A folder or article a writer proposes for a new help center. `folderPath` is always a full path from the
 * root ("Billing/Refunds"): a folder row's own path, an article row's folder. The CSV template stores a
 * folder row's parent path instead (knowledge/tree-csv.ts converts).
 */
export interface TreeTemplateRow {
  type: 'folder' | 'article';
  folderPath: string;
  title: string;
  description: string;
}

export interface Writer {
  readonly name: 'openai' | 'offline';
  readonly model: string;
  /** Part of the reuse key: bump when the prompt or decision logic changes. */
  readonly promptVersion: string;
  decide(request: DecisionRequest): Promise<WriterAnswer>;
  proposeTree(initPrompt: string, signal?: AbortSignal): Promise<{ rows: TreeTemplateRow[]; usage: Usage }>;
}

/**
 * How a writer failed, so the job knows what to do: retry later (transient), pause the queue
 * (rate-limited, with the provider's wait), give up (permanent), or repair once (malformed answer).
 */
export type WriterErrorKind = 'transient' | 'rate-limited' | 'permanent' | 'malformed';

export class WriterError extends Error {
  override name = 'WriterError';
  /** For `malformed`: the model's raw text, to quote as `repair.previousAnswer` (may be empty). */
  readonly answerText: string | undefined;

  constructor(
    readonly kind: WriterErrorKind,
    message: string,
    /** For `rate-limited` (and `transient` when the server said): how long the provider asked to wait. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown; answerText?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.answerText = options?.answerText;
  }
}
