// Denial of service through the tree import: a 90,000-title path cost two queries per title while holding
// the workspace lock and a pool connection; an import behind a busy lock waited with its connection held.
// Now depth and total titles are capped, folders are found and created a level at a time, and a busy lock
// answers 409 at once — while /healthz keeps answering.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestContext, TestKey } from './helpers/app.js';
import { HEALTHZ_MAX_GAP_MS, startAbuseApp, whilePolling } from './helpers/healthz-poller.js';

let ctx: TestContext;
let baseUrl: string;
beforeAll(async () => {
  ({ ctx, baseUrl } = await startAbuseApp());
});
afterAll(() => ctx.close());

const HEADER = 'type,folder_path,title,description';

async function upload(key: TestKey, csv: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'tree.csv');
  const response = await fetch(`${baseUrl}/v2/knowledge/public/tree/persist`, {
    method: 'POST',
    headers: key.header,
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const folderCount = async (key: TestKey) =>
  Number(
    (
      await ctx.deps.pool.query<{ count: string }>('SELECT count(*) FROM folders WHERE workspace_id = $1', [
        key.workspaceId,
      ])
    ).rows[0]!.count,
  );

describe('tree import abuse', () => {
  it('refuses a 90,000-title path with 400 naming the line, writing nothing', async () => {
    const key = await ctx.createKey();
    const csv = `${HEADER}\narticle,${'a/'.repeat(90_000)},Deep,Body\n`;
    const { result, healthz } = await whilePolling('abuse-tree-import depth', baseUrl, () =>
      upload(key, csv),
    );
    expect(result).toMatchObject({
      status: 400,
      body: {
        code: 'VALIDATION',
        message:
          'file line 2, column folder_path: nests folders 90000 levels deep; at most 10 levels are allowed',
      },
    });
    expect(await folderCount(key)).toBe(0);
    expect(healthz.maxGapMs).toBeLessThan(HEALTHZ_MAX_GAP_MS);
  });

  it('refuses a file that names more than 20,000 path titles in all', async () => {
    const key = await ctx.createKey();
    const path = Array.from({ length: 10 }, (_, level) => `L${level}`).join('/');
    const rows = Array.from({ length: 2_001 }, (_, index) => `article,${path},T${index},Body`);
    const { result } = await whilePolling('abuse-tree-import segments', baseUrl, () =>
      upload(key, [HEADER, ...rows].join('\n')),
    );
    expect(result.status).toBe(400);
    expect(result.body.message).toBe(
      'file line 2002, column folder_path: the file names more than 20000 folder path titles in all; split it into smaller files',
    );
    expect(await folderCount(key)).toBe(0);
  });

  it('creates 2,700 folders nine levels deep in a few dozen queries, not two per folder', async () => {
    const key = await ctx.createKey();
    const rows = Array.from(
      { length: 300 },
      (_, index) =>
        `folder,${Array.from({ length: 8 }, (_, level) => `Branch ${index} level ${level}`).join('/')},Leaf,`,
    );
    const queries = vi.spyOn(pg.Client.prototype, 'query');
    try {
      const { result, healthz } = await whilePolling('abuse-tree-import 2700 folders', baseUrl, () =>
        upload(key, [HEADER, ...rows].join('\n')),
      );
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ foldersCreated: 2_700, articlesCreated: 0 });
      expect(healthz.maxGapMs).toBeLessThan(HEALTHZ_MAX_GAP_MS);
      // Per level: one lookup and one insert; plus auth, the transaction and the lock.
      console.info(`[abuse-tree-import 2700 folders] ${queries.mock.calls.length} queries`);
      expect(queries.mock.calls.length).toBeLessThan(50);
    } finally {
      queries.mockRestore();
    }
    expect(await folderCount(key)).toBe(2_700);
  });

  it('answers 409 at once while the workspace tree lock is held, instead of waiting for it', async () => {
    const key = await ctx.createKey();
    const holder = await ctx.deps.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT pg_advisory_xact_lock(hashtextextended('distill:folder-tree:' || $1, 0))", [
        key.workspaceId,
      ]);
      // Released after 5 s whatever happens, so an import that waits still ends (with 200, failing here).
      const release = setTimeout(() => void holder.query('ROLLBACK'), 5_000);
      const { result, healthz } = await whilePolling('abuse-tree-import busy lock', baseUrl, () =>
        upload(key, `${HEADER}\nfolder,,Billing,\n`),
      );
      clearTimeout(release);
      expect(result).toMatchObject({
        status: 409,
        body: {
          code: 'CONFLICT',
          message:
            'another tree import or folder move is running in this workspace; try again when it has finished',
        },
      });
      expect(healthz.maxGapMs).toBeLessThan(HEALTHZ_MAX_GAP_MS);
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
    }
    expect((await upload(key, `${HEADER}\nfolder,,Billing,\n`)).status).toBe(200);
  });
});
