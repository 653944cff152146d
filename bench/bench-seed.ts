// Benchmark data written straight to PostgreSQL, shaped exactly as the service leaves it: sources as a
// completed ingestion leaves them (content, hash, a COMPLETED ingest job), folders, live articles. The
// text is generated from a fixed seed: every source is different (no accidental decision reuse), and
// sources and articles share a help-center vocabulary, so the full-text candidate search finds matches.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { contentHash } from '../src/sources/fetch/extract.js';

const VOCABULARY = `account access admin agent alert analytics api app approval archive article assign audit
  autopay backup balance billing bot browser budget bulk calendar card cancel change channel charge chat
  checkout client code comment company config connect contact contract cookie coupon credit csv customer
  dashboard data date deadline delete delivery deploy device discount document domain download draft
  email embed error escalate event export feature field file filter folder form gateway guide history
  holiday import inbox integration invoice invite key label language license limit link locale login
  mailbox member message migrate mobile module monthly notification order owner package page password
  payment payout permission phone plan policy portal price privacy profile project purchase queue quota
  receipt record refund region reminder renewal report request reset restore role rule schedule scope
  search security seat server session setting shipping signup single sso status storage subscription
  support survey sync tag tax team template ticket timezone token trial upgrade upload usage user
  verify version webhook widget workflow workspace yearly`
  .split(/\s+/)
  .filter(Boolean);

const CONNECTORS = 'the a your our each every this that when if then to from with for in on by and or'.split(
  ' ',
);

/** mulberry32: a tiny seeded PRNG, so every run writes the same text. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TextMaker {
  words(count: number): string[];
  sentence(): string;
  paragraph(sentences?: number): string;
  title(): string;
}

export function textMaker(seed: number): TextMaker {
  const random = seededRandom(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const words = (count: number) => Array.from({ length: count }, () => pick(VOCABULARY));
  const sentence = () => {
    const length = 8 + Math.floor(random() * 10);
    const parts = Array.from({ length }, (_, i) => (i % 3 === 1 ? pick(CONNECTORS) : pick(VOCABULARY)));
    const text = parts.join(' ');
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
  };
  return {
    words,
    sentence,
    paragraph: (sentences = 3 + Math.floor(random() * 3)) =>
      Array.from({ length: sentences }, sentence).join(' '),
    title: () => {
      const text = words(3 + Math.floor(random() * 3)).join(' ');
      return `${text[0]!.toUpperCase()}${text.slice(1)}`;
    },
  };
}

/** A help-center page's worth of text: a title and 6–9 paragraphs (about 2.5–4 KB). */
export function pageText(maker: TextMaker, index: number): { title: string; paragraphs: string[] } {
  const title = `${maker.title()} ${index}`;
  const count = 6 + (index % 4);
  const paragraphs = Array.from({ length: count }, (_, i) =>
    i % 3 === 2 ? `## ${maker.title()}` : maker.paragraph(),
  );
  return { title, paragraphs };
}

/** Sources as a completed web ingestion leaves them; returns their IDs in order. */
export async function insertIngestedSources(
  pool: pg.Pool,
  workspaceId: string,
  count: number,
  options: { tag: string; seed: number },
): Promise<string[]> {
  const maker = textMaker(options.seed);
  const ids: string[] = [];
  const rows = Array.from({ length: count }, (_, i) => {
    const { title, paragraphs } = pageText(maker, i);
    const id = randomUUID();
    ids.push(id);
    const url = `https://help.bench.example/${options.tag}/${i}`;
    return { id, url, title, paragraphs, hash: contentHash(paragraphs) };
  });
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    await pool.query(
      `WITH s AS (
         INSERT INTO sources (id, workspace_id, source_type, external_id, original_url, title, mime_type,
           paragraphs, content_hash, success, error, fetched_at)
         SELECT t.id, $1, 'web', t.url, t.url, t.title, 'text/html', t.paragraphs::text[], t.hash, true, '', now()
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[])
           AS t(id, url, title, paragraphs, hash)
         RETURNING id),
       j AS (
         INSERT INTO ingest_jobs (workspace_id, source_id, status, attempts, started_at, completed_at)
         SELECT $1, id, 'COMPLETED', 1, now(), now() FROM s
         RETURNING id, source_id)
       UPDATE sources SET linked_job_id = j.id FROM j WHERE sources.id = j.source_id`,
      [
        workspaceId,
        chunk.map((row) => row.id),
        chunk.map((row) => row.url),
        chunk.map((row) => row.title),
        // A text[] per row travels as its array literal, cast back above.
        chunk.map((row) => toArrayLiteral(row.paragraphs)),
        chunk.map((row) => row.hash),
      ],
    );
  }
  return ids;
}

function toArrayLiteral(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

export async function insertFolder(pool: pg.Pool, workspaceId: string, title: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO folders (workspace_id, title, description) VALUES ($1, $2, $3) RETURNING id`,
    [workspaceId, title, `Everything about ${title.toLowerCase()}.`],
  );
  return rows[0]!.id;
}

/** Live articles written by hand (origin manual), spread over `folderIds`. */
export async function insertLiveArticles(
  pool: pg.Pool,
  workspaceId: string,
  folderIds: string[],
  count: number,
  seed: number,
): Promise<void> {
  const maker = textMaker(seed);
  const rows = Array.from({ length: count }, (_, i) => ({
    folderId: folderIds[i % folderIds.length]!,
    title: maker.title(),
    body: [maker.paragraph(), maker.paragraph(), maker.paragraph()].join('\n\n'),
    questions: toArrayLiteral([
      `How do I ${maker.words(3).join(' ')}?`,
      `What is ${maker.words(2).join(' ')}?`,
    ]),
    keywords: toArrayLiteral(maker.words(4)),
  }));
  await pool.query(
    `INSERT INTO articles (workspace_id, parent_folder_id, title, main_knowledge, agent_instruction, questions,
       keywords, origin)
     SELECT $1, t.folder_id, t.title, t.body, 'Answer from this article.', t.questions::text[], t.keywords::text[],
       'manual'
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[])
       AS t(folder_id, title, body, questions, keywords)`,
    [
      workspaceId,
      rows.map((row) => row.folderId),
      rows.map((row) => row.title),
      rows.map((row) => row.body),
      rows.map((row) => row.questions),
      rows.map((row) => row.keywords),
    ],
  );
}
