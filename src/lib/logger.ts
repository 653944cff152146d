import { pino, type DestinationStream, type Logger } from 'pino';

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

/** JSON lines to stdout, or to `destination` (tests read the log). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  return destination ? pino(options, destination) : pino(options);
}
