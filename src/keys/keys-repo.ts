import { prepared, type Queryable } from '../lib/db.js';

export type Scope = 'read' | 'write';

export interface ApiKeyRow {
  id: string;
  workspaceId: string;
  workspaceName: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const KEY_COLUMNS = `k.id, k.workspace_id AS "workspaceId", w.name AS "workspaceName", k.prefix, k.scopes,
  k.created_at AS "createdAt", k.last_used_at AS "lastUsedAt", k.revoked_at AS "revokedAt"`;

// Every request with a key not cached (key-cache.ts) runs it: parsed once per connection (lib/db.ts).
const FIND_ACTIVE_BY_HASH = prepared(
  `SELECT ${KEY_COLUMNS} FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
   WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
);

// API keys are not workspace data (the CLI manages them across workspaces), so this repository is the one
// place whose queries are not scoped by a workspace id.
export function createKeysRepo(db: Queryable) {
  return {
    async upsertWorkspace(name: string, tx: Queryable = db): Promise<string> {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO workspaces (name) VALUES ($1)
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
        [name],
      );
      return rows[0]!.id;
    },

    async countWorkspaces(tx: Queryable = db): Promise<number> {
      const { rows } = await tx.query<{ count: number }>('SELECT count(*)::int AS count FROM workspaces');
      return rows[0]!.count;
    },

    async insert(
      workspaceId: string,
      prefix: string,
      keyHash: Buffer,
      scopes: Scope[],
      tx: Queryable = db,
    ): Promise<string> {
      const { rows } = await tx.query<{ id: string }>(
        'INSERT INTO api_keys (workspace_id, prefix, key_hash, scopes) VALUES ($1, $2, $3, $4) RETURNING id',
        [workspaceId, prefix, keyHash, scopes],
      );
      return rows[0]!.id;
    },

    async findActiveByHash(keyHash: Buffer): Promise<ApiKeyRow | undefined> {
      const { rows } = await db.query<ApiKeyRow>({ ...FIND_ACTIVE_BY_HASH, values: [keyHash] });
      return rows[0];
    },

    async list(): Promise<ApiKeyRow[]> {
      const { rows } = await db.query<ApiKeyRow>(
        `SELECT ${KEY_COLUMNS} FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
         ORDER BY w.name, k.created_at`,
      );
      return rows;
    },

    async revoke(id: string): Promise<'revoked' | 'already-revoked' | 'unknown'> {
      const { rows } = await db.query<{ wasRevoked: boolean }>(
        `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
         RETURNING (revoked_at < now()) AS "wasRevoked"`,
        [id],
      );
      if (rows.length === 0) return 'unknown';
      return rows[0]!.wasRevoked ? 'already-revoked' : 'revoked';
    },

    async touch(id: string): Promise<void> {
      await db.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [id]);
    },
  };
}

export type KeysRepo = ReturnType<typeof createKeysRepo>;
