// The `sync-schedule` queue: BullMQ's job schedulers add one tick job per cron tick;
// this worker turns a tick into a sync run (schedules-service.ts tick). It is not a job-framework
// definition: a tick has no row of its own — the run it starts does, and the run is the durable part.
import type { Worker } from 'bullmq';
import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import { createWorker } from '../lib/queues.js';
import { SCHEDULE_QUEUE, type SchedulesService } from './schedules-service.js';

const TickSchema = z.object({ workspaceId: z.uuid(), name: z.string() });

export function startScheduleWorker(options: {
  schedules: SchedulesService;
  redisUrl: string;
  prefix: string;
  logger: Logger;
}): Worker {
  const { schedules, logger } = options;
  // Schedulers live in Redis: a Redis that lost them, or a fresh one, gets them back from PostgreSQL.
  schedules
    .reapply()
    .then((count) => logger.info({ schedules: count }, 'sync schedules applied'))
    .catch((error: unknown) => logger.warn({ err: error }, 'could not re-apply the sync schedules'));
  return createWorker(
    SCHEDULE_QUEUE,
    async (job) => {
      const tick = TickSchema.safeParse(job.data);
      if (!tick.success) return 'invalid';
      return schedules.tick(tick.data);
    },
    { redisUrl: options.redisUrl, prefix: options.prefix, concurrency: 1, logger },
  );
}
