// Shapes of the sync, schedule and webhook routes and of the source-health fields, from the server's own
// schemas (docs/api.md §7), so the console and the server cannot drift. The lists the console renders
// (statuses, event types) are written out once here and checked against the server's with `satisfies`.
import type { SyncRun, SyncParams, SyncStatus } from '../../../src/sync/sync-schemas.js';
import type { Schedule, ScheduleBody as ServerScheduleBody } from '../../../src/sync/schedules-schemas.js';
import type { EventType } from '../../../src/webhooks/events.js';
import type { CreateWebhookBody, Delivery, Webhook } from '../../../src/webhooks/webhooks-schemas.js';
import type { Source } from '../../../src/sources/sources-schemas.js';

/** Source health (ext fields on the Source object); optional so that older servers render too. */
export type SourceHealth = Partial<Pick<Source, 'gone' | 'suspect'>>;

export const SYNC_RUN_STATUSES = [
  'PENDING',
  'REFRESHING',
  'GENERATING',
  'COMPLETED',
  'FAILED',
] as const satisfies readonly SyncStatus[];
export type SyncRunStatus = SyncStatus;
export type { SyncRun };
export type SyncRunCounts = SyncRun['counts'];

/** What a sync or a schedule may set; every field optional on the wire (defaults apply). */
export type SyncOptions = Partial<Pick<SyncParams, 'restrictedOps' | 'isDraft' | 'instructions' | 'botId'>>;
export type SyncBody = Partial<SyncParams>;
export type ScheduleBody = Partial<ServerScheduleBody> & Pick<ServerScheduleBody, 'cron'>;
export type DocumentFilter = NonNullable<ServerScheduleBody['documentFilter']>;
export type SyncSchedule = Schedule;

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
  'webhook.endpoint.disabled',
  'webhook.endpoint.enabled',
] as const satisfies readonly EventType[];
export type WebhookEvent = EventType;
export type WebhookBody = Pick<CreateWebhookBody, 'url' | 'events'> &
  Partial<Pick<CreateWebhookBody, 'description'>>;
export type { Webhook };
export type CreatedWebhook = Webhook & { secret: string };
export type WebhookDelivery = Delivery;
