// Shapes of the sync, schedule and webhook routes and of the source-health fields (docs/api.md, "Review,
// batches, sync and webhooks"). The server's schemas for them are not on this branch yet, so they are
// written out here from the contract; every field the contract marks as added later is optional.
import type { Operation } from './types.js';

/** Source health (ext fields on the Source object); absent on servers that do not report it. */
export interface SourceHealth {
  gone?: boolean;
  suspect?: string | null;
}

export const SYNC_RUN_STATUSES = ['PENDING', 'REFRESHING', 'GENERATING', 'COMPLETED', 'FAILED'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

export interface SyncRunCounts {
  sources: number;
  refreshed: number;
  unchanged: number;
  changed: number;
  failed: number;
  gone: number;
  suspect: number;
  jobs: number;
  drafts: number;
}

export interface SyncRun {
  id: string;
  status: SyncRunStatus;
  createdAt: string;
  completedAt: string | null;
  scheduleName: string | null;
  batchId: string | null;
  counts: SyncRunCounts;
  error: string | null;
}

export interface SyncOptions {
  restrictedOps?: Operation[];
  isDraft?: boolean;
  instructions?: string;
  botId?: string;
}

export interface SyncBody extends SyncOptions {
  documentIds?: string[];
}

export interface DocumentFilter {
  source?: string;
  url?: string;
}

export interface ScheduleBody extends SyncOptions {
  cron: string;
  timezone?: string;
  documentFilter?: DocumentFilter;
}

export interface SyncSchedule extends ScheduleBody {
  name: string;
  timezone: string;
  nextRunAt: string | null;
  lastRunId: string | null;
}

export const WEBHOOK_EVENTS = [
  'source.changed',
  'source.failed',
  'source.gone',
  'job.completed',
  'job.failed',
  'batch.completed',
  'sync.completed',
  'draft.created',
  'article.published',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookBody {
  url: string;
  events: WebhookEvent[];
  description?: string;
}

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  description?: string;
  createdAt: string;
  disabledAt?: string | null;
}

export interface CreatedWebhook extends Webhook {
  /** whsec_…: shown only in the create answer */
  secret: string;
}

export interface WebhookDelivery {
  id: string;
  eventType?: WebhookEvent;
  status: string;
  attempts: number;
  responseCode: number | null;
  nextRetryAt: string | null;
  error?: string | null;
  createdAt: string;
}
