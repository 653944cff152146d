// For the abuse tests: a second client that polls /healthz while a pathological request runs. The server,
// the poller and the client share one event loop, so a handler that blocks the loop shows up as a gap
// between two /healthz answers. The bound the tests assert is generous: they prove non-blocking, not speed.
import { startTestApp, type TestAppOptions, type TestContext } from './app.js';

export interface HealthzReport {
  polls: number;
  /** Longest single /healthz request. */
  maxLatencyMs: number;
  /** Longest time between two answers (or between the start and the first answer). */
  maxGapMs: number;
}

/** Makes the test app listen on a real port (both clients then share it) and returns its base URL. */
export async function listenForAbuse(ctx: TestContext): Promise<string> {
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const address = ctx.app.server.address();
  if (!address || typeof address === 'string') throw new Error('the test app is not listening on TCP');
  return `http://127.0.0.1:${address.port}`;
}

/** The test app, listening, for an abuse test file. */
export async function startAbuseApp(
  overrides: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<{ ctx: TestContext; baseUrl: string }> {
  const ctx = await startTestApp(overrides, options);
  return { ctx, baseUrl: await listenForAbuse(ctx) };
}

export function pollHealthz(baseUrl: string, everyMs = 25): { stop(): Promise<HealthzReport> } {
  let running = true;
  const report: HealthzReport = { polls: 0, maxLatencyMs: 0, maxGapMs: 0 };
  const loop = (async () => {
    let last = performance.now();
    while (running) {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/healthz`);
      await response.text();
      if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
      const now = performance.now();
      report.polls += 1;
      report.maxLatencyMs = Math.max(report.maxLatencyMs, now - started);
      report.maxGapMs = Math.max(report.maxGapMs, now - last);
      last = now;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return {
        polls: report.polls,
        maxLatencyMs: Math.round(report.maxLatencyMs),
        maxGapMs: Math.round(report.maxGapMs),
      };
    },
  };
}

/** No gap over this between two /healthz answers: far above any scheduling noise on a busy machine. */
export const HEALTHZ_MAX_GAP_MS = 2_000;

/** Runs `attack` while polling /healthz; prints what was measured so the figures can be quoted. */
export async function whilePolling<T>(
  label: string,
  baseUrl: string,
  attack: () => Promise<T>,
): Promise<{ result: T; healthz: HealthzReport }> {
  const poller = pollHealthz(baseUrl);
  const started = performance.now();
  const outcome = await attack().then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const tookMs = Math.round(performance.now() - started);
  const healthz = await poller.stop();
  console.info(
    `[${label}] attack took ${tookMs} ms; /healthz: ${healthz.polls} polls, max latency ${healthz.maxLatencyMs} ms, max gap ${healthz.maxGapMs} ms`,
  );
  if (!outcome.ok) throw outcome.error;
  return { result: outcome.value, healthz };
}
