// HTTP against the service under test. Load and latency distributions come from autocannon; its result
// rounds latencies to whole milliseconds, too coarse for sub-millisecond routes, so each response's own
// time (autocannon's 'response' event, fractional ms) is kept and the percentiles are taken from those.
import autocannon from 'autocannon';
import { request } from 'undici';
import { percentile, round } from './bench-infra.js';

export interface LoadResult {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  requestsPerSec: number;
  responses: number;
  /** Status code → count. */
  statuses: Record<string, number>;
  errors: number;
}

export async function load(options: {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const instance = autocannon({
    url: options.url,
    headers: options.headers,
    connections: options.connections,
    duration: options.seconds,
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  return {
    p50Ms: round(percentile(latencies, 50), 3),
    p90Ms: round(percentile(latencies, 90), 3),
    p99Ms: round(percentile(latencies, 99), 3),
    meanMs: round(latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length), 3),
    requestsPerSec: round(latencies.length / result.duration, 0),
    responses: latencies.length,
    statuses,
    errors: result.errors + result.timeouts,
  };
}

/** One request, timed from the first byte sent to the last byte of the answer read. */
export async function timedJson<T>(
  url: string,
  options: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<{ ms: number; status: number; body: T }> {
  const started = performance.now();
  const response = await request(url, {
    method: options.method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body,
  });
  const text = await response.body.text();
  const ms = performance.now() - started;
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    body = text as T;
  }
  return { ms, status: response.statusCode, body };
}

/** Like timedJson, but fails unless the answer is `expected`. */
export async function callJson<T>(
  url: string,
  options: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown },
  expected = 200,
): Promise<T> {
  const answer = await timedJson<T>(url, {
    ...options,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (answer.status !== expected)
    throw new Error(
      `${options.method} ${url} answered ${answer.status} (expected ${expected}): ${JSON.stringify(answer.body).slice(0, 500)}`,
    );
  return answer.body;
}
