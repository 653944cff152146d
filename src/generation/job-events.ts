// Knowledge-job status changes, delivered across processes: a trigger NOTIFYs every change (migration
// 0005) and each API process keeps one LISTEN connection, fanned out in memory to its SSE streams.
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import type { JobRow } from './jobs-repo.js';

const CHANNEL = 'distill_knowledge_jobs';
const RESYNC = Symbol('resync');

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
        void next.end().catch(() => undefined);
        client = undefined;
        listening = undefined;
        if (!closed && subscribers > 0) setTimeout(() => void reconnect(), 1_000);
      });
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
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
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
