import { z } from 'zod';
import { IdArray, QueryBoolean, Timestamp, Uuid } from '../http/schemas.js';
import { JOB_STATUSES, OPERATIONS } from '../lib/operations.js';

export const SOURCE_TYPES = ['web', 'files', 'googledrive', 'zendesk', 'notion', 'confluence'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];
/** Ingest takes every type but raw files, which are uploaded, not fetched (Fini's ingest route). */
export const INGESTABLE_SOURCE_TYPES = ['web', 'googledrive', 'zendesk', 'notion', 'confluence'] as const;

/** The source object of docs/api.md §3 ("document" on the wire). The schema is also the output whitelist. */
export const SourceSchema = z.object({
  id: Uuid,
  source: z.enum(SOURCE_TYPES),
  externalId: z.string().describe('for web sources, the normalized URL'),
  originalUrl: z.string(),
  title: z.string(),
  mimeType: z.string(),
  type: z.string(),
  english: z.boolean(),
  baser: z.boolean(),
  paragraphs: z.array(z.string()),
  oldParagraphs: z.array(z.string()).describe('the content before the last change'),
  success: z.boolean(),
  error: z.string().describe('"" when the latest ingestion succeeded'),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  linkedJobId: Uuid.nullable(),
  linkedJobStatus: z.enum(JOB_STATUSES).nullable(),
  linkedKnowledgeId: Uuid.nullable(),
  linkedOperation: z.enum(OPERATIONS).nullable(),
  linkedReason: z.string().nullable(),
  changed: z.boolean(),
  contentHash: z.string().nullable().describe('(ext) sha256 of the normalized text'),
  storageUrl: z.string().nullable().describe('the stored original; null for web pages until one is stored'),
  gone: z.boolean().describe('(ext) the page answered 404/410 on its last two refreshes'),
  suspect: z
    .string()
    .nullable()
    .describe(
      '(ext) why the last refresh was held back (the old content stays current); null when it was not',
    ),
});
export type Source = z.infer<typeof SourceSchema>;

const MAX_URL_LENGTH = 2048;
const UrlOrIdArray = z.array(z.string().min(1).max(MAX_URL_LENGTH)).max(1000);

export const IngestBodySchema = z.strictObject({
  source: z.enum(INGESTABLE_SOURCE_TYPES).default('web'),
  documentIdsToAdd: UrlOrIdArray.optional(),
  documentIdsToRefresh: UrlOrIdArray.optional(),
  english: z.boolean().default(true),
  baser: z.boolean().default(false),
});
export type IngestBody = z.infer<typeof IngestBodySchema>;

export const IngestResponseSchema = z.object({
  addedDocumentIds: z.array(Uuid),
  updatedDocumentIds: z.array(Uuid),
});
export type IngestResponse = z.infer<typeof IngestResponseSchema>;

export const RefreshBodySchema = z.strictObject({ documentIds: IdArray });
export const RefreshResponseSchema = z.array(Uuid).describe('the IDs accepted for refresh');

const limitParam = z
  .string()
  .regex(/^\d+$/, { error: 'must be an integer between 1 and 200' })
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, { error: 'must be an integer between 1 and 200' })
      .max(200, { error: 'must be an integer between 1 and 200' }),
  );

export const ListQuerySchema = z.object({
  limit: limitParam.default(50),
  cursor: Uuid.optional().describe(
    'a source id: the last of the previous page (next) or the first (previous)',
  ),
  direction: z.enum(['next', 'previous']).default('next').describe('next = older, previous = newer'),
  source: z.enum(SOURCE_TYPES).optional(),
  changed: QueryBoolean.optional().describe('true: only linked sources flagged changed'),
  success: QueryBoolean.optional().describe('(ext) false: only sources whose latest ingestion failed'),
  english: QueryBoolean.optional(),
  id: Uuid.optional(),
  title: z.string().max(500).optional().describe('case-insensitive substring of the title'),
  url: z.string().max(MAX_URL_LENGTH).optional().describe('case-insensitive substring of originalUrl'),
  linkedKnowledgeId: Uuid.optional(),
  linkedOperation: z.enum(OPERATIONS).optional(),
  gone: QueryBoolean.optional().describe('(ext) true: only pages that are gone'),
  suspect: QueryBoolean.optional().describe('(ext) true: only sources whose last refresh was held back'),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

export const ListResponseSchema = z.object({ documents: z.array(SourceSchema), hasMore: z.boolean() });
export type ListResponse = z.infer<typeof ListResponseSchema>;

export const DeleteBodySchema = z.strictObject({
  documentIds: IdArray,
  deleteArticles: z.boolean().default(false),
});
export type DeleteBody = z.infer<typeof DeleteBodySchema>;

export const DeleteResponseSchema = z.object({
  deletedDocuments: z.array(z.object({ id: Uuid, title: z.string(), originalUrl: z.string() })),
  deletedArticles: z.array(z.object({ id: Uuid, title: z.string(), parentFolderId: Uuid.nullable() })),
});
export type DeleteResponse = z.infer<typeof DeleteResponseSchema>;

export const MAX_CRAWL_LIMIT = 1000;
export const DeepCrawlBodySchema = z.strictObject({
  links: z.array(z.string().min(1).max(MAX_URL_LENGTH)).min(1).max(50),
  limit: z.number().int().min(1).max(MAX_CRAWL_LIMIT).default(250),
});
export type DeepCrawlBody = z.infer<typeof DeepCrawlBodySchema>;

export const DeepCrawlResponseSchema = z.object({ data: z.array(z.string()), message: z.string() });
export type DeepCrawlResponse = z.infer<typeof DeepCrawlResponseSchema>;

/** Providers of the discovery/registration routes (docs/api.md §2). */
export const PROVIDERS = ['notion', 'zendesk', 'confluence'] as const;
export const ProviderParamsSchema = z.object({ provider: z.enum(PROVIDERS) });

export const RegisterResourcesBodySchema = z.strictObject({
  resources: z
    .array(
      z.strictObject({
        externalId: z.string().min(1),
        title: z.string().min(1),
        originalUrl: z.string().min(1),
        mimeType: z.string().min(1),
        object: z.string().optional(),
      }),
    )
    .min(1)
    .max(1000),
});
