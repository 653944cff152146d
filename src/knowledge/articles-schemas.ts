// Wire shapes of articles (docs/api.md §5): the article object, request bodies and queries.
import { z } from 'zod';
import { IdArray, IgnoredField, PageLimit, Timestamp, Uuid } from '../http/schemas.js';
import { ArticleContentShapeSchema, type ArticleContent } from '../lib/article-content.js';

/** The fields a reviewer compares between a draft and its live article. */
export const CONTENT_FIELDS = [
  'title',
  'mainKnowledge',
  'agentInstruction',
  'questions',
  'keywords',
  'escalation',
] as const satisfies readonly (keyof typeof ArticleContentShapeSchema.shape)[];
import { OPERATIONS } from '../lib/operations.js';

export const ArticleSchema = z.object({
  id: Uuid,
  ...ArticleContentShapeSchema.shape,
  parentFolderId: Uuid.nullable().describe('null only for a DO_NOTHING draft record with no target article'),
  active: z.boolean(),
  public: z.boolean(),
  origin: z.string().nullable(),
  isDraft: z.boolean(),
  originalArticleId: Uuid.nullable().describe('the live article this draft forks'),
  originalArticleVersion: z.number().int().nullable().describe('its version when the draft was forked'),
  isDraftPublished: z.boolean(),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  sourceDocumentId: Uuid.nullable().describe('(ext) the source a generation job wrote this from'),
  operation: z.enum(OPERATIONS).nullable().describe('(ext) the operation the generation job chose'),
  linkedReason: z.string().nullable().describe("(ext) the generation job's one-sentence reason"),
  backgroundJobId: Uuid.nullable().describe('(ext) the generation job that wrote this article'),
  rejectedAt: Timestamp.nullable().describe('(ext) when the draft was rejected in review; null otherwise'),
  rejectReason: z.string().nullable().describe('(ext) the reason given when rejecting, if any'),
});
export type Article = z.infer<typeof ArticleSchema>;

// Limits keep one article well inside the 1 MiB body limit and the model's context. The tree import
// (tree-csv.ts) checks the same ones.
export const ARTICLE_TITLE_MAX = 300;
export const ARTICLE_BODY_MAX = 100_000;
const Title = z.string().trim().min(1).max(ARTICLE_TITLE_MAX);
const MainKnowledge = z.string().min(1).max(ARTICLE_BODY_MAX);
const AgentInstruction = z.string().max(10_000);
const Phrases = z.array(z.string().trim().min(1).max(500)).min(1).max(100);

/**
 * The fields a version holds and a full update replaces, with the API's limits. Strict, like every request
 * body: the bodies below extend it and so refuse unknown fields too (docs/api.md §1).
 */
export const ArticleContentSchema = z.strictObject({
  ...ArticleContentShapeSchema.shape,
  title: Title,
  mainKnowledge: MainKnowledge,
  agentInstruction: AgentInstruction,
  questions: Phrases,
  keywords: Phrases,
}) satisfies z.ZodType<ArticleContent>;
// One content type (lib/article-content.ts); the limits above narrow values, not the shape.
export type { ArticleContent };

export const CreateArticleBodySchema = ArticleContentSchema.extend({
  parentFolderId: Uuid,
  isDraft: z.boolean().default(false),
  origin: z.string().max(200).optional(),
  // Fini's public create route accepts these and ignores them (new articles are active and public).
  active: IgnoredField,
  public: IgnoredField,
  originalArticleId: IgnoredField,
});
export type CreateArticleBody = z.infer<typeof CreateArticleBodySchema>;

export const UpdateArticleBodySchema = ArticleContentSchema.extend({
  active: z.boolean().optional(),
  public: z.boolean().optional(),
});
export type UpdateArticleBody = z.infer<typeof UpdateArticleBodySchema>;

/** Fork and publish bodies: every field optional; the ones given override the article's. */
export const ArticleOverridesSchema = ArticleContentSchema.partial().extend({
  parentFolderId: Uuid.optional(),
  active: z.boolean().optional(),
  public: z.boolean().optional(),
  origin: z.string().max(200).optional(),
});
export type ArticleOverrides = z.infer<typeof ArticleOverridesSchema>;

// Optional bodies: no body at all arrives as null, an empty JSON body as undefined (app.ts).
export const ForkBodySchema = ArticleOverridesSchema.nullish();
export const PublishBodySchema = ArticleOverridesSchema.extend({
  force: z
    .boolean()
    .default(false)
    .describe('publish a fork even when the live article changed after the fork'),
}).nullish();

export const MoveArticleBodySchema = z.strictObject({ parentFolderId: Uuid });

export const ListArticlesQuerySchema = z.object({
  type: z.enum(['live', 'draft']).optional(),
  parentFolderId: Uuid.optional(),
  limit: PageLimit,
  cursor: Uuid.optional().describe('the id of the last article of the previous page'),
});
export type ListArticlesQuery = z.infer<typeof ListArticlesQuerySchema>;

export const ArticleListSchema = z.object({ articles: z.array(ArticleSchema), hasMore: z.boolean() });

export const ArticleIdsBodySchema = z.strictObject({ articleIds: IdArray });

export const ArticleVersionSchema = z.object({
  version: z.number().int(),
  current: z.boolean().describe('true for the version the article holds now'),
  ...ArticleContentShapeSchema.shape,
  active: z.boolean(),
  public: z.boolean(),
  createdAt: Timestamp.describe('when this version was written'),
});
export type ArticleVersion = z.infer<typeof ArticleVersionSchema>;

export const ArticleVersionsSchema = z.object({ articleId: Uuid, versions: z.array(ArticleVersionSchema) });
export type ArticleVersions = z.infer<typeof ArticleVersionsSchema>;

export const RollbackBodySchema = z.strictObject({ version: z.number().int().min(1) });

export const ArticleDiffSchema = z.object({
  articleId: Uuid,
  originalArticleId: Uuid,
  originalArticleVersion: z.number().int().describe('the live version the draft was forked from'),
  liveVersion: z.number().int().describe('the live version the diff is taken against'),
  stale: z.boolean().describe('the live article changed after the fork: publishing needs force'),
  diff: z.string().describe('unified diff of mainKnowledge: live version → draft'),
  live: ArticleSchema.describe('(ext) the live article now, for a side-by-side view of every field'),
  changedFields: z
    .array(z.enum(CONTENT_FIELDS))
    .describe('(ext) the content fields in which the draft differs from the live article'),
});
export type ArticleDiff = z.infer<typeof ArticleDiffSchema>;

export const RejectBodySchema = z
  .strictObject({ reason: z.string().trim().max(2000).optional().describe('why the draft was rejected') })
  .nullish();

/** `q` is a plain substring (no wildcards). */
export const ReviewQueueQuerySchema = z.object({
  operation: z.enum(OPERATIONS).optional(),
  parentFolderId: Uuid.optional(),
  batchId: Uuid.optional(),
  documentId: Uuid.optional().describe('the source the draft was generated from'),
  q: z.string().trim().min(1).max(200).optional().describe('case-insensitive substring of title or body'),
  limit: PageLimit,
  cursor: Uuid.optional().describe('the id of the last draft of the previous page'),
});
export type ReviewQueueQuery = z.infer<typeof ReviewQueueQuerySchema>;

export const ReviewItemSchema = z.object({
  id: Uuid,
  title: z.string(),
  operation: z.enum(OPERATIONS).nullable().describe('null for a draft forked by hand'),
  parentFolderId: Uuid.nullable(),
  folderPath: z.array(z.string()).describe('folder titles from the root down to the draft’s folder'),
  originalArticleId: Uuid.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  stale: z
    .boolean()
    .describe('a fork whose live article moved on (or was deleted) since: publishing needs force'),
  sourceId: Uuid.nullable(),
  sourceTitle: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  batchId: Uuid.nullable(),
  backgroundJobId: Uuid.nullable(),
  linkedReason: z.string().nullable(),
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

const Count = z.number().int().min(0);
export const ReviewQueueSchema = z.object({
  drafts: z.array(ReviewItemSchema),
  hasMore: z.boolean(),
  counts: z
    .object({ total: Count, ADD_ARTICLE_TO_FOLDER: Count, UPDATE_ARTICLE: Count, DO_NOTHING: Count })
    .describe('open drafts for every filter but `operation`, ignoring paging'),
});
export type ReviewQueue = z.infer<typeof ReviewQueueSchema>;
