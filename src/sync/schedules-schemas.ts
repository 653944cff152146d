// Wire shapes of sync schedules (docs/api.md "Schedules").
import { z } from 'zod';
import { Timestamp, Uuid } from '../http/schemas.js';
import { SOURCE_TYPES } from '../sources/sources-schemas.js';
import { SyncParamsSchema } from './sync-schemas.js';

export const ScheduleParamsSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: 'must be 1–100 letters, digits, ".", "_" or "-"' }),
});

export const DocumentFilterSchema = z.strictObject({
  source: z.enum(SOURCE_TYPES).optional().describe('default web'),
  url: z.string().max(2048).optional().describe('case-insensitive substring of originalUrl'),
});

export const ScheduleBodySchema = SyncParamsSchema.omit({ documentIds: true }).extend({
  cron: z.string().min(1).max(200).describe('cron expression (5 fields, or 6 with seconds)'),
  timezone: z.string().max(100).default('UTC').describe('IANA time zone the cron is read in'),
  documentFilter: DocumentFilterSchema.optional(),
});
export type ScheduleBody = z.infer<typeof ScheduleBodySchema>;

export const ScheduleSchema = z.object({
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  nextRunAt: Timestamp.nullable(),
  lastRunId: Uuid.nullable(),
  skippedRuns: z.number().int().describe('ticks skipped because the previous run was still unfinished'),
  lastSkippedAt: Timestamp.nullable(),
  documentFilter: DocumentFilterSchema.nullable(),
  restrictedOps: z.array(z.string()).nullable(),
  isDraft: z.boolean(),
  instructions: z.string().nullable(),
  botId: Uuid.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const ListSchedulesResponseSchema = z.object({ schedules: z.array(ScheduleSchema) });
