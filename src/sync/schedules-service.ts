// Sync schedules (docs/api.md "Schedules"): the definition in PostgreSQL, a BullMQ job scheduler
// (upsertJobScheduler) derived from it that adds one tick job per cron tick, and the tick itself, which
// starts a sync run unless the schedule's previous run is unfinished (then the tick is skipped and counted).
import type { Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import { toIso, toIsoOrNull } from '../lib/dates.js';
import type { Pool } from '../lib/db.js';
import { notFound, validationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { ScheduleBody, Schedule } from './schedules-schemas.js';
import type { SyncService } from './sync-service.js';

export const SCHEDULE_QUEUE = 'sync-schedule';

export interface TickPayload {
  workspaceId: string;
  name: string;
}

interface ScheduleRow {
  workspaceId: string;
  name: string;
  cron: string;
  timezone: string;
  params: Omit<ScheduleBody, 'cron' | 'timezone'>;
  lastRunId: string | null;
  skippedRuns: number;
  lastSkippedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `workspace_id AS "workspaceId", name, cron, timezone, params, last_run_id AS "lastRunId",
  skipped_runs AS "skippedRuns", last_skipped_at AS "lastSkippedAt", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

const schedulerId = (workspaceId: string, name: string) => `${workspaceId}:${name}`;

/** The next tick after now, or 400 naming the field that makes the schedule invalid. */
export function nextRunAt(cron: string, timezone: string, after = new Date()): Date {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw validationError(
      'timezone',
      `must be an IANA time zone such as Europe/Paris (got ${JSON.stringify(timezone)})`,
    );
  }
  try {
    return CronExpressionParser.parse(cron, { tz: timezone, currentDate: after, strict: false })
      .next()
      .toDate();
  } catch (error) {
    throw validationError(
      'cron',
      `is not a valid cron expression (got ${JSON.stringify(cron)}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function toSchedule(row: ScheduleRow): Schedule {
  return {
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    nextRunAt: toIso(nextRunAt(row.cron, row.timezone)),
    lastRunId: row.lastRunId,
    skippedRuns: row.skippedRuns,
    lastSkippedAt: toIsoOrNull(row.lastSkippedAt),
    documentFilter: row.params.documentFilter ?? null,
    restrictedOps: row.params.restrictedOps ?? null,
    isDraft: row.params.isDraft,
    instructions: row.params.instructions ?? null,
    botId: row.params.botId ?? null,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

export function createSchedulesService(deps: {
  pool: Pool;
  queue: Queue;
  logger: Logger;
  sync: Pick<SyncService, 'start'>;
}) {
  const { pool, queue, logger } = deps;

  /** Makes BullMQ's scheduler match the row; a Redis failure is logged (worker start re-applies). */
  async function apply(row: Pick<ScheduleRow, 'workspaceId' | 'name' | 'cron' | 'timezone'>): Promise<void> {
    await queue
      .upsertJobScheduler(
        schedulerId(row.workspaceId, row.name),
        { pattern: row.cron, tz: row.timezone },
        { name: 'tick', data: { workspaceId: row.workspaceId, name: row.name } satisfies TickPayload },
      )
      .catch((error: unknown) =>
        logger.warn({ err: error, schedule: row.name }, 'could not apply the schedule'),
      );
  }

  async function find(workspaceId: string, name: string): Promise<ScheduleRow | undefined> {
    const { rows } = await pool.query<ScheduleRow>(
      `SELECT ${COLUMNS} FROM sync_schedules WHERE workspace_id = $1 AND name = $2`,
      [workspaceId, name],
    );
    return rows[0];
  }

  /** The sources a schedule's filter selects (undefined: every web source, the run's default). */
  async function documentIds(
    workspaceId: string,
    params: ScheduleRow['params'],
  ): Promise<string[] | undefined> {
    const filter = params.documentFilter;
    if (!filter?.url && (!filter?.source || filter.source === 'web')) return undefined;
    const { rows } = await pool.query<{ id: string }>(
      `SELECT id FROM sources WHERE workspace_id = $1 AND source_type = $2
         AND ($3::text IS NULL OR original_url ILIKE '%' || replace(replace(replace($3, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')
       ORDER BY external_id`,
      [workspaceId, filter.source ?? 'web', filter.url ?? null],
    );
    return rows.map((row) => row.id);
  }

  return {
    async put(workspaceId: string, name: string, body: ScheduleBody): Promise<Schedule> {
      nextRunAt(body.cron, body.timezone);
      const { cron, timezone, ...params } = body;
      const { rows } = await pool.query<ScheduleRow>(
        `INSERT INTO sync_schedules (workspace_id, name, cron, timezone, params) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace_id, name) DO UPDATE
           SET cron = EXCLUDED.cron, timezone = EXCLUDED.timezone, params = EXCLUDED.params, updated_at = now()
         RETURNING ${COLUMNS}`,
        [workspaceId, name, cron, timezone, JSON.stringify(params)],
      );
      await apply(rows[0]!);
      return toSchedule(rows[0]!);
    },

    async list(workspaceId: string): Promise<{ schedules: Schedule[] }> {
      const { rows } = await pool.query<ScheduleRow>(
        `SELECT ${COLUMNS} FROM sync_schedules WHERE workspace_id = $1 ORDER BY name`,
        [workspaceId],
      );
      return { schedules: rows.map(toSchedule) };
    },

    async get(workspaceId: string, name: string): Promise<Schedule> {
      const row = await find(workspaceId, name);
      if (!row) throw notFound('schedule', name);
      return toSchedule(row);
    },

    async delete(workspaceId: string, name: string): Promise<Schedule> {
      const { rows } = await pool.query<ScheduleRow>(
        `DELETE FROM sync_schedules WHERE workspace_id = $1 AND name = $2 RETURNING ${COLUMNS}`,
        [workspaceId, name],
      );
      if (!rows[0]) throw notFound('schedule', name);
      await queue.removeJobScheduler(schedulerId(workspaceId, name));
      return toSchedule(rows[0]);
    },

    /** One cron tick: a run of the schedule, or a skip when its previous run is still unfinished. */
    async tick(payload: TickPayload): Promise<'started' | 'skipped' | 'deleted'> {
      const row = await find(payload.workspaceId, payload.name);
      if (!row) {
        // Deleted while Redis was unreachable: the scheduler outlived its row.
        await queue.removeJobScheduler(schedulerId(payload.workspaceId, payload.name));
        return 'deleted';
      }
      const ids = await documentIds(row.workspaceId, row.params);
      const { documentFilter: _filter, ...params } = row.params;
      const run = await deps.sync.start(row.workspaceId, { ...params, documentIds: ids }, row.name);
      if (!run) {
        await pool.query(
          `UPDATE sync_schedules SET skipped_runs = skipped_runs + 1, last_skipped_at = now()
           WHERE workspace_id = $1 AND name = $2`,
          [row.workspaceId, row.name],
        );
        logger.info(
          { schedule: row.name },
          'sync tick skipped: the previous run of this schedule is unfinished',
        );
        return 'skipped';
      }
      await pool.query('UPDATE sync_schedules SET last_run_id = $3 WHERE workspace_id = $1 AND name = $2', [
        row.workspaceId,
        row.name,
        run.id,
      ]);
      return 'started';
    },

    /** Re-applies every schedule from PostgreSQL and drops schedulers without a row (worker start). */
    async reapply(): Promise<number> {
      const { rows } = await pool.query<ScheduleRow>(`SELECT ${COLUMNS} FROM sync_schedules`);
      for (const row of rows) await apply(row);
      const wanted = new Set(rows.map((row) => schedulerId(row.workspaceId, row.name)));
      for (const scheduler of await queue.getJobSchedulers())
        if (scheduler.key && !wanted.has(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
      return rows.length;
    },
  };
}

export type SchedulesService = ReturnType<typeof createSchedulesService>;
