// What a decision is made against: the existing live articles that may already cover the source (the
// linked one first, then the best full-text matches) and the folders a new article can go into.
import type { Queryable } from '../lib/db.js';
import { STOP_WORDS } from '../lib/stop-words.js';
import type { CandidateArticle, FolderChoice } from '../writers/writer.js';

export const CANDIDATE_LIMIT = 5;
/** Full-text matches ranked cheaply (ts_rank) before cover density orders them; see findCandidates. */
const SHORTLIST_LIMIT = 50;
export const FOLDER_LIMIT = 200;
const QUERY_TERMS = 24;

/**
 * The most telling terms of a text for an OR full-text query: title words first, then the most frequent
 * other words. Only letters and digits reach the query, so page text cannot inject tsquery syntax.
 */
export function queryTerms(title: string, body: string): string[] {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
  const terms = new Set(words(title).filter((word) => !STOP_WORDS.has(word)));
  const counts = new Map<string, number>();
  for (const word of words(body)) if (!STOP_WORDS.has(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
  for (const [word] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    if (terms.size >= QUERY_TERMS) break;
    terms.add(word);
  }
  return [...terms].slice(0, QUERY_TERMS);
}

type ArticleRow = Omit<CandidateArticle, 'linked'>;

const ARTICLE_COLUMNS = `a.id, a.title, a.main_knowledge AS "mainKnowledge", a.questions, a.keywords,
  a.parent_folder_id AS "parentFolderId", a.version`;

/** Folders assigned to the agent and all their subfolders; undefined when the agent has none. */
export async function agentFolderIds(
  db: Queryable,
  workspaceId: string,
  botId: string | null,
): Promise<string[] | undefined> {
  if (!botId) return undefined;
  const { rows } = await db.query<{ id: string }>(
    `WITH RECURSIVE scope AS (
       SELECT f.id FROM folders f JOIN bot_folders b ON b.folder_id = f.id
       WHERE b.workspace_id = $1 AND b.bot_id = $2
       UNION
       SELECT f.id FROM folders f JOIN scope s ON f.parent_id = s.id WHERE f.workspace_id = $1)
     SELECT id FROM scope`,
    [workspaceId, botId],
  );
  return rows.length > 0 ? rows.map((row) => row.id) : undefined;
}

export async function findCandidates(
  db: Queryable,
  workspaceId: string,
  options: { linkedArticleId: string | null; title: string; body: string; folderScope: string[] | undefined },
): Promise<CandidateArticle[]> {
  const candidates: CandidateArticle[] = [];
  if (options.linkedArticleId) {
    const { rows } = await db.query<ArticleRow>(
      `SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.workspace_id = $1 AND a.id = $2 AND NOT a.is_draft`,
      [workspaceId, options.linkedArticleId],
    );
    if (rows[0]) candidates.push({ ...rows[0], linked: true });
  }
  const terms = queryTerms(options.title, options.body);
  if (terms.length > 0) {
    // An OR of a page's terms matches most of a knowledge base, and cover density (ts_rank_cd) over
    // every match cost ~10 ms of PostgreSQL CPU per job at 300 articles, growing with the base
    // (bench/README.md, workerThroughput). ts_rank, ~8x cheaper, picks a shortlist; cover density
    // still orders it (the same top 5 on the benchmark's corpus).
    const { rows } = await db.query<ArticleRow>(
      `WITH shortlist AS (
         SELECT ${ARTICLE_COLUMNS}, a.search, query
         FROM articles a, to_tsquery('english', $2) AS query
         WHERE a.workspace_id = $1 AND NOT a.is_draft AND a.search @@ query
           AND ($3::uuid IS NULL OR a.id <> $3)
           AND ($4::uuid[] IS NULL OR a.parent_folder_id = ANY($4))
         ORDER BY ts_rank(a.search, query) DESC, a.id
         LIMIT $6)
       SELECT id, title, "mainKnowledge", questions, keywords, "parentFolderId", version
       FROM shortlist
       ORDER BY ts_rank_cd(search, query) DESC, id
       LIMIT $5`,
      [
        workspaceId,
        terms.join(' | '),
        options.linkedArticleId,
        options.folderScope ?? null,
        CANDIDATE_LIMIT - candidates.length,
        SHORTLIST_LIMIT,
      ],
    );
    candidates.push(...rows.map((row) => ({ ...row, linked: false })));
  }
  return candidates;
}

/** Articles per folder whose titles and keywords describe what the folder holds. */
const FOLDER_SAMPLE = 10;

/**
 * Active folders with their path from the root, in tree order (stable across a batch), each with what
 * it already holds (a few article titles and their keywords): a folder's title alone often does not
 * say what belongs in it. Only those in `scope` when given (an agent's folders).
 */
export async function listFolderChoices(
  db: Queryable,
  workspaceId: string,
  scope?: string[],
): Promise<FolderChoice[]> {
  const { rows } = await db.query<FolderChoice>(
    `WITH RECURSIVE tree AS (
       SELECT id, title::text AS path, description, active, ARRAY[created_at::text, id::text] AS sort
       FROM folders WHERE workspace_id = $1 AND parent_id IS NULL
       UNION ALL
       SELECT f.id, t.path || ' / ' || f.title, f.description, t.active AND f.active, t.sort || ARRAY[f.created_at::text, f.id::text]
       FROM folders f JOIN tree t ON f.parent_id = t.id)
     SELECT t.id, t.path, t.description,
       coalesce(held.titles, '{}') AS "articleTitles", coalesce(held.keywords, '{}') AS "articleKeywords"
     FROM tree t
     LEFT JOIN LATERAL (
       SELECT array_agg(DISTINCT s.title) AS titles,
         array_agg(DISTINCT k) FILTER (WHERE k IS NOT NULL) AS keywords
       FROM (SELECT title, keywords FROM articles
             WHERE workspace_id = $1 AND parent_folder_id = t.id AND NOT is_draft
             ORDER BY updated_at DESC LIMIT $3) s
       LEFT JOIN LATERAL unnest(s.keywords) AS k ON true) held ON true
     WHERE t.active AND ($4::uuid[] IS NULL OR t.id = ANY($4))
     ORDER BY t.sort LIMIT $2`,
    [workspaceId, FOLDER_LIMIT, FOLDER_SAMPLE, scope ?? null],
  );
  return rows;
}
