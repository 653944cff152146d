// Knowledge-job status changes, delivered across processes: a trigger NOTIFYs every change (migration
// 0005) and each API process keeps one LISTEN connection, fanned out in memory to its SSE streams. The
// trigger notifies only while some process is registered as listening (migration 0102): each process
// registers once its first stream opens and renews the registration while it listens.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import type { JobRow } from './jobs-repo.js';

const CHANNEL = 'distill_knowledge_jobs';
const RESYNC = Symbol('resync');
/** A registration lasts this long unless renewed; renewed every RENEW_MS while listening. */
const REGISTRATION_TTL_S = 60;
const RENEW_MS = 20_000;
/**
 * A change whose trigger ran just before the registration was visible was not announced, yet it may
 * commit after a stream read the state: streams re-read once, this long after each registration.
 */
const LATE_CHANGE_RESYNC_MS = 2_000;

/** Subscribe to this key instead of job IDs to hear every status change of a batch's jobs. */
export const batchTopic = (batchId: string): string => `batch:${batchId}`;

export interface JobEvents {
  /**
   * Calls `onChange` for every status change of the given jobs (or of a batch's, by `batchTopic`); `onResync` after the listening connection
   * was re-established (changes may have been missed: re-read). Resolves once listening.
   */
  subscribe(
    workspaceId: string,
    jobIds: string[],
    onChange: (row: JobRow) => void,
    onResync: () => void,
  ): Promise<() => void>;
  close(): Promise<void>;
}

export function createJobEvents(databaseUrl: string, logger: Logger): JobEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | undefined;
  let listening: Promise<void> | undefined;
  let closed = false;
  let subscribers = 0;
  let renewal: NodeJS.Timeout | undefined;
  const listenerId = randomUUID();

  /** Registers (or renews) this process as listening, and drops registrations that expired. */
  async function register(connection: pg.Client): Promise<void> {
    await connection.query(
      `WITH expired AS (DELETE FROM job_event_listeners WHERE expires_at < now() AND id <> $1)
       INSERT INTO job_event_listeners (id, expires_at) VALUES ($1, now() + make_interval(secs => $2))
       ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      [listenerId, REGISTRATION_TTL_S],
    );
  }

  function startRenewing(connection: pg.Client): void {
    clearInterval(renewal);
    renewal = setInterval(() => {
      register(connection).catch((error: unknown) =>
        logger.warn({ err: error }, 'could not renew the job events registration'),
      );
    }, RENEW_MS).unref();
    setTimeout(() => emitter.emit(RESYNC), LATE_CHANGE_RESYNC_MS).unref();
  }

  function connect(): Promise<void> {
    listening ??= (async () => {
      const next = new pg.Client({ connectionString: databaseUrl, application_name: 'distill-job-events' });
      next.on('notification', (message) => {
        if (!message.payload) return;
        try {
          const row = JSON.parse(message.payload) as JobRow;
          emitter.emit(row.id, row);
          if (row.batchId) emitter.emit(batchTopic(row.batchId), row);
        } catch (error) {
          logger.warn({ err: error }, 'unreadable job notification');
        }
      });
      next.on('error', (error) => {
        logger.warn({ err: error }, 'job events connection lost; reconnecting');
        clearInterval(renewal);
        void next.end().catch(() => undefined);
        client = undefined;
        listening = undefined;
        if (!closed && subscribers > 0) setTimeout(() => void reconnect(), 1_000);
      });
      await next.connect();
      try {
        // Listen first: a change that sees the registration is then sure to reach this connection.
        await next.query(`LISTEN ${CHANNEL}`);
        await register(next);
      } catch (error) {
        await next.end().catch(() => undefined);
        throw error;
      }
      startRenewing(next);
      client = next;
    })().catch((error: unknown) => {
      listening = undefined;
      throw error;
    });
    return listening;
  }

  async function reconnect(): Promise<void> {
    try {
      await connect();
      emitter.emit(RESYNC);
    } catch (error) {
      logger.warn({ err: error }, 'job events reconnect failed; retrying');
      if (!closed && subscribers > 0) setTimeout(() => void reconnect(), 2_000);
    }
  }

  return {
    async subscribe(workspaceId, jobIds, onChange, onResync) {
      const listener = (row: JobRow) => {
        if (row.workspaceId === workspaceId) onChange(row);
      };
      for (const id of jobIds) emitter.on(id, listener);
      emitter.on(RESYNC, onResync);
      subscribers += 1;
      const unsubscribe = () => {
        for (const id of jobIds) emitter.off(id, listener);
        emitter.off(RESYNC, onResync);
        subscribers -= 1;
      };
      try {
        await connect();
      } catch (error) {
        unsubscribe();
        throw error;
      }
      return unsubscribe;
    },
    async close() {
      closed = true;
      clearInterval(renewal);
      await client
        ?.query('DELETE FROM job_event_listeners WHERE id = $1', [listenerId])
        .catch(() => undefined);
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
