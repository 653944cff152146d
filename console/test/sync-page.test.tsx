// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiClient } from '../src/api/client.js';
import type { SyncRun, SyncSchedule, Webhook, WebhookDelivery } from '../src/api/sync-types.js';
import { SyncPage } from '../src/sync/sync-page.js';
import { SessionContext } from '../src/ui/session-context.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

const notFound = () => new ApiError(404, 'Route GET:/v2/sync/public/runs not found', 'NOT_FOUND');
const run: SyncRun = {
  id: '11111111-1111-4111-8111-111111111111',
  status: 'COMPLETED',
  createdAt: '2026-12-01T06:00:00.000Z',
  completedAt: '2026-12-01T06:01:00.000Z',
  scheduleName: 'nightly',
  batchId: '22222222-2222-4222-8222-222222222222',
  counts: {
    sources: 200,
    refreshed: 200,
    unchanged: 180,
    changed: 20,
    failed: 0,
    gone: 1,
    suspect: 0,
    jobs: 20,
    drafts: 19,
  },
  error: null,
};
const schedule: SyncSchedule = {
  name: 'nightly',
  cron: '0 6 * * *',
  timezone: 'Europe/Berlin',
  nextRunAt: '2026-12-02T05:00:00.000Z',
  lastRunId: run.id,
  skippedRuns: 0,
  lastSkippedAt: null,
  documentFilter: null,
  restrictedOps: null,
  isDraft: true,
  instructions: null,
  botId: null,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};
const webhook: Webhook = {
  id: '33333333-3333-4333-8333-333333333333',
  url: 'https://hooks.example.com/distill',
  events: ['sync.completed'],
  description: '',
  createdAt: '2026-12-01T00:00:00.000Z',
  disabledAt: null,
};
const delivery: WebhookDelivery = {
  id: '44444444-4444-4444-8444-444444444444',
  eventId: '55555555-5555-4555-8555-555555555555',
  eventType: 'sync.completed',
  status: 'FAILED',
  attempts: 9,
  responseCode: 500,
  error: 'the receiver answered 500',
  nextRetryAt: null,
  manual: false,
  createdAt: '2026-12-01T06:01:00.000Z',
  completedAt: '2026-12-01T06:01:00.000Z',
};

function fakeClient(overrides: Partial<Record<keyof ApiClient, unknown>> = {}) {
  const client = {
    syncRuns: vi.fn(async () => ({ runs: [run], hasMore: false })),
    sync: vi.fn(async () => ({ syncRunId: run.id })),
    schedules: vi.fn(async () => ({ schedules: [schedule] })),
    putSchedule: vi.fn(async () => schedule),
    deleteSchedule: vi.fn(async () => undefined),
    webhooks: vi.fn(async () => ({ webhooks: [webhook], hasMore: false })),
    createWebhook: vi.fn(async () => ({ ...webhook, secret: 'whsec_c2VjcmV0' })),
    deleteWebhook: vi.fn(async () => undefined),
    deliveries: vi.fn(async () => ({ deliveries: [delivery], hasMore: false })),
    redeliver: vi.fn(async () => ({ ...delivery, status: 'PENDING' })),
  };
  return Object.assign(client, overrides) as typeof client;
}

async function renderPage(client: ReturnType<typeof fakeClient>) {
  const session = {
    client: client as unknown as ApiClient,
    keyInfo: {
      workspaceId: '00000000-0000-4000-8000-000000000000',
      scopes: ['read' as const, 'write' as const],
    },
    canWrite: true,
  };
  await act(async () =>
    root.render(
      <SessionContext.Provider value={session}>
        <SyncPage />
      </SessionContext.Provider>,
    ),
  );
}

const button = (name: string) =>
  [...container.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === name)!;
const type = (input: HTMLInputElement, value: string) => {
  // React tracks the value through the native setter.
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
};

describe('Sync page', () => {
  it('says sync is not available when the routes answer 404, instead of an error', async () => {
    const missing = vi.fn(async () => {
      throw notFound();
    });
    await renderPage(fakeClient({ syncRuns: missing, schedules: missing, webhooks: missing }));
    expect(container.textContent).toContain('Sync is not available on this server yet');
    expect(container.textContent).toContain('Webhooks are not available on this server yet');
    expect(container.querySelector('[role=alert]')).toBeNull();
  });

  it('lists runs with their counts, starts one, and shows an API error where it was asked', async () => {
    const client = fakeClient();
    await renderPage(client);
    const row = container.querySelector(`tr[data-run-id="${run.id}"]`)!;
    expect(row.textContent).toContain('completed');
    expect(row.textContent).toContain('20 changed');
    expect(row.textContent).toContain('1 gone');
    expect(row.querySelector('a')?.getAttribute('href')).toBe(`#/review?batch=${run.batchId}`);
    await act(async () => button('Sync now').click());
    expect(client.sync).toHaveBeenCalledTimes(1);
    expect(client.syncRuns).toHaveBeenCalledTimes(2);

    client.sync.mockRejectedValueOnce(new ApiError(409, 'a sync run is already going', 'CONFLICT'));
    await act(async () => button('Sync now').click());
    expect(container.querySelector('[aria-label="Sync runs"] [role=alert]')?.textContent).toContain(
      'a sync run is already going',
    );
  });

  it('creates a schedule (name, cron, timezone), shows its next run, and deletes it', async () => {
    const client = fakeClient();
    await renderPage(client);
    expect(container.querySelector('[data-schedule="nightly"]')?.textContent).toContain('0 6 * * *');
    await act(async () => {
      type(container.querySelector<HTMLInputElement>('#schedule-name')!, 'hourly');
      type(container.querySelector<HTMLInputElement>('#schedule-cron')!, '0 * * * *');
      type(container.querySelector<HTMLInputElement>('#schedule-timezone')!, 'UTC');
    });
    await act(async () => button('Add schedule').click());
    expect(client.putSchedule).toHaveBeenCalledWith('hourly', { cron: '0 * * * *', timezone: 'UTC' });
    await act(async () =>
      container.querySelector<HTMLButtonElement>('[aria-label="Delete schedule nightly"]')!.click(),
    );
    expect(client.deleteSchedule).toHaveBeenCalledWith('nightly');
  });

  it('creates a webhook and shows its secret once with a copy button; lists deliveries and redelivers', async () => {
    const client = fakeClient();
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await renderPage(client);
    await act(async () => type(container.querySelector<HTMLInputElement>('#webhook-url')!, webhook.url));
    await act(async () => button('Add webhook').click());
    expect(client.createWebhook).toHaveBeenCalledWith({
      url: webhook.url,
      events: ['sync.completed', 'draft.created'],
    });
    expect(container.querySelector('[aria-label="Signing secret"]')?.textContent).toBe('whsec_c2VjcmV0');
    await act(async () => button('Copy').click());
    expect(writeText).toHaveBeenCalledWith('whsec_c2VjcmV0');
    await act(async () => button('Done').click());
    expect(container.querySelector('[aria-label="Signing secret"]')).toBeNull();

    await act(async () => button('Deliveries').click());
    const row = container.querySelector(`tr[data-delivery-id="${delivery.id}"]`)!;
    expect(row.textContent).toContain('500');
    expect(row.textContent).toContain('failed');
    await act(async () => button('Redeliver').click());
    expect(client.redeliver).toHaveBeenCalledWith(webhook.id, delivery.id);
  });
});
