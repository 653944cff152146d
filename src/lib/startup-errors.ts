// Start-up failures a person can act on, said once and in plain words: which service, which address,
// which variable to check. Anything else keeps its own message.
import type { Config } from '../config.js';

/** A start-up failure already worded for the person reading it (no stack trace needed). */
export class StartupError extends Error {
  override name = 'StartupError';
}

type SystemError = Error & { code?: string; address?: string; port?: number; hostname?: string };

const where = (error: SystemError, fallback: string) =>
  error.address ? `${error.address}${error.port ? `:${error.port}` : ''}` : (error.hostname ?? fallback);

/** PostgreSQL (DATABASE_URL, or the embedded server on EMBEDDED_PG_PORT) could not be used. */
export function postgresError(error: unknown, config: Config): Error {
  if (!(error instanceof Error)) return new StartupError(`PostgreSQL: ${String(error)}`);
  const system = error as SystemError;
  const target = config.databaseUrl
    ? `PostgreSQL at ${where(system, safeHost(config.databaseUrl))} (DATABASE_URL)`
    : `the embedded PostgreSQL on 127.0.0.1:${config.embeddedPgPort} (EMBEDDED_PG_PORT)`;
  switch (system.code) {
    case 'ECONNREFUSED':
      return new StartupError(`${target} refused the connection: is it running? Check DATABASE_URL.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`${target}: host not found. Check DATABASE_URL.`);
    case 'ETIMEDOUT':
      return new StartupError(`${target} did not answer in time. Check DATABASE_URL and the network.`);
    case '28P01':
    case '28000':
      return new StartupError(`${target} refused the user or password in DATABASE_URL.`);
    case '3D000':
      return new StartupError(`${target}: the database in DATABASE_URL does not exist; create it first.`);
    default:
      return error.name === 'EmbeddedStartError' ? error : new StartupError(`${target}: ${error.message}`);
  }
}

/** The HTTP port could not be taken. */
export function listenError(error: unknown, config: Config): Error {
  const code = (error as SystemError | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new StartupError(
      `port ${config.port} on ${config.host} is already in use (PORT=${config.port}): stop the other process, or set PORT to a free port.`,
    );
  if (code === 'EACCES')
    return new StartupError(`not allowed to listen on port ${config.port} (PORT): choose a port above 1023.`);
  return error instanceof Error ? error : new Error(String(error));
}

function safeHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}`;
  } catch {
    return 'DATABASE_URL';
  }
}
