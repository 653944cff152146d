// The installation id (one row, made by the first migration) and what is derived from it: the default
// queue prefix, so two installs sharing one Redis (e.g. 127.0.0.1:6379) keep their jobs apart.
import pg from 'pg';
import type { Config } from '../config.js';

export async function readInstallationId(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM installation');
    if (!rows[0]) throw new Error('the installation table is empty: the migrations did not run');
    return rows[0].id;
  } finally {
    await client.end();
  }
}

/** `distill-` and the first 12 hex digits of the id: short in Redis keys, unique enough per machine. */
export function queuePrefixFor(installationId: string): string {
  return `distill-${installationId.replaceAll('-', '').slice(0, 12)}`;
}

/** QUEUE_PREFIX when set; else the prefix of this database's installation. */
export async function withQueuePrefix(config: Config, databaseUrl: string): Promise<Config> {
  if (config.queuePrefixConfigured) return config;
  return Object.freeze({ ...config, queuePrefix: queuePrefixFor(await readInstallationId(databaseUrl)) });
}
