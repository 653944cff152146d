// `distill <command>`: run a role, apply migrations, or manage API keys (docs/api.md §1: no HTTP route manages keys).
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createPool } from './lib/db.js';
import { openDatabase } from './lib/infrastructure.js';
import { createLogger } from './lib/logger.js';
import { runMigrations } from './lib/migrate.js';
import { createKeysRepo } from './keys/keys-repo.js';
import { createKeysService, SCOPES, type KeysService, type Scope } from './keys/keys-service.js';
import { loadConfigOrExit, runRole } from './main.js';
import { syncCommand } from './sync/sync-cli.js';

const USAGE = `Usage: distill <command>

  all | api | worker                         run a role (npm start runs "all")
  migrate                                    apply database migrations
  keys create --workspace NAME [--scopes read,write]
                                             create an API key (printed once, as the last line)
  keys list                                  list API keys (never their secrets)
  keys revoke ID                             revoke an API key
  sync [--wait] [--add-new] [--url URL]      start a sync run on a running server (key: DISTILL_API_KEY);
                                             --wait follows it to the end (exit 1 if it failed)
`;

class UsageError extends Error {}

function parseScopes(text: string): Scope[] {
  const scopes = [
    ...new Set(
      text
        .split(',')
        .map((scope) => scope.trim())
        .filter(Boolean),
    ),
  ];
  if (scopes.length === 0 || scopes.some((scope) => !SCOPES.includes(scope as Scope))) {
    throw new UsageError(`--scopes must be a comma-separated list of ${SCOPES.join(', ')} (got "${text}")`);
  }
  return scopes as Scope[];
}

/** Opens the database (the running server's embedded one, or its own), migrates, runs `fn`, closes. */
async function withDatabase<T>(
  fn: (keys: KeysService, appliedMigrations: string[]) => Promise<T>,
): Promise<T> {
  const config = loadConfigOrExit();
  // Logs go to stderr at warn level, so stdout carries only the command's output.
  const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'warn');
  const database = await openDatabase(config, logger);
  const pool = createPool(database.url, 2, logger);
  try {
    const applied = await runMigrations(database.url, logger);
    return await fn(createKeysService(pool, createKeysRepo(pool), logger), applied);
  } finally {
    await pool.end();
    await database.stop();
  }
}

async function keysCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: { workspace: { type: 'string' }, scopes: { type: 'string' } },
    });
    const workspace = values.workspace?.trim();
    if (!workspace) throw new UsageError('keys create needs --workspace NAME');
    const scopes = parseScopes(values.scopes ?? 'read,write');
    const created = await withDatabase((keys) => keys.createKey(workspace, scopes));
    console.log(
      `Created key ${created.id} (${created.prefix}…) for workspace "${created.workspaceName}" (${created.workspaceId}) with scopes ${created.scopes.join(',')}.`,
    );
    console.log('The key is shown once; store it now:');
    console.log(created.key);
    return;
  }
  if (action === 'list') {
    const rows = await withDatabase((keys) => keys.list());
    if (rows.length === 0) console.log('No API keys.');
    for (const row of rows) {
      const state = row.revokedAt ? `revoked ${row.revokedAt.toISOString()}` : 'active';
      const used = row.lastUsedAt ? row.lastUsedAt.toISOString() : 'never';
      console.log(
        `${row.id}  ${row.prefix}…  workspace=${row.workspaceName}  scopes=${row.scopes.join(',')}  ${state}  last used ${used}`,
      );
    }
    return;
  }
  if (action === 'revoke') {
    const id = rest[0];
    if (!id || !/^[0-9a-f-]{36}$/i.test(id))
      throw new UsageError('keys revoke needs the key ID (a UUID, as shown by "keys list")');
    const outcome = await withDatabase((keys) => keys.revoke(id));
    if (outcome === 'unknown') throw new UsageError(`no API key with ID ${id}`);
    console.log(outcome === 'revoked' ? `Revoked key ${id}.` : `Key ${id} was already revoked.`);
    return;
  }
  throw new UsageError(`unknown keys command "${action ?? ''}"`);
}

function syncOptions(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      wait: { type: 'boolean', default: false },
      'add-new': { type: 'boolean', default: false },
      url: { type: 'string' },
    },
  });
  const key = process.env.DISTILL_API_KEY;
  if (!key) throw new UsageError('sync needs an API key with the write scope in DISTILL_API_KEY');
  const url = values.url ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
  if (!URL.canParse(url)) throw new UsageError(`--url must be a URL (got "${url}")`);
  return { url, key, wait: values.wait, addNew: values['add-new'] };
}

export async function runCli(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'all':
      case 'api':
      case 'worker':
        await runRole(command);
        return;
      case 'migrate': {
        const applied = await withDatabase((_keys, appliedMigrations) => Promise.resolve(appliedMigrations));
        console.log(
          applied.length > 0
            ? `Applied ${applied.length} migration(s): ${applied.join(', ')}.`
            : 'Migrations are up to date.',
        );
        return;
      }
      case 'keys':
        await keysCommand(args);
        return;
      case 'sync':
        process.exitCode = await syncCommand(syncOptions(args));
        return;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`distill: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`distill: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

// `node dist/cli.js <command>` (the Docker image) runs this file directly; bin/distill.js imports it.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runCli(process.argv.slice(2));
}
