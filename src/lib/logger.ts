import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths that must never reach a log line: API keys in headers, model credentials in config. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'config.openaiApiKey',
  'config.adminToken',
  'openaiApiKey',
  'apiKey',
];

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  });
}
