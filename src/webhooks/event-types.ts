// The webhook event types (docs/api.md "Webhooks", Events). No imports: the review console bundles this
// list too (console/src/api/sync-types.ts), so it must not pull server-only code.
export const EVENT_TYPES = [
  'source.changed',
  'source.failed',
  'source.gone',
  'job.completed',
  'job.failed',
  'batch.completed',
  'sync.completed',
  'draft.created',
  'article.published',
  // Distill's own, about the endpoints themselves (docs/api.md "Webhooks", Events).
  'webhook.endpoint.disabled',
  'webhook.endpoint.enabled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
