// syncRun: one sync run over a fixture site where a few pages changed, end to end through the real
// routes and a worker process. N pages (with ETags) are ingested and generated once, live, each into its
// own article (so every source is linked); a webhook endpoint on a local receiver subscribes to every
// event type; C pages change on the site; then `POST /v2/sync/public`, polled until COMPLETED. Reported:
// the run's duration (createdAt → completedAt) and counts, the fake model's calls during the run (target:
// exactly C — the unchanged linked pages cost nothing), and the webhook deliveries the receiver got, by
// type, each verified with the `standardwebhooks` library, with their delay after the state change.
import { Webhook } from 'standardwebhooks';
import type { SyncRun } from '../../src/sync/sync-schemas.js';
import { EVENT_TYPES } from '../../src/webhooks/events.js';
import { startFixtureServer, type Fixture } from '../../test/helpers/fixture-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import type { BenchContext, Workspace } from '../bench-context.js';
import { ingestUrls, startWorker, waitForJobs } from '../bench-context.js';
import { callJson } from '../bench-http.js';
import { percentile, round, waitFor } from '../bench-infra.js';
import type { Child } from '../bench-processes.js';
import { helpPageHtml, insertFolder, pageText, textMaker } from '../bench-seed.js';
import { bulkGenerate } from './worker-throughput.js';

export interface SyncRunResult {
  pages: number;
  changedPages: number;
  /** The run's createdAt → completedAt; refreshMs up to its last refresh job's end, generateMs the rest. */
  durationMs: number;
  refreshMs: number;
  generateMs: number;
  counts: SyncRun['counts'];
  /** The fake model's chat calls while the run ran (target: changedPages). */
  modelCalls: number;
  /** 304 answers of the fixture site to the run's refresh (the unchanged pages, when validators work). */
  notModified: number;
  webhooks: {
    /** Events stored for the endpoint (webhook_events), and the requests the receiver got. */
    emitted: number;
    received: number;
    byType: Record<string, number>;
    /** Every request passed `new Webhook(secret).verify(body, headers)`. */
    allVerified: boolean;
    /** The receiver's arrival time − the event's timestamp (the state change), over every delivery. */
    deliveryP50Ms: number;
    deliveryMaxMs: number;
  };
}

const PREFIX = '/sync/';
/** Page i of the site, from its own seed: the same text every time it is asked for. */
const pageOf = (i: number) => pageText(textMaker(1_000 + i), i);

export async function benchSyncRun(ctx: BenchContext, workspace: Workspace): Promise<SyncRunResult> {
  const { syncPages: pages, syncChangedPages: changedPages } = ctx.sizes;
  const site = await startFixtureServer();
  const receiver = await startWebhookReceiver();
  const worker = await startWorker(ctx, 'worker (sync)', {});
  try {
    const sourceIds = await ingestAndGenerate(ctx, workspace, worker, site);
    const hook = await callJson<{ id: string; secret: string }>(`${ctx.api.url}/v2/webhooks/public`, {
      method: 'POST',
      headers: workspace.headers,
      body: { url: receiver.url('/sync'), events: EVENT_TYPES, description: 'bench syncRun' },
    });

    // Every (pages ÷ changed)-th page gets one more paragraph: changed, and far from the shrink rule.
    const maker = textMaker(11);
    const step = Math.floor(pages / changedPages);
    for (let n = 0; n < changedPages; n++) {
      const page = pageOf(n * step);
      page.paragraphs.push(`A new section, added after the first generation. ${maker.paragraph(0)}`);
      site.setPage(`${PREFIX}${n * step}`, { body: helpPageHtml(page), validators: true });
    }

    const callsBefore = (await ctx.fake.stats()).calls;
    const notModifiedBefore = site.notModified(PREFIX);
    const run = await runSync(ctx, workspace, worker);
    const modelCalls = (await ctx.fake.stats()).calls - callsBefore;
    const notModified = site.notModified(PREFIX) - notModifiedBefore;
    if (run.counts.sources !== sourceIds.length)
      throw new Error(`the sync run covered ${run.counts.sources} of ${sourceIds.length} sources`);

    const { rows } = await ctx.pool.query<{ refreshMs: number; emitted: number }>(
      `SELECT extract(epoch FROM (SELECT max(j.completed_at) FROM ingest_jobs j WHERE j.id = ANY(r.ingest_job_ids))
                - r.created_at)::float8 * 1000 AS "refreshMs",
              (SELECT count(*)::int FROM webhook_deliveries WHERE endpoint_id = $2) AS emitted
         FROM sync_runs r WHERE r.id = $1`,
      [run.id, hook.id],
    );
    const durationMs = Date.parse(run.completedAt!) - Date.parse(run.createdAt);
    const refreshMs = rows[0]!.refreshMs;
    return {
      pages,
      changedPages,
      durationMs,
      refreshMs: round(refreshMs, 0),
      generateMs: round(durationMs - refreshMs, 0),
      counts: run.counts,
      modelCalls,
      notModified,
      webhooks: await deliveries(ctx, receiver, hook, rows[0]!.emitted),
    };
  } finally {
    await worker.stop();
    await receiver.close();
    await site.close();
  }
}

/** The fixture pages, ingested and generated once, live: each source linked to its own new article. */
async function ingestAndGenerate(
  ctx: BenchContext,
  workspace: Workspace,
  worker: Child,
  site: Fixture,
): Promise<string[]> {
  const pages = ctx.sizes.syncPages;
  await insertFolder(ctx.pool, workspace.id, 'Help');
  const urls = Array.from({ length: pages }, (_, i) => {
    site.setPage(`${PREFIX}${i}`, { body: helpPageHtml(pageOf(i)), validators: true });
    return site.url(`${PREFIX}${i}`);
  });
  const sourceIds = await ingestUrls(ctx, workspace, urls, worker, 300_000);

  const jobIds = await bulkGenerate(ctx, workspace, sourceIds, {
    isDraft: false,
    restrictedOps: ['ADD_ARTICLE_TO_FOLDER'],
  });
  const generated = await waitForJobs(ctx, 'knowledge_jobs', jobIds, 300_000, [worker]);
  if (generated.failed > 0) throw new Error(`${generated.failed} first-generation jobs failed`);
  const { rows } = await ctx.pool.query<{ linked: number }>(
    `SELECT count(*)::int AS linked FROM sources
      WHERE id = ANY($1::uuid[]) AND linked_knowledge_id IS NOT NULL AND NOT changed`,
    [sourceIds],
  );
  if (rows[0]!.linked !== pages)
    throw new Error(`only ${rows[0]!.linked} of ${pages} sources are linked after the first generation`);
  return sourceIds;
}

async function runSync(ctx: BenchContext, workspace: Workspace, worker: Child): Promise<SyncRun> {
  const { syncRunId } = await callJson<{ syncRunId: string }>(`${ctx.api.url}/v2/sync/public`, {
    method: 'POST',
    headers: workspace.headers,
    body: {},
  });
  const run = await waitFor(
    'the sync run to finish',
    async () => {
      if (worker.exitCode !== undefined)
        throw new Error(`${worker.name} exited (${worker.exitCode}): ${worker.output()}`);
      const current = await callJson<SyncRun>(`${ctx.api.url}/v2/sync/public/runs/${syncRunId}`, {
        method: 'GET',
        headers: workspace.headers,
      });
      return current.status === 'COMPLETED' || current.status === 'FAILED' ? current : undefined;
    },
    300_000,
    100,
  );
  if (run.status !== 'COMPLETED') throw new Error(`the sync run failed: ${run.error}`);
  return run;
}

/** Waits until every delivery of the endpoint is settled, then reads what the receiver got. */
async function deliveries(
  ctx: BenchContext,
  receiver: WebhookReceiver,
  hook: { id: string; secret: string },
  emitted: number,
): Promise<SyncRunResult['webhooks']> {
  await waitFor(
    'the webhook deliveries to settle',
    async () => {
      const { rows } = await ctx.pool.query<{ open: number }>(
        `SELECT count(*)::int AS open FROM webhook_deliveries
          WHERE endpoint_id = $1 AND status IN ('PENDING', 'IN_PROGRESS')`,
        [hook.id],
      );
      return rows[0]!.open === 0 ? true : undefined;
    },
    120_000,
    100,
  );
  const verifier = new Webhook(hook.secret);
  const received = receiver.received('/sync');
  const byType: Record<string, number> = {};
  const delays: number[] = [];
  let allVerified = received.length > 0;
  for (const request of received) {
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    let event: { type: string; timestamp: string };
    try {
      event = verifier.verify(request.body, headers) as typeof event;
    } catch {
      allVerified = false;
      event = JSON.parse(request.body) as typeof event;
    }
    byType[event.type] = (byType[event.type] ?? 0) + 1;
    delays.push(request.receivedAt - Date.parse(event.timestamp));
  }
  return {
    emitted,
    received: received.length,
    byType,
    allVerified,
    deliveryP50Ms: round(percentile(delays, 50), 0),
    deliveryMaxMs: round(Math.max(...delays), 0),
  };
}
