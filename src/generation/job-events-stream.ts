// GET /v2/knowledge/public/jobs/events: Server-Sent Events for a set of jobs.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Job } from './generation-schemas.js';
import { toJob, type GenerationService } from './generation-service.js';
import type { JobEvents } from './job-events.js';
import type { StreamSlots } from './job-events-limits.js';

const HEARTBEAT_MS = 15_000;
const isFinishedStatus = (status: Job['jobStatus']) => status === 'COMPLETED' || status === 'FAILED';
const isFinished = (job: Job) => isFinishedStatus(job.jobStatus);
// Statuses only move forward; a notification that arrives after a fresher read is stale.
const RANK: Record<Job['jobStatus'], number> = { PENDING: 0, IN_PROGRESS: 1, COMPLETED: 2, FAILED: 2 };

export interface StreamOptions {
  generation: GenerationService;
  events: JobEvents;
  /** Streams open on this server, each with its `end`; the server ends them when it closes. */
  openStreams: Set<() => void>;
  slots: StreamSlots;
  keyId: string;
  workspaceId: string;
  jobIds: string[];
}

export async function streamJobEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  options: StreamOptions,
): Promise<void> {
  const release = options.slots.acquire(options.keyId);
  try {
    await openStream(request, reply, options, release);
  } catch (error) {
    release();
    throw error;
  }
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

async function openStream(
  request: FastifyRequest,
  reply: FastifyReply,
  options: StreamOptions,
  release: () => void,
): Promise<void> {
  const { generation, events, openStreams, slots, workspaceId, jobIds } = options;
  const lastSent = new Map<string, Job['jobStatus']>();
  const resumed = resumeFrom(request, jobIds);
  if (resumed) lastSent.set(...resumed);
  const queued: Job[] = [];
  let open = false;
  let finished = false;

  let finishedJobs = 0;
  const send = (job: Job) => {
    const previous = lastSent.get(job.id);
    if (finished || (previous !== undefined && RANK[job.jobStatus] <= RANK[previous])) return;
    lastSent.set(job.id, job.jobStatus);
    reply.raw.write(`event: job\nid: ${job.id}:${job.jobStatus}\ndata: ${JSON.stringify(job)}\n\n`);
    if (isFinished(job)) finishedJobs += 1;
    if (finishedJobs === jobIds.length) finish();
  };
  // A resumed job that had already finished counts as finished.
  if (resumed && isFinishedStatus(resumed[1])) finishedJobs += 1;
  const deliver = (job: Job) => (open ? send(job) : queued.push(job));
  const resync = () => {
    generation.jobs(workspaceId, jobIds).then(
      (jobs) => jobs.forEach(deliver),
      (error: unknown) => request.log.warn({ err: error }, 'job events resync failed'),
    );
  };

  // Listen before reading the current state, so no change between the two is missed.
  const unsubscribe = await events.subscribe(workspaceId, jobIds, (row) => deliver(toJob(row)), resync);
  let current: Job[];
  try {
    current = await generation.jobs(workspaceId, jobIds);
  } catch (error) {
    unsubscribe();
    throw error;
  }

  const heartbeat = setInterval(() => reply.raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  // Past its lifetime the stream ends without "done": the client reconnects and resumes.
  const lifetime = setTimeout(() => end(), slots.limits.maxLifetimeMs);
  const stop = () => {
    finished = true;
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    unsubscribe();
    release();
    openStreams.delete(end);
  };
  function finish() {
    if (finished) return;
    stop();
    reply.raw.end('event: done\ndata: {}\n\n');
  }
  function end() {
    if (finished) return;
    stop();
    reply.raw.end();
  }
  openStreams.add(end);
  request.raw.once('close', stop);

  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': request.id,
  });
  open = true;
  for (const job of current) send(job);
  for (const job of queued.splice(0)) send(job);
}
