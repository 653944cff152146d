// Shapes of the sync, schedule and webhook routes and of the source-health fields, from the server's own
// schemas (docs/api.md §7), so the console and the server cannot drift. The one list the console renders
// (event types) is the server's, imported from a module with no imports of its own.
import type { SyncRun, SyncParams, SyncStatus } from '../../../src/sync/sync-schemas.js';
import type { Schedule, ScheduleBody as ServerScheduleBody } from '../../../src/sync/schedules-schemas.js';
import { EVENT_TYPES, type EventType } from '../../../src/webhooks/event-types.js';
import type { CreateWebhookBody, Delivery, Webhook } from '../../../src/webhooks/webhooks-schemas.js';
import type { Source } from '../../../src/sources/sources-schemas.js';

/** Source health (ext fields on the Source object); optional so that older servers render too. */
export type SourceHealth = Partial<Pick<Source, 'gone' | 'suspect'>>;

export type SyncRunStatus = SyncStatus;
export type { SyncRun };
export type SyncRunCounts = SyncRun['counts'];

/** What a sync or a schedule may set; every field optional on the wire (defaults apply). */
export type SyncOptions = Partial<Pick<SyncParams, 'restrictedOps' | 'isDraft' | 'instructions' | 'botId'>>;
export type SyncBody = Partial<SyncParams>;
export type ScheduleBody = Partial<ServerScheduleBody> & Pick<ServerScheduleBody, 'cron'>;
export type DocumentFilter = NonNullable<ServerScheduleBody['documentFilter']>;
export type SyncSchedule = Schedule;

/** The event types a webhook may subscribe to: the server's own list, which has no imports. */
export const WEBHOOK_EVENTS = EVENT_TYPES;
export type WebhookEvent = EventType;
export type WebhookBody = Pick<CreateWebhookBody, 'url' | 'events'> &
  Partial<Pick<CreateWebhookBody, 'description'>>;
export type { Webhook };
export type CreatedWebhook = Webhook & { secret: string };
export type WebhookDelivery = Delivery;
