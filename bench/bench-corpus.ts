// A large help center for the candidate search, generated from fixed seeds. Besides the topic and common
// words of bench-seed.ts, every article names a few specific things (features, products, error names):
// pseudo-words from a vocabulary of ~14,000, drawn with a heavy head (a few are named by thousands of
// articles, most by a handful), as on a real help center where "password" is everywhere and
// "ledgerlink" is in three articles. A probe page is written about one article's subject: the same topic
// and specific names, in other sentences; that article is the one the candidate search must find.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { seededRandom, TOPIC_COUNT, textMaker, toArrayLiteral } from './bench-seed.js';

const SYLLABLES =
  'bar cel dor fen gal hin jor kel lum mar nov pel quin ros sal tev ul vor wen xan yel zor bri cas'.split(
    ' ',
  );
const VOCABULARY = SYLLABLES.length ** 3;
const NAMES_PER_ARTICLE = 3;

function specificName(index: number): string {
  const n = SYLLABLES.length;
  return `${SYLLABLES[index % n]}${SYLLABLES[Math.floor(index / n) % n]}${SYLLABLES[Math.floor(index / n / n) % n]}`;
}

export interface CorpusArticle {
  topic: number;
  names: string[];
  title: string;
  body: string;
  questions: string[];
  keywords: string[];
}

/** Article `index` of the corpus; the same index always gives the same article. */
export function corpusArticle(index: number): CorpusArticle {
  const random = seededRandom(1_000_003 + index);
  const maker = textMaker(7_919 + index);
  const topic = index % TOPIC_COUNT;
  // random()^3 skews towards the head of the vocabulary: a Zipf-like spread of how often a name is used.
  const names = Array.from({ length: NAMES_PER_ARTICLE }, () =>
    specificName(Math.floor(random() ** 3 * VOCABULARY)),
  );
  const withNames = (text: string, count: number) => {
    const words = text.split(' ');
    for (let i = 0; i < count; i++)
      words.splice(Math.floor(random() * words.length), 0, names[i % names.length]!);
    return words.join(' ');
  };
  return {
    topic,
    names,
    title: `${maker.title(topic)} ${names[0]}`,
    body: [0, 1, 2].map(() => withNames(maker.paragraph(topic), 2)).join('\n\n'),
    questions: [`How do I ${maker.words(topic, 2).join(' ')} ${names[1]}?`],
    keywords: [...maker.words(topic, 2), names[2]!],
  };
}

/** A web page about article `index`'s subject, in its own words: what a generation job reads. */
export function probePage(index: number): { title: string; paragraphs: string[] } {
  const article = corpusArticle(index);
  const maker = textMaker(104_729 + index);
  const random = seededRandom(15_485_863 + index);
  const mention = (text: string) => {
    const words = text.split(' ');
    for (const name of article.names) words.splice(Math.floor(random() * words.length), 0, name);
    return words.join(' ');
  };
  return {
    title: `${maker.title(article.topic)} ${article.names[0]}`,
    paragraphs: Array.from({ length: 6 }, (_, i) =>
      i % 3 === 2 ? `## ${maker.title(article.topic)}` : mention(maker.paragraph(article.topic)),
    ),
  };
}

/** Live articles 0 … count−1 of the corpus in one folder; returns their IDs in corpus order. */
export async function insertCorpus(
  pool: pg.Pool,
  workspaceId: string,
  folderId: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 2_000) {
    const articles = Array.from({ length: Math.min(2_000, count - start) }, (_, i) =>
      corpusArticle(start + i),
    );
    const chunkIds = articles.map(() => randomUUID());
    await pool.query(
      `INSERT INTO articles (id, workspace_id, parent_folder_id, title, main_knowledge, agent_instruction,
         questions, keywords, origin)
       SELECT t.id, $1, $2, t.title, t.body, '', t.questions::text[], t.keywords::text[], 'manual'
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS t(id, title, body, questions, keywords)`,
      [
        workspaceId,
        folderId,
        chunkIds,
        articles.map((a) => a.title),
        articles.map((a) => a.body),
        articles.map((a) => toArrayLiteral(a.questions)),
        articles.map((a) => toArrayLiteral(a.keywords)),
      ],
    );
    ids.push(...chunkIds);
  }
  return ids;
}
