// The candidate search of a generate job (src/knowledge/candidates-repo.ts) on a base where most articles
// share a page's common words: the match is found through the page's selective terms, and the search
// does not rank every article that shares a common word.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRepos } from '../src/deps.js';
import { createArticlesService } from '../src/knowledge/articles-service.js';
import { findCandidates } from '../src/knowledge/candidates-repo.js';
import { createFoldersService } from '../src/knowledge/folders-service.js';

let pool: pg.Pool;
let workspaceId: string;
let folderId: string;
const COMMON = 'account billing invoice payment subscription plan customer dashboard settings team'.split(
  ' ',
);
const FILLER = 2_000;

async function insertArticles(articles: { title: string; body: string }[]): Promise<string[]> {
  const ids = articles.map(() => randomUUID());
  await pool.query(
    `INSERT INTO articles (id, workspace_id, parent_folder_id, title, main_knowledge)
     SELECT t.id, $1, $2, t.title, t.body FROM unnest($3::uuid[], $4::text[], $5::text[]) AS t(id, title, body)`,
    [workspaceId, folderId, ids, articles.map((a) => a.title), articles.map((a) => a.body)],
  );
  return ids;
}

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
  const { rows } = await pool.query<{ id: string }>(
    'INSERT INTO workspaces (name) VALUES ($1) RETURNING id',
    [`ws-${randomUUID()}`],
  );
  workspaceId = rows[0]!.id;
  const folder = await pool.query<{ id: string }>(
    `INSERT INTO folders (workspace_id, title, description) VALUES ($1, 'Help', '') RETURNING id`,
    [workspaceId],
  );
  folderId = folder.rows[0]!.id;
  // Every filler article repeats the common words many times (ts_rank favours it over the right one).
  await insertArticles(
    Array.from({ length: FILLER }, (_, i) => ({
      title: `${COMMON[i % COMMON.length]} ${COMMON[(i + 3) % COMMON.length]} overview`,
      body: Array.from({ length: 6 }, () => COMMON.join(' ')).join('. '),
    })),
  );
  // The statistics the search reads its term frequencies from (autovacuum would, later).
  await pool.query('ANALYZE articles');
});

afterAll(async () => {
  await pool.query('DELETE FROM articles WHERE workspace_id = $1', [workspaceId]);
  await pool.query('DELETE FROM workspaces WHERE id = $1', [workspaceId]);
  await pool.end();
});

describe('candidate search', () => {
  it('finds the article that shares the page’s rare terms among thousands sharing its common words', async () => {
    const [rightId] = await insertArticles([
      {
        title: 'Ledgerlink sync with Quorvex',
        body: 'Connect Ledgerlink to Quorvex to sync the billing account. Ledgerlink retries a failed sync.',
      },
    ]);
    const candidates = await findCandidates(pool, workspaceId, {
      linkedArticleId: null,
      folderScope: undefined,
      title: 'Syncing Ledgerlink and Quorvex',
      body: `${COMMON.join(' ')} ${COMMON.join(' ')}\n\nLedgerlink and Quorvex sync the billing account every hour.`,
    });
    expect(candidates.map((candidate) => candidate.id)).toContain(rightId);
  });

  it('still offers candidates when no term of the page is rare (the top-up from the full query)', async () => {
    const candidates = await findCandidates(pool, workspaceId, {
      linkedArticleId: null,
      folderScope: undefined,
      title: 'Billing overview',
      body: COMMON.join(' '),
    });
    expect(candidates).toHaveLength(5);
  });

  it('is what the knowledge services hand other features: the same candidates and the folder choices', async () => {
    const query = {
      linkedArticleId: null,
      folderScope: undefined,
      title: 'Billing overview',
      body: COMMON.join(' '),
    };
    const direct = await findCandidates(pool, workspaceId, query);
    const repos = createRepos(pool);
    const articles = createArticlesService(pool, repos, {
      linkSourceToArticle: () => Promise.reject(new Error('nothing is published here')),
    });
    expect(await articles.findCandidates(workspaceId, query)).toEqual(direct);
    const folders = createFoldersService(pool, repos);
    expect((await folders.listFolderChoices(workspaceId)).map((choice) => choice.id)).toEqual([folderId]);
    expect(await folders.botFolderIds(workspaceId, randomUUID())).toBeUndefined();
  });
});
