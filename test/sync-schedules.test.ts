// Sync schedules end to end (docs/api.md "Schedules"): validation naming the field, a schedule every two
// seconds against a changing fixture site that runs once per tick, a tick skipped (and counted) while
// the previous run is unfinished, and a schedule re-applied from PostgreSQL after Redis lost it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext, TestKey } from './helpers/app.js';
import { htmlPage, type Fixture } from './helpers/fixture-server.js';
import { ingestOne, linkToNewArticle, startIngestTestApp, stopIngestTestApp } from './helpers/sources.js';

let ctx: TestContext;
let site: Fixture;
beforeAll(async () => {
  ({ ctx, site } = await startIngestTestApp());
});
afterAll(() => stopIngestTestApp(ctx, site));

const EVERY_2S = '*/2 * * * * *';
const page = (version: number) =>
  htmlPage(
    'Returns',
    `<p>Returns are accepted for ${version * 10} days after delivery, in the original box.</p>`,
  );

async function put(key: TestKey, name: string, body: object) {
  return ctx.http().put(`/v2/sync/public/schedules/${name}`).set(key.header).send(body);
}

async function linkedPage(key: TestKey, path: string): Promise<string> {
  site.setPage(path, { body: page(1) });
  const source = await ingestOne(ctx, key, site.url(path));
  await linkToNewArticle(ctx, key, source.id, `Returns ${path}`);
  return source.id;
}

async function runsOf(key: TestKey, name: string) {
  const { rows } = await ctx.deps.pool.query<{
    status: string;
    createdAt: Date;
    counts: { sources?: number };
  }>(
    `SELECT status, created_at AS "createdAt", counts FROM sync_runs
     WHERE workspace_id = $1 AND schedule_name = $2 ORDER BY created_at`,
    [key.workspaceId, name],
  );
  return rows;
}

describe('PUT /v2/sync/public/schedules/:name', () => {
  it('answers 400 naming the cron, the timezone or the name at fault, and stores nothing', async () => {
    const key = await ctx.createKey();
    const cron = await put(key, 'nightly', { cron: 'every night' });
    expect(cron.status).toBe(400);
    expect(cron.body.message).toMatch(/^cron is not a valid cron expression \(got "every night"\)/);
    const zone = await put(key, 'nightly', { cron: '0 3 * * *', timezone: 'Mars/Olympus' });
    expect(zone.status).toBe(400);
    expect(zone.body.message).toContain('timezone');
    expect((await put(key, 'bad name!', { cron: '0 3 * * *' })).status).toBe(400);
    const list = await ctx.http().get('/v2/sync/public/schedules').set(key.header);
    expect(list.body).toEqual({ schedules: [] });
  });

  it('returns the schedule with its next run in its time zone; GET lists it; DELETE removes it', async () => {
    const key = await ctx.createKey();
    const created = await put(key, 'nightly', { cron: '0 3 * * *', timezone: 'Europe/Paris' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({
      name: 'nightly',
      cron: '0 3 * * *',
      timezone: 'Europe/Paris',
      lastRunId: null,
    });
    // 03:00 in Paris is 01:00 or 02:00 UTC depending on daylight saving time.
    expect(created.body.nextRunAt).toMatch(/T0[12]:00:00\.000Z$/);
    const list = await ctx.http().get('/v2/sync/public/schedules').set(key.header);
    expect(list.body.schedules.map((s: { name: string }) => s.name)).toEqual(['nightly']);
    const schedulers = await ctx.deps.queues.schedule.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain(`${key.workspaceId}:nightly`);

    expect((await ctx.http().delete('/v2/sync/public/schedules/nightly').set(key.header)).status).toBe(200);
    expect((await ctx.http().get('/v2/sync/public/schedules/nightly').set(key.header)).status).toBe(404);
    const after = await ctx.deps.queues.schedule.getJobSchedulers();
    expect(after.map((s) => s.key)).not.toContain(`${key.workspaceId}:nightly`);
  });
});

describe('schedule ticks', () => {
  it('runs exactly once per tick against a changing site', { timeout: 60_000 }, async () => {
    const key = await ctx.createKey();
    await linkedPage(key, '/sched-a/returns');
    await linkedPage(key, '/sched-other/returns');
    let version = 1;
    const changing = setInterval(() => site.setPage('/sched-a/returns', { body: page((version += 1)) }), 700);
    try {
      expect((await put(key, 'often', { cron: EVERY_2S, documentFilter: { url: '/sched-a/' } })).status).toBe(
        200,
      );
      await expect
        .poll(async () => (await runsOf(key, 'often')).filter((run) => run.status === 'COMPLETED').length, {
          timeout: 40_000,
          interval: 200,
        })
        .toBeGreaterThanOrEqual(3);
      await ctx.http().delete('/v2/sync/public/schedules/often').set(key.header);
    } finally {
      clearInterval(changing);
    }
    const runs = await runsOf(key, 'often');
    // One run per two-second tick: no tick window holds two runs.
    const ticks = runs.map((run) => Math.floor(run.createdAt.getTime() / 2_000));
    expect(new Set(ticks).size).toBe(ticks.length);
    // The filter kept the other page out of every run.
    for (const run of runs.filter((r) => r.status === 'COMPLETED')) expect(run.counts.sources).toBe(1);
  });

  it('skips a tick while the previous run is unfinished, and says so', { timeout: 60_000 }, async () => {
    const key = await ctx.createKey();
    await linkedPage(key, '/sched-slow/returns');
    site.setPage('/sched-slow/returns', { body: page(2), delayMs: 5_000 });
    expect((await put(key, 'slow', { cron: EVERY_2S })).status).toBe(200);
    await expect
      .poll(
        async () => (await ctx.http().get('/v2/sync/public/schedules/slow').set(key.header)).body.skippedRuns,
        { timeout: 30_000, interval: 200 },
      )
      .toBeGreaterThanOrEqual(1);
    const schedule = (await ctx.http().get('/v2/sync/public/schedules/slow').set(key.header)).body;
    expect(schedule.lastSkippedAt).not.toBeNull();
    const unfinished = (await runsOf(key, 'slow')).filter(
      (run) => run.status === 'PENDING' || run.status === 'IN_PROGRESS',
    );
    expect(unfinished.length).toBeLessThanOrEqual(1);
    await ctx.http().delete('/v2/sync/public/schedules/slow').set(key.header);
  });

  it('is re-applied from PostgreSQL when Redis lost its scheduler', async () => {
    const key = await ctx.createKey();
    expect((await put(key, 'weekly', { cron: '0 6 * * 1' })).status).toBe(200);
    const id = `${key.workspaceId}:weekly`;
    await ctx.deps.queues.schedule.removeJobScheduler(id);
    expect((await ctx.deps.queues.schedule.getJobSchedulers()).map((s) => s.key)).not.toContain(id);
    await ctx.deps.schedules.reapply();
    expect((await ctx.deps.queues.schedule.getJobSchedulers()).map((s) => s.key)).toContain(id);
    await ctx.http().delete('/v2/sync/public/schedules/weekly').set(key.header);
  });
});
