// What a decision is made against: the existing live articles that may already cover the source (the
// linked one first, then the best full-text matches) and the folders a new article can go into. Other
// features read them through the knowledge services (articles.findCandidates, folders.listFolderChoices,
// folders.botFolderIds), not these queries.
import { prepared, type Queryable } from '../lib/db.js';
import { STOP_WORDS } from '../lib/stop-words.js';
import type { CandidateArticle, FolderChoice } from '../writers/writer.js';

export const CANDIDATE_LIMIT = 5;
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

/** Folders assigned to the bot and all their subfolders; undefined when the bot has none. */
export async function botFolderIds(
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

/** The source a candidate search is for, and the folders it may look in (undefined: all of them). */
export interface CandidateQuery {
  linkedArticleId: string | null;
  title: string;
  body: string;
  folderScope: string[] | undefined;
}

export async function findCandidates(
  db: Queryable,
  workspaceId: string,
  options: CandidateQuery,
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
    const frequent = await frequentLexemes(db);
    const { rows } = await db.query<ArticleRow>({
      ...CANDIDATE_QUERY,
      values: [
        workspaceId,
        terms.join(' '),
        options.linkedArticleId,
        options.folderScope ?? null,
        CANDIDATE_LIMIT - candidates.length,
        frequent,
        TOP_UP_SCAN_LIMIT,
      ],
    });
    candidates.push(...rows.map((row) => ({ ...row, linked: false })));
  }
  return candidates;
}

/**
 * An OR of a page's terms matches most of a knowledge base, and ranking every match grows with the base
 * (~3 ms of PostgreSQL CPU at 300 live articles, ~230 ms at 50,000). So matches are found through the
 * page's selective terms only: those that PostgreSQL's statistics of the `search` column
 * (most_common_elems, kept by ANALYZE) do not show in more than RARE_TERM_MAX_ARTICLES articles or
 * RARE_TERM_MAX_SHARE of them. Each such term matches about that many articles at most, so the GIN index
 * hands over a bounded set whatever the size of the base, and ts_rank over every term of the page orders
 * it. (Cover density, ts_rank_cd, ordered worse on the bench's corpus — recall 0.73 against 0.95 at 300
 * articles — and cost more: about 0.2 ms per article ranked.)
 *
 * When the selective terms find fewer than the candidates wanted (a page without one, or a small
 * workspace in a large table), the shortlist is topped up, below them, from the first TOP_UP_SCAN_LIMIT
 * matches of the full query, ranked. The top-up matches with ts_match_vq (the function behind @@), which
 * no index serves: the planner cannot know how selective a query built at run time is, and through the
 * GIN index even the first 500 matches cost a bitmap of every match in the table, while through the
 * workspace's rows they cost about 500 rows. Its scan is skipped at run time when not needed (a one-time
 * filter).
 *
 * Lexemes come from PostgreSQL (to_tsvector), so the filter and the stored vectors stem alike; only
 * letters and digits reach the query (queryTerms), so page text cannot inject tsquery syntax.
 */
const CANDIDATE_QUERY = prepared(`
  WITH lexemes AS (
    SELECT DISTINCT l.lexeme FROM unnest(to_tsvector('english', $2)) AS l),
  query AS (
    SELECT to_tsquery('simple', string_agg(lexeme, ' | ')) AS full_query,
      to_tsquery('simple', coalesce(string_agg(lexeme, ' | ') FILTER (WHERE lexeme <> ALL ($6::text[])), '')) AS rare_query
    FROM lexemes),
  scope AS NOT MATERIALIZED (
    SELECT a.id, a.search FROM articles a
    WHERE a.workspace_id = $1 AND NOT a.is_draft
      AND ($3::uuid IS NULL OR a.id <> $3) AND ($4::uuid[] IS NULL OR a.parent_folder_id = ANY($4))),
  selective AS (
    SELECT s.id, ts_rank(s.search, q.full_query) AS rank FROM scope s, query q WHERE s.search @@ q.rare_query
    ORDER BY rank DESC, s.id LIMIT $5),
  top_up AS (
    SELECT m.id, ts_rank(m.search, q.full_query) AS rank FROM (
      SELECT s.id, s.search FROM scope s, query q
      WHERE (SELECT count(*) FROM selective) < $5 AND ts_match_vq(s.search, q.full_query)
        AND s.id NOT IN (SELECT id FROM selective)
      LIMIT $7) m, query q
    ORDER BY rank DESC, m.id LIMIT $5),
  shortlist AS (SELECT id, rank, 0 AS tier FROM selective UNION ALL SELECT id, rank, 1 FROM top_up)
  SELECT ${ARTICLE_COLUMNS}
  FROM shortlist s JOIN articles a ON a.id = s.id
  ORDER BY s.tier, s.rank DESC, a.id
  LIMIT $5`);

/** How many matches of the full query a top-up ranks at most (all of them on a small base). */
const TOP_UP_SCAN_LIMIT = 500;
/**
 * A lexeme in more articles than this (or in more than this share of them) is not used to find
 * candidates (see CANDIDATE_QUERY). The share keeps a small base from ranking nearly every article: on
 * 300 articles a word in more than 15 of them tells little about which one a page is about.
 */
const RARE_TERM_MAX_ARTICLES = 200;
const RARE_TERM_MAX_SHARE = 0.05;
const STATISTICS_TTL_MS = 5 * 60_000;
const frequentCache = new WeakMap<Queryable, { lexemes: string[]; readAt: number }>();

/**
 * The lexemes ANALYZE found in more than RARE_TERM_MAX_ARTICLES articles or RARE_TERM_MAX_SHARE of them
 * (the whole table: the GIN index
 * is shared by every workspace, so that is what a scan costs). Read at most every few minutes per
 * connection pool: statistics move slowly, and a stale list only makes the filter a little wider or
 * narrower. Empty before the first ANALYZE, which makes every term selective.
 */
async function frequentLexemes(db: Queryable): Promise<string[]> {
  const cached = frequentCache.get(db);
  if (cached && Date.now() - cached.readAt < STATISTICS_TTL_MS) return cached.lexemes;
  const { rows } = await db.query<{ lexeme: string }>(
    `SELECT e.lexeme
     FROM pg_stats s, pg_class c,
       unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, freq)
     WHERE s.schemaname = current_schema() AND s.tablename = 'articles' AND s.attname = 'search'
       AND c.oid = 'articles'::regclass AND e.lexeme IS NOT NULL
       AND (e.freq * c.reltuples > $1 OR e.freq > $2)`,
    [RARE_TERM_MAX_ARTICLES, RARE_TERM_MAX_SHARE],
  );
  const lexemes = rows.map((row) => row.lexeme);
  frequentCache.set(db, { lexemes, readAt: Date.now() });
  return lexemes;
}

/** Articles per folder whose titles and keywords describe what the folder holds. */
const FOLDER_SAMPLE = 10;

/**
 * Active folders with their path from the root, in tree order (stable across a batch), each with what
 * it already holds (a few article titles and their keywords): a folder's title alone often does not
 * say what belongs in it. Only those in `scope` when given (a bot's folders).
 */
export async function listFolderChoices(
  db: Queryable,
  workspaceId: string,
  scope?: string[],
): Promise<FolderChoice[]> {
  const { rows } = await db.query<FolderChoice>({
    ...FOLDER_CHOICES,
    values: [workspaceId, FOLDER_LIMIT, FOLDER_SAMPLE, scope ?? null],
  });
  return rows;
}

// Every job lists the folders: parsed once per connection (lib/db.ts, prepared).
const FOLDER_CHOICES = prepared(
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
     WHERE t.active AND ($4::uuid[] IS NULL OR t.id = ANY($4)) ORDER BY t.sort LIMIT $2`,
);
