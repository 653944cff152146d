// Schemas shared by routes: IDs, timestamps, query booleans and the error body of docs/api.md §1.
import { z } from 'zod';
import { ERROR_CODES } from '../lib/errors.js';

/** docs/api.md §1: bodies (and the tree import's file) up to 1 MiB; 413 beyond. */
export const BODY_LIMIT_BYTES = 1_048_576;

export const Uuid = z.uuid();

/**
 * A body field Fini documents as accepted and ignored: any value passes and is dropped. Request bodies are
 * otherwise strict objects (z.strictObject), so a misspelt field is a 400 naming it (zod-messages.ts), not
 * a silent default.
 */
export const IgnoredField = z
  .unknown()
  .transform(() => undefined)
  .optional()
  .describe('accepted and ignored, as Fini does');
export const IdParamsSchema = z.object({ id: Uuid });
export const Timestamp = z.string().describe('ISO 8601 UTC with milliseconds');

/** `?limit=` of a cursor-paged list (docs/api.md §1 and §7): 1–200, default 50. */
export const PageLimit = z.coerce.number().int().min(1).max(200).default(50);

/** Query strings carry text: accept exactly "true" or "false". */
export const QueryBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');

/** ID arrays: 1–1000 UUIDs, duplicates collapsed in first-seen order (docs/api.md §1 "Limits"). */
export const IdArray = z
  .array(Uuid)
  .min(1)
  .max(1000)
  .transform((ids) => [...new Set(ids)]);

export const ErrorResponseSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]),
  details: z.array(z.object({ field: z.string().optional(), message: z.string() }).passthrough()).optional(),
});

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = {
  400: ErrorResponseSchema,
  401: ErrorResponseSchema,
  403: ErrorResponseSchema,
} as const;

export { toIso, toIsoOrNull } from '../lib/dates.js';
