import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { createWriter } from '../src/writers/create-writer.js';
import { startFakeOpenAI } from './helpers/fake-openai.js';
import { ROOT } from './helpers/processes.js';
import { decisionRequest } from './helpers/writer-fixtures.js';

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('createWriter', () => {
  it('picks the offline writer when no model is configured, and says articles are extracted', () => {
    const { logger, lines } = capturingLogger();
    const writer = createWriter(loadConfig({}), logger);
    expect(writer.name).toBe('offline');
    expect(writer.promptVersion).toMatch(/^offline-/u);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.msg).toContain('Articles are extracted from the page text, not written by a model');
  });

  it('picks openai under auto when a key or a base URL is set, and names the model', () => {
    for (const env of [
      { OPENAI_API_KEY: 'sk-secret-value-1234' },
      { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'llama3.1' },
    ]) {
      const { logger, lines } = capturingLogger();
      const writer = createWriter(loadConfig(env), logger);
      expect(writer.name).toBe('openai');
      expect(writer.model).toBe(env.OPENAI_MODEL ?? 'gpt-4o-mini');
      expect(writer.promptVersion).toMatch(/^decision-1\.[0-9a-f]{8}$/u);
      expect(lines[0]!.msg).toBe(`writer: openai, model ${writer.model}`);
      expect(JSON.stringify(lines)).not.toContain('sk-secret-value-1234');
    }
  });

  it('honours an explicit offline provider even with a key', () => {
    const writer = createWriter(
      loadConfig({ LLM_PROVIDER: 'offline', OPENAI_API_KEY: 'sk-x' }),
      capturingLogger().logger,
    );
    expect(writer.name).toBe('offline');
  });

  it('refuses LLM_PROVIDER=openai without a key or base URL, naming the variables', () => {
    const start = () => createWriter(loadConfig({ LLM_PROVIDER: 'openai' }), capturingLogger().logger);
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/LLM_PROVIDER=openai needs OPENAI_API_KEY .* or OPENAI_BASE_URL/u);
  });

  it('sends a placeholder key to a base URL that needs none', async () => {
    const fake = await startFakeOpenAI();
    try {
      const writer = createWriter(
        loadConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: fake.url }),
        capturingLogger().logger,
      );
      await writer.decide(decisionRequest());
      expect(fake.requests[0]!.headers.authorization).toMatch(/^Bearer \S+$/u);
    } finally {
      await fake.close();
    }
  });
});

describe('fake OpenAI server as its own process', () => {
  it('prints its URL as one JSON line, serves the SDK, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join('test', 'helpers', 'fake-openai-server.ts'),
        '--port',
        '0',
        '--latency',
        '50',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const firstLine = await new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).once('line', resolve),
      );
      const { url, pid } = JSON.parse(firstLine) as { url: string; pid: number };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/u);
      expect(pid).toBe(child.pid);

      // Scripted over HTTP, as a benchmark in another process would.
      await fetch(url.replace(/\/v1$/u, '/fake/enqueue'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ behaviours: [{ type: 'error', status: 503 }] }),
      });
      const writer = createWriter(
        loadConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: url, OPENAI_MODEL: 'fake' }),
        capturingLogger().logger,
      );
      const started = Date.now();
      const answer = await writer.decide(decisionRequest());
      expect(Date.now() - started).toBeGreaterThanOrEqual(100); // two answers, 50 ms latency each
      expect(answer.answer).toMatchObject({ operation: 'ADD_ARTICLE_TO_FOLDER' });
      const stats = (await (await fetch(url.replace(/\/v1$/u, '/fake/stats'))).json()) as { calls: number };
      expect(stats.calls).toBe(2);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
