import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

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

export interface LoggerOptions {
  /** Human-readable lines instead of JSON; by default when logging to a terminal. */
  pretty?: boolean;
}

/**
 * JSON lines to stdout (or to `destination`: tests read the log), so log collectors can parse them; a
 * person at a terminal gets one readable line per entry instead. Pretty printing runs in this thread
 * (`sync`), so the last lines before an exit are not lost.
 */
export function createLogger(
  level: string,
  destination?: DestinationStream,
  options: LoggerOptions = {},
): Logger {
  const settings = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  const human = options.pretty ?? (destination === undefined && process.stdout.isTTY === true);
  if (human) {
    const stream = pretty({
      destination: destination ?? 1,
      sync: true,
      colorize: destination === undefined,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    });
    return pino(settings, stream);
  }
  return destination ? pino(settings, destination) : pino(settings);
}
