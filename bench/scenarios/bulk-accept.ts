// bulkAccept: how long the bulk route takes to accept N sources (HTTP, auth, validation, ownership check,
// N job rows, enqueue), against the floor for its Redis part: a raw BullMQ addBulk of N jobs of the same
// shape on the same Redis. Measured alternately (ABBA order), after one warm-up of each; no worker runs,
// and each sample's jobs (and rows) are removed before the next, so every sample starts from the same state.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS } from '../../src/lib/queues.js';
import type { BenchContext, Workspace } from '../bench-context.js';
import { timedJson } from '../bench-http.js';
import { median, round } from '../bench-infra.js';

export interface BulkAcceptResult {
  ids: number;
  routeMedianMs: number;
  addBulkMedianMs: number;
  ratio: number;
  samples: number;
  routeSamplesMs: number[];
  addBulkSamplesMs: number[];
}

export async function benchBulkAccept(
  ctx: BenchContext,
  workspace: Workspace,
  sourceIds: string[],
): Promise<BulkAcceptResult> {
  const raw = new Queue('bench-addbulk', {
    connection: ctx.redis,
    prefix: ctx.prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  const body = JSON.stringify({ documentIds: sourceIds, origin: 'sources' });
  const url = `${ctx.api.url}/v2/knowledge/public/bulk`;

  const viaRoute = async (): Promise<number> => {
    const answer = await timedJson<{ jobs?: unknown[] }>(url, {
      method: 'POST',
      headers: workspace.headers,
      body,
    });
    if (answer.status !== 200 || answer.body.jobs?.length !== sourceIds.length)
      throw new Error(`bulk route answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    await ctx.generateQueue.drain(true);
    await ctx.pool.query('DELETE FROM knowledge_jobs WHERE workspace_id = $1', [workspace.id]);
    return answer.ms;
  };
  const viaAddBulk = async (): Promise<number> => {
    const jobs = sourceIds.map(() => {
      const jobId = randomUUID();
      return { name: 'generate', data: { jobId, workspaceId: workspace.id }, opts: { jobId } };
    });
    const started = performance.now();
    await raw.addBulk(jobs);
    const ms = performance.now() - started;
    await raw.drain(true);
    return ms;
  };

  try {
    await viaRoute();
    await viaAddBulk();
    const route: number[] = [];
    const addBulk: number[] = [];
    for (let i = 0; i < ctx.sizes.bulkSamples; i++) {
      if (i % 2 === 0) {
        route.push(await viaRoute());
        addBulk.push(await viaAddBulk());
      } else {
        addBulk.push(await viaAddBulk());
        route.push(await viaRoute());
      }
    }
    const routeMedianMs = median(route);
    const addBulkMedianMs = median(addBulk);
    return {
      ids: sourceIds.length,
      routeMedianMs: round(routeMedianMs, 2),
      addBulkMedianMs: round(addBulkMedianMs, 2),
      ratio: round(routeMedianMs / addBulkMedianMs, 3),
      samples: ctx.sizes.bulkSamples,
      routeSamplesMs: route.map((ms) => round(ms, 2)),
      addBulkSamplesMs: addBulk.map((ms) => round(ms, 2)),
    };
  } finally {
    await raw.obliterate({ force: true }).catch(() => undefined);
    await raw.close();
  }
}
