// The log a person reads: one line per request, readable text at a terminal (JSON otherwise), and a
// Redis that stays down said once per window instead of once per reconnect attempt of every connection.
import { Writable } from 'node:stream';
import type { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/lib/logger.js';
import { closeQueue, createQueue, createWorker } from '../src/lib/queues.js';
import { closeRedis, createProducerConnection } from '../src/lib/redis.js';
import { startTestApp } from './helpers/app.js';
import { freePort } from './helpers/processes.js';

function sink(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('logs', () => {
  it('writes one line per request, with method, URL, status and time', async () => {
    const log = sink();
    const ctx = await startTestApp({}, { logger: createLogger('info', log.stream) });
    cleanups.push(() => ctx.close());
    const answer = await ctx.http().get('/healthz?probe=1').expect(200);
    const requestId = answer.headers['x-request-id'] as string;
    await expect.poll(() => log.lines().filter((line) => line.includes(requestId))).toHaveLength(1);
    const line = JSON.parse(log.lines().find((entry) => entry.includes(requestId))!) as Record<
      string,
      unknown
    >;
    expect(line).toMatchObject({
      msg: 'request completed',
      method: 'GET',
      url: '/healthz?probe=1',
      statusCode: 200,
    });
    expect(typeof line.responseTime).toBe('number');
  });

  it('is human-readable when pretty (the default at a terminal), JSON lines otherwise', () => {
    const pretty = sink();
    createLogger('info', pretty.stream, { pretty: true }).info({ queue: 'ingest' }, 'workers started');
    expect(pretty.lines()[0]).toMatch(/INFO.*workers started/);
    expect(() => JSON.parse(pretty.lines()[0]!) as unknown).toThrow();

    const json = sink();
    createLogger('info', json.stream).info({ queue: 'ingest' }, 'workers started');
    expect(JSON.parse(json.lines()[0]!)).toMatchObject({ msg: 'workers started', queue: 'ingest' });
  });

  it('a Redis that is down: one warning for every connection, queue and worker, not one per retry', async () => {
    const log = sink();
    const logger = createLogger('info', log.stream);
    const url = `redis://127.0.0.1:${await freePort()}`;
    const connection = createProducerConnection(url, logger);
    const queue: Queue = createQueue('logging-test', connection, 'logging-test', logger);
    const worker = createWorker('logging-test', async () => undefined, {
      redisUrl: url,
      prefix: 'logging-test',
      concurrency: 1,
      logger,
    });
    cleanups.push(async () => {
      await worker.close(true).catch(() => undefined);
      await closeQueue(queue, logger);
      await closeRedis(connection);
    });
    // Each of them reports the refused connection, again on every reconnect attempt.
    const refused = Object.assign(new Error(`connect ECONNREFUSED ${url.slice(8)}`), {
      code: 'ECONNREFUSED',
    });
    for (let attempt = 0; attempt < 50; attempt += 1) {
      queue.emit('error', refused);
      worker.emit('error', refused);
    }
    await expect.poll(() => log.lines().length).toBeGreaterThan(0);
    const warnings = log.lines().filter((line) => line.includes('ECONNREFUSED'));
    expect(warnings).toHaveLength(1);
    // The message once, no stack trace.
    expect(warnings[0]).not.toContain('    at ');
    expect(warnings[0]).toContain('redis connection lost');
  });
});
