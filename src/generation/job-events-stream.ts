// GET /v2/knowledge/public/jobs/events: Server-Sent Events for a set of jobs. The stream itself (budget,
// heartbeat, lifetime) is event-stream.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Job } from './generation-schemas.js';
import { toJob, type GenerationService } from './generation-service.js';
import type { JobEvents } from './job-events.js';
import { serveEventStream, type EventStream, type EventStreamOptions } from './event-stream.js';

const isFinishedStatus = (status: Job['jobStatus']) => status === 'COMPLETED' || status === 'FAILED';
const isFinished = (job: Job) => isFinishedStatus(job.jobStatus);
// Statuses only move forward; a notification that arrives after a fresher read is stale.
const RANK: Record<Job['jobStatus'], number> = { PENDING: 0, IN_PROGRESS: 1, COMPLETED: 2, FAILED: 2 };

export interface StreamOptions extends Omit<EventStreamOptions, 'kind'> {
  generation: GenerationService;
  events: JobEvents;
  workspaceId: string;
  jobIds: string[];
}

/**
 * Every event's id is `<jobId>:<status>`. A client that reconnects sends the last one it saw as
 * Last-Event-ID (EventSource does so by itself): that job's state is not repeated unless it moved on, and
 * every other job's current state is sent first, so nothing missed in between is lost.
 */
function resumeFrom(request: FastifyRequest, jobIds: string[]): [string, Job['jobStatus']] | undefined {
  const header = request.headers['last-event-id'];
  const [id, status] = (typeof header === 'string' ? header : '').split(':');
  if (!id || !status || !jobIds.includes(id) || !(status in RANK)) return undefined;
  return [id, status as Job['jobStatus']];
}

export async function streamJobEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  options: StreamOptions,
): Promise<void> {
  const { generation, events, workspaceId, jobIds } = options;
  await serveEventStream(request, reply, { ...options, kind: 'job' }, (stream: EventStream) => {
    const lastSent = new Map<string, Job['jobStatus']>();
    const resumed = resumeFrom(request, jobIds);
    if (resumed) lastSent.set(...resumed);
    const queued: Job[] = [];

    let finishedJobs = 0;
    const send = (job: Job) => {
      const previous = lastSent.get(job.id);
      if (stream.stopped || (previous !== undefined && RANK[job.jobStatus] <= RANK[previous])) return;
      lastSent.set(job.id, job.jobStatus);
      stream.send('job', JSON.stringify(job), `${job.id}:${job.jobStatus}`);
      if (isFinished(job)) finishedJobs += 1;
      if (finishedJobs === jobIds.length) stream.finish();
    };
    // A resumed job that had already finished counts as finished.
    if (resumed && isFinishedStatus(resumed[1])) finishedJobs += 1;
    const deliver = (job: Job) => (stream.started ? send(job) : queued.push(job));
    const resync = () => {
      generation.jobs(workspaceId, jobIds).then(
        (jobs) => jobs.forEach(deliver),
        (error: unknown) => request.log.warn({ err: error }, 'job events resync failed'),
      );
    };

    return {
      subscribe: () => events.subscribe(workspaceId, jobIds, (row) => deliver(toJob(row)), resync),
      read: () => generation.jobs(workspaceId, jobIds),
      start(current) {
        for (const job of current) send(job);
        for (const job of queued.splice(0)) send(job);
      },
    };
  });
}
