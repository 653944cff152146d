// Load shedding (@fastify/under-pressure): while the event loop is saturated, API requests get 503 with
// Retry-After in the error format; health, readiness and metrics still answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAD_SHEDDING_DEFAULTS } from '../src/http/load-shedding.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';

let ctx: TestContext;
let key: TestKey;
beforeAll(async () => {
  // A short sample, so one blocked stretch of the loop counts as overload; a threshold an idle test
  // process stays well below even on a busy machine. The delay threshold is out of reach, so the one
  // blocked second is reported as utilization whatever the machine's load adds to the delay.
  ctx = await startTestApp(
    {},
    {
      app: {
        loadShedding: { maxEventLoopUtilization: 0.9, maxEventLoopDelayMs: 60_000, sampleIntervalMs: 200 },
      },
    },
  );
  key = await ctx.createKey();
});
afterAll(() => ctx.close());

/** Keeps the event loop busy, as a CPU-bound handler or a huge parse would. */
function blockEventLoop(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

describe('load shedding', () => {
  it('defaults to thresholds a healthy process never reaches', () => {
    expect(LOAD_SHEDDING_DEFAULTS).toMatchObject({
      maxEventLoopDelayMs: 1_000,
      maxEventLoopUtilization: 0.98,
    });
  });

  it('answers 503 with Retry-After while the event loop is saturated, then recovers', async () => {
    const status = async () => (await ctx.http().get('/v2/hc-folders/public').set(key.header)).status;
    // Start-up itself (loading modules, building the app) is busy enough to count.
    await expect.poll(status, { timeout: 15_000 }).toBe(200);
    blockEventLoop(1_000);
    const [shed, health, metrics] = await Promise.all([
      ctx.http().get('/v2/hc-folders/public').set(key.header),
      ctx.http().get('/healthz'),
      ctx.http().get('/metrics'),
    ]);
    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe('10');
    expect(shed.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'UNAVAILABLE',
      message: 'the server is overloaded (eventLoopUtilization); retry in 10 seconds',
    });
    expect(health.status).toBe(200);
    expect(metrics.status).toBe(200);
    await expect
      .poll(async () => (await ctx.http().get('/v2/hc-folders/public').set(key.header)).status, {
        timeout: 15_000,
      })
      .toBe(200);
  });
});
