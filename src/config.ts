// Configuration: every environment variable of DESIGN.md §5 (plus a few operating knobs), parsed once
// with zod into a frozen, typed object. No other module reads process.env.
import path from 'node:path';
import { z } from 'zod';

const booleanString = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

const urlWithProtocols = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `https://app.example.com,http://localhost:5173`: browser origins (scheme, host, port; no path), or `*`. */
const originList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  )
  .superRefine((origins, ctx) => {
    for (const origin of origins) {
      if (origin === '*') continue;
      let valid = false;
      try {
        const url = new URL(origin);
        valid = (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin;
      } catch {
        valid = false;
      }
      if (!valid)
        ctx.addIssue({
          code: 'custom',
          message: `must list origins like https://app.example.com (scheme and host, no path or trailing slash), or *; ${JSON.stringify(origin)} is not one`,
        });
    }
  });

/** The environment variables Distill reads, with their defaults. Keep `.env.example` and the README in step. */
const EnvSchema = z.object({
  PORT: integer(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:']).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:']).optional(),
  LLM_PROVIDER: z
    .enum(['auto', 'openai', 'offline'], { error: 'must be one of auto, openai, offline' })
    .default('auto'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: urlWithProtocols(['http:', 'https:']).optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_MAX_RPM: integer(1, 1_000_000).optional(),
  LLM_TIMEOUT_MS: integer(1_000, 600_000).default(60_000),
  WORKER_CONCURRENCY: integer(1, 1000).default(16),
  ALLOW_PRIVATE_URLS: booleanString.default(false),
  ADMIN_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  RATE_LIMIT_PER_MINUTE: integer(0, 1_000_000).default(600),
  CORS_ORIGINS: originList.optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]+$/, { error: 'may contain only letters, digits, _, -, { and }' })
    .default('distill'),
  EMBEDDED_PG_PORT: integer(1, 65535).default(54329),
  EMBEDDED_REDIS_PORT: integer(1, 65535).default(56379),
  SHUTDOWN_GRACE_MS: integer(0, 600_000).default(20_000),
  JOB_LOCK_MS: integer(1_000, 600_000).default(30_000),
  WORKSPACE_MAX_QUEUED_JOBS: integer(1, 10_000_000).optional(),
  WORKSPACE_MAX_TOKENS_PER_DAY: integer(1, 1_000_000_000_000).optional(),
});

export type Config = Readonly<{
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  llmProvider: 'auto' | 'openai' | 'offline';
  openaiApiKey: string | undefined;
  openaiBaseUrl: string | undefined;
  openaiModel: string;
  /** Cap on model calls per minute across all workers (BullMQ's global limiter); unset = no cap. */
  llmMaxRpm: number | undefined;
  /** How long one model call may take before it counts as failed (and is retried). */
  llmTimeoutMs: number;
  workerConcurrency: number;
  allowPrivateUrls: boolean;
  adminToken: string | undefined;
  /** Requests per minute per API key (per client IP without a valid key); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Browser origins allowed by CORS; empty = CORS off (no cross-origin browser access). */
  corsOrigins: readonly string[];
  logLevel: (typeof LOG_LEVELS)[number];
  queuePrefix: string;
  embeddedPgPort: number;
  embeddedRedisPort: number;
  shutdownGraceMs: number;
  /** BullMQ lock duration: a job whose worker died is retried about this long after its last renewal. */
  jobLockMs: number;
  /** Knowledge jobs one workspace may have pending or running at once; unset = no limit (429 beyond). */
  workspaceMaxQueuedJobs: number | undefined;
  /** Model tokens (prompt + completion) one workspace may spend per UTC day; unset = no limit. */
  workspaceMaxTokensPerDay: number | undefined;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment. Empty strings count as unset, so `FOO=` in a .env file means "use the default".
 * Throws one ConfigError naming every bad key.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') relevant[key] = value.trim();
  }
  const result = EnvSchema.safeParse(relevant);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      return `${key} ${issue.message} (got ${JSON.stringify(relevant[key])})`;
    });
    throw new ConfigError(problems);
  }
  const e = result.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    redisUrl: e.REDIS_URL,
    llmProvider: e.LLM_PROVIDER,
    openaiApiKey: e.OPENAI_API_KEY,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    openaiModel: e.OPENAI_MODEL,
    llmMaxRpm: e.LLM_MAX_RPM,
    llmTimeoutMs: e.LLM_TIMEOUT_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    allowPrivateUrls: e.ALLOW_PRIVATE_URLS,
    adminToken: e.ADMIN_TOKEN,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    corsOrigins: Object.freeze(e.CORS_ORIGINS ?? []),
    logLevel: e.LOG_LEVEL,
    queuePrefix: e.QUEUE_PREFIX,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    embeddedRedisPort: e.EMBEDDED_REDIS_PORT,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    jobLockMs: e.JOB_LOCK_MS,
    workspaceMaxQueuedJobs: e.WORKSPACE_MAX_QUEUED_JOBS,
    workspaceMaxTokensPerDay: e.WORKSPACE_MAX_TOKENS_PER_DAY,
  });
}

/** Loads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(file = '.env'): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
