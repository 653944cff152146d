// Job status changes are NOTIFYed only while some process listens for them (migration 0102,
// src/generation/job-events.ts): PostgreSQL serializes notifying commits, and most of the time nobody
// listens. A database of its own, so no other test file's listener is registered in it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createJobEvents } from '../src/generation/job-events.js';
import { createLogger } from '../src/lib/logger.js';
import { createIsolatedDatabase } from './helpers/isolated-database.js';

let database: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let raw: pg.Client;
const payloads: string[] = [];

beforeAll(async () => {
  database = await createIsolatedDatabase();
  raw = new pg.Client({ connectionString: database.url });
  await raw.connect();
  raw.on('notification', (message) => payloads.push(message.payload ?? ''));
  await raw.query('LISTEN distill_knowledge_jobs');
});
afterAll(async () => {
  await raw.end();
  await database.drop();
});

async function insertJob(): Promise<{ workspaceId: string; jobId: string }> {
  const { rows } = await raw.query<{ workspaceId: string; jobId: string }>(
    `WITH w AS (INSERT INTO workspaces (name) VALUES ('events-' || gen_random_uuid()) RETURNING id)
     INSERT INTO knowledge_jobs (workspace_id, origin, allowed_ops)
     SELECT id, 'generated', '{DO_NOTHING}' FROM w RETURNING workspace_id AS "workspaceId", id AS "jobId"`,
  );
  return rows[0]!;
}

const setStatus = (jobId: string, status: string) =>
  raw.query('UPDATE knowledge_jobs SET status = $2 WHERE id = $1', [jobId, status]);

/** Notifications arrive in commit order: the marker comes first when the change announced nothing. */
async function nextPayloadAfter(change: () => Promise<unknown>): Promise<string> {
  payloads.length = 0;
  await change();
  await raw.query(`NOTIFY distill_knowledge_jobs, 'marker'`);
  await vi.waitFor(() => expect(payloads.length).toBeGreaterThan(0));
  return payloads[0]!;
}

describe('job status notifications', () => {
  it('are sent only while a process is registered as listening, and a listener re-reads after registering', async () => {
    const { workspaceId, jobId } = await insertJob();
    expect(await nextPayloadAfter(() => setStatus(jobId, 'IN_PROGRESS'))).toBe('marker');

    const events = createJobEvents(database.url, createLogger('silent'));
    const heard: string[] = [];
    let resyncs = 0;
    const unsubscribe = await events.subscribe(
      workspaceId,
      [jobId],
      (row) => heard.push(row.status),
      () => (resyncs += 1),
    );
    const { rows } = await raw.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM job_event_listeners WHERE expires_at > now()',
    );
    expect(rows[0]!.count).toBe(1);

    const announced = await nextPayloadAfter(() => setStatus(jobId, 'COMPLETED'));
    expect(JSON.parse(announced)).toMatchObject({ id: jobId, status: 'COMPLETED' });
    await vi.waitFor(() => expect(heard).toEqual(['COMPLETED']));
    // A change whose trigger ran just before the registration was visible went unannounced: the
    // listener asks its streams to re-read once, shortly after registering.
    await vi.waitFor(() => expect(resyncs).toBe(1), { timeout: 10_000 });

    unsubscribe();
    await events.close();
    const after = await raw.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM job_event_listeners',
    );
    expect(after.rows[0]!.count).toBe(0);
    expect(await nextPayloadAfter(() => setStatus(jobId, 'FAILED'))).toBe('marker');
  });
});
