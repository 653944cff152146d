import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      redisUrl: undefined,
      llmProvider: 'auto',
      allowPrivateUrls: false,
      logLevel: 'info',
      queuePrefix: 'distill',
      shutdownGraceMs: 20_000,
      rateLimitPerMinute: 600,
      corsOrigins: [],
    });
    expect(config.dataDir).toMatch(/[/\\]data$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('leaves the workspace quotas off unless set, and refuses a quota that is not a positive integer', () => {
    expect(loadConfig({})).toMatchObject({
      workspaceMaxQueuedJobs: undefined,
      workspaceMaxTokensPerDay: undefined,
    });
    expect(
      loadConfig({ WORKSPACE_MAX_QUEUED_JOBS: '500', WORKSPACE_MAX_TOKENS_PER_DAY: '2000000' }),
    ).toMatchObject({ workspaceMaxQueuedJobs: 500, workspaceMaxTokensPerDay: 2_000_000 });
    expect(() => loadConfig({ WORKSPACE_MAX_QUEUED_JOBS: '0' })).toThrow(
      'WORKSPACE_MAX_QUEUED_JOBS must be at least 1 (got "0")',
    );
    expect(() => loadConfig({ WORKSPACE_MAX_TOKENS_PER_DAY: 'lots' })).toThrow(
      /^Invalid configuration: WORKSPACE_MAX_TOKENS_PER_DAY must be an integer/,
    );
  });

  it('names every bad key in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        ALLOW_PRIVATE_URLS: 'yes',
        DATABASE_URL: 'mysql://db/x',
        WORKER_CONCURRENCY: '0',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const key of ['PORT', 'LOG_LEVEL', 'ALLOW_PRIVATE_URLS', 'DATABASE_URL', 'WORKER_CONCURRENCY']) {
      expect(message).toContain(key);
    }
    expect((error as ConfigError).problems).toHaveLength(5);
    expect(message).toContain('"eighty"');
  });

  it('checks rules that span keys at load, naming the keys', () => {
    expect(() => loadConfig({ LLM_PROVIDER: 'openai' })).toThrow(
      /LLM_PROVIDER=openai needs OPENAI_API_KEY .* or OPENAI_BASE_URL/u,
    );
    expect(
      loadConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).llmProvider,
    ).toBe('openai');
    expect(() => loadConfig({ PORT: '54329' })).toThrow('PORT and EMBEDDED_PG_PORT are both 54329');
    // With DATABASE_URL set no embedded PostgreSQL runs, so its port cannot clash.
    expect(loadConfig({ PORT: '54329', DATABASE_URL: 'postgres://db/x' }).port).toBe(54329);
  });

  it('has one key per environment variable, in camelCase, set or not', () => {
    expect(Object.keys(loadConfig({}))).toHaveLength(24);
    expect(Object.keys(loadConfig({ DATABASE_URL: 'postgres://db/x', OPENAI_API_KEY: 'sk-x' }))).toEqual(
      expect.arrayContaining([
        'port',
        'databaseUrl',
        'openaiApiKey',
        'embeddedPgPort',
        'jobLockMs',
        'corsOrigins',
      ]),
    );
  });

  it('treats empty values as unset and parses booleans and numbers', () => {
    const config = loadConfig({
      PORT: '',
      ALLOW_PRIVATE_URLS: 'true',
      WORKER_CONCURRENCY: '32',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(config.port).toBe(3000);
    expect(config.allowPrivateUrls).toBe(true);
    expect(config.workerConcurrency).toBe(32);
    expect(config.redisUrl).toBe('redis://cache:6379');
  });

  it('rejects a queue prefix that would break Redis key names', () => {
    expect(() => loadConfig({ QUEUE_PREFIX: 'a:b' })).toThrow(/QUEUE_PREFIX/);
  });

  it('reads the rate limit and the CORS origins, naming a bad origin', () => {
    const config = loadConfig({
      RATE_LIMIT_PER_MINUTE: '0',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
    });
    expect(config.rateLimitPerMinute).toBe(0);
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    for (const bad of [
      'https://app.example.com/',
      'app.example.com',
      'ftp://files.example.com',
      'https://a.example.com/path',
    ])
      expect(() => loadConfig({ CORS_ORIGINS: `https://ok.example.com,${bad}` })).toThrow(
        new RegExp(`CORS_ORIGINS .*${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
      );
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: 'many' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });
});
