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

/**
 * The environment variables Distill reads, with their defaults: the one list of keys. Each becomes the
 * camelCase key of Config (`OPENAI_API_KEY` → `openaiApiKey`). Keep `.env.example` and the README in step.
 */
const EnvSchema = z.object({
  PORT: integer(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:']).optional(),
  DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .transform((dir) => path.resolve(dir)),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:']).optional(),
  LLM_PROVIDER: z
    .enum(['auto', 'openai', 'offline'], { error: 'must be one of auto, openai, offline' })
    .default('auto'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: urlWithProtocols(['http:', 'https:']).optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** Cap on model calls per minute across all workers (BullMQ's global limiter); unset = no cap. */
  LLM_MAX_RPM: integer(1, 1_000_000).optional(),
  /** How long one model call may take before it counts as failed (and is retried). */
  LLM_TIMEOUT_MS: integer(1_000, 600_000).default(60_000),
  WORKER_CONCURRENCY: integer(1, 1000).default(16),
  ALLOW_PRIVATE_URLS: booleanString.default(false),
  ADMIN_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  /** Requests per minute per API key (per client IP without a valid key); 0 turns the limit off. */
  RATE_LIMIT_PER_MINUTE: integer(0, 1_000_000).default(600),
  /** Browser origins allowed by CORS; empty = CORS off (no cross-origin browser access). */
  CORS_ORIGINS: originList.default([]).transform((origins): readonly string[] => Object.freeze(origins)),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]+$/, { error: 'may contain only letters, digits, _, -, { and }' })
    .default('distill'),
  EMBEDDED_PG_PORT: integer(1, 65535).default(54329),
  EMBEDDED_REDIS_PORT: integer(1, 65535).default(56379),
  SHUTDOWN_GRACE_MS: integer(0, 600_000).default(20_000),
  /** BullMQ lock duration: a job whose worker died is retried about this long after its last renewal. */
  JOB_LOCK_MS: integer(1_000, 600_000).default(30_000),
  WORKSPACE_MAX_QUEUED_JOBS: integer(1, 10_000_000).optional(),
  WORKSPACE_MAX_TOKENS_PER_DAY: integer(1, 1_000_000_000_000).optional(),
});

type Env = z.output<typeof EnvSchema>;

/** Rules that span keys, checked with the rest before anything starts; each names the keys involved. */
function crossKeyProblems(e: Env): string[] {
  const problems: string[] = [];
  if (e.LLM_PROVIDER === 'openai' && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL)
    problems.push(
      'LLM_PROVIDER=openai needs OPENAI_API_KEY (for api.openai.com) or OPENAI_BASE_URL (for an OpenAI-compatible server); set one, or use LLM_PROVIDER=offline',
    );
  // The embedded servers run only for the URL that is unset; their ports must not clash with the API's.
  const ports: [string, number][] = [['PORT', e.PORT]];
  if (!e.DATABASE_URL) ports.push(['EMBEDDED_PG_PORT', e.EMBEDDED_PG_PORT]);
  if (!e.REDIS_URL) ports.push(['EMBEDDED_REDIS_PORT', e.EMBEDDED_REDIS_PORT]);
  for (let a = 0; a < ports.length; a += 1)
    for (let b = a + 1; b < ports.length; b += 1)
      if (ports[a]![1] !== 0 && ports[a]![1] === ports[b]![1])
        problems.push(`${ports[a]![0]} and ${ports[b]![0]} are both ${ports[a]![1]}; give each its own port`);
  return problems;
}

/** `OPENAI_API_KEY` → `openaiApiKey`. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}`
  : Lowercase<S>;

const camelCase = (key: string): string =>
  key.toLowerCase().replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

export type Config = Readonly<{ [K in keyof Env as CamelCase<K & string>]: Env[K] }>;

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
  const problems = crossKeyProblems(result.data);
  if (problems.length > 0) throw new ConfigError(problems);
  // Every key, unset ones as undefined, so a config always has the same shape.
  const parsed: Record<string, unknown> = result.data;
  const config: Record<string, unknown> = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((key) => [camelCase(key), parsed[key]]),
  );
  return Object.freeze(config) as Config;
}

/** Loads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(file = '.env'): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
