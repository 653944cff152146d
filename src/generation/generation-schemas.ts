import { z } from 'zod';
import { IdArray, Timestamp, Uuid } from '../http/schemas.js';
import { JOB_STATUSES, OPERATIONS } from '../lib/operations.js';

const RestrictedOps = z
  .array(z.enum(OPERATIONS))
  .max(OPERATIONS.length * 2)
  .optional()
  .describe('allow-list of operations; omitted or empty = all');
const Instructions = z.string().max(4000).optional().describe('extra instructions passed to the model');

export const BulkGenerateBodySchema = z.object({
  documentIds: IdArray.describe('1–1000 source IDs of this workspace; duplicates collapsed'),
  origin: z.literal('sources', { error: 'must be "sources" on the bulk route' }),
  restrictedOps: RestrictedOps,
  instructions: Instructions,
  botId: Uuid.optional(),
  isDraft: z.boolean().default(true),
  force: z
    .boolean()
    .default(false)
    .describe('(ext) call the model even when an identical earlier decision exists'),
});
export type BulkGenerateBody = z.infer<typeof BulkGenerateBodySchema>;

export const BulkGenerateResponseSchema = z.object({
  jobs: z.array(z.object({ documentId: Uuid, backgroundJobId: Uuid })),
  batchId: Uuid.describe('(ext) the batch this call made: GET /v2/knowledge/public/batches/:id'),
});

export const GenerateBodySchema = z
  .object({
    candidateKnowledge: z.string().trim().min(1).max(200_000),
    origin: z.enum(['generated', 'sources', 'inbox']),
    documentId: Uuid.optional(),
    hcEventId: z.string().trim().min(1).max(200).optional(),
    restrictedOps: RestrictedOps,
    instructions: Instructions,
    botId: Uuid.optional(),
    isDraft: z.boolean().default(true),
    force: z.boolean().default(false),
  })
  .superRefine((body, context) => {
    if (body.origin === 'sources' && !body.documentId) {
      context.addIssue({
        code: 'custom',
        path: ['documentId'],
        message: 'is required when origin is "sources"',
      });
    }
    if (body.origin === 'inbox' && !body.hcEventId) {
      context.addIssue({
        code: 'custom',
        path: ['hcEventId'],
        message: 'is required when origin is "inbox"',
      });
    }
  });
export type GenerateBody = z.infer<typeof GenerateBodySchema>;

export const JobSchema = z.object({
  id: Uuid,
  jobStatus: z.enum(JOB_STATUSES),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  completedAt: Timestamp.nullable(),
  hcArticleId: Uuid.nullable().describe('the draft or live article the job created or updated'),
  documentId: Uuid.nullable().describe('(ext)'),
  operation: z.enum(OPERATIONS).nullable().describe('(ext)'),
  reason: z.string().nullable().describe('(ext) the pipeline’s one-sentence reason'),
  isDraft: z.boolean().describe('(ext)'),
  error: z.string().nullable().describe('(ext)'),
  attempts: z.number().int().describe('(ext)'),
  reused: z.boolean().describe('(ext) an identical earlier decision was reused without a model call'),
  usage: z
    .object({
      promptTokens: z.number().int(),
      completionTokens: z.number().int(),
      cachedTokens: z.number().int(),
    })
    .describe('(ext)'),
  batchId: Uuid.nullable().describe('(ext) the batch of the bulk call that queued the job'),
});
export type Job = z.infer<typeof JobSchema>;

export const JobsStatusBodySchema = z.object({ jobIds: IdArray });

/** `?jobIds=a,b,c` (or repeated `jobIds=`): up to 1000 job IDs. */
export const JobEventsQuerySchema = z.object({
  jobIds: z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((part) => part.split(','))
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(IdArray),
});

export const TreeInitializeBodySchema = z.object({ initPrompt: z.string().trim().min(1).max(4000) });
