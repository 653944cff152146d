// Graceful stop of a running role. Each step has a deadline, the whole stop has one (SHUTDOWN_GRACE_MS
// + 10 s), and a second SIGTERM/SIGINT ends the process at once: whatever is down (Redis, PostgreSQL),
// the process exits. Embedded servers are stopped last (or, on a forced exit, signalled by their exit
// hooks in embedded-postgres.ts and embedded-redis.ts).
import type { Logger } from './logger.js';
import { withTimeout } from './timeout.js';

/** The order steps stop in: HTTP stops accepting before the workers drain; the servers go last. */
export const STOP_ORDER = [
  'http server',
  'workers',
  'connections',
  'redis server',
  'database server',
] as const;
export type StepName = (typeof STOP_ORDER)[number];

/** A repeat within this long is the same Ctrl-C: npm forwards to its child the SIGINT its group got. */
const SAME_SIGNAL_MS = 1_000;
/** What the whole stop may take beyond the grace period, before the process exits anyway. */
const BEYOND_GRACE_MS = 9_000;

/** Thrown between start-up steps once a stop has begun: what is started so far is stopped, nothing more starts. */
export class StartupInterrupted extends Error {
  override name = 'StartupInterrupted';
}

export interface Shutdown {
  /** Registers a step; `deadlineMs` bounds it (a step that times out is logged and skipped). */
  add(name: StepName, stop: () => Promise<void>, deadlineMs: number): void;
  /** The start-up in progress: a stop waits for it to settle, so nothing it is starting is left behind. */
  starting(startup: Promise<unknown>): void;
  /** Why the stop began (a signal's name, 'start-up failed'); undefined until one has. */
  readonly reason: string | undefined;
  /** Start-up calls this between its steps: throws StartupInterrupted once a stop has begun. */
  throwIfStopping(): void;
  /** Stops everything once (later calls get the same promise), then exits with `exitCode`. */
  run(reason: string, exitCode: number): Promise<void>;
  /** SIGTERM/SIGINT start `run`; a second one (after SAME_SIGNAL_MS) exits at once. */
  listen(): void;
}

export function createShutdown(options: {
  logger: Logger;
  graceMs: number;
  exit?: (code: number) => never;
}): Shutdown {
  const { logger, graceMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const steps = new Map<StepName, { stop: () => Promise<void>; deadlineMs: number }>();
  let stopping: Promise<void> | undefined;
  let stopReason: string | undefined;
  let firstSignalAt = 0;
  let startup: Promise<unknown> = Promise.resolve();

  const stopStep = async (name: StepName) => {
    const step = steps.get(name);
    if (!step) return;
    try {
      await withTimeout(step.stop(), step.deadlineMs, `did not finish within ${step.deadlineMs / 1000} s`);
      logger.debug(`${name} stopped`);
    } catch (error) {
      logger.error(
        { error: error instanceof Error ? error.message : String(error) },
        `stopping the ${name} failed`,
      );
    }
  };

  const shutdown: Shutdown = {
    add(name, stop, deadlineMs) {
      steps.set(name, { stop, deadlineMs });
    },
    starting(promise) {
      startup = promise;
    },
    get reason() {
      return stopReason;
    },
    throwIfStopping() {
      if (stopReason !== undefined) throw new StartupInterrupted(`start-up stopped: ${stopReason}`);
    },
    run(reason, exitCode) {
      if (stopping) return stopping;
      stopReason = reason;
      logger.info({ reason }, 'shutting down');
      const overall = setTimeout(() => {
        logger.error(
          `shutdown took longer than SHUTDOWN_GRACE_MS + ${BEYOND_GRACE_MS / 1000} s: exiting now`,
        );
        exit(1);
      }, graceMs + BEYOND_GRACE_MS);
      overall.unref();
      stopping = startup
        .catch(() => undefined)
        .then(async () => {
          for (const name of STOP_ORDER) await stopStep(name);
          clearTimeout(overall);
          logger.info('stopped');
          exit(exitCode);
        });
      return stopping;
    },
    listen() {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.on(signal, () => {
          if (!stopping) {
            firstSignalAt = Date.now();
            void shutdown.run(signal, 0);
          } else if (Date.now() - firstSignalAt > SAME_SIGNAL_MS) {
            logger.warn({ signal }, 'second signal: stopping now, without waiting for running work');
            exit(signal === 'SIGINT' ? 130 : 143);
          }
        });
      }
    },
  };
  return shutdown;
}
