// Benchmark data written straight to PostgreSQL, shaped exactly as the service leaves it: sources as a
// completed ingestion leaves them (content, hash, a COMPLETED ingest job), folders, live articles. The
// text is generated from fixed seeds, like a help center: each page and article is about one of 24
// topics, whose own words it mixes with common help-center words, so a page's full-text query ranks
// the articles of its topic first (and, as on a real site, shares common words with many others).
// Every source is different (no accidental decision reuse).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { contentHash } from '../src/sources/fetch/extract.js';
import { htmlPage } from '../test/helpers/fixture-server.js';

const COMMON_WORDS = `account access admin agent alert analytics api app approval archive article assign audit
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

// English stop words only: the candidate query leaves them out, as it would on a real page.
const CONNECTORS = 'the a your our each this that when if then to from with for in on by and or'.split(' ');

/** Each topic's own words (help-center subjects): a page mixes them with the common words above. */
const TOPIC_WORDS: string[][] =
  `refund reimburse chargeback dispute return reversal credited eligible window receipt bank partial denied
  shipping courier parcel tracking carrier warehouse dispatch customs delivery postage label pickup freight transit
  password reset forgot locked unlock recovery temporary expire strength characters symbol lowercase uppercase reuse
  authenticator verification backup device trusted prompt sms enroll factor lost phone secret scan qr
  saml okta azure identity provider metadata assertion certificate entity federation claims attribute directory scim
  invoice vat company number pdf history line item currency total due memo paid overdue
  subscription renewal upgrade downgrade prorate cycle annual monthly pause resume tier seats billing period
  visa mastercard amex debit paypal wallet expiry declined cvc default sepa mandate bank transfer
  export csv spreadsheet columns schedule format excel delimiter encoding rows range archive zip download
  import mapping duplicate merge validate template sample batch match headers skipped preview source file
  webhook endpoint payload signature retry event header timeout post json subscribe delivery attempts secret
  token scope rotate revoke bearer rate quota sandbox production environment expiry client credentials
  notification digest mute alert push badge sound frequency unsubscribe preference weekly daily mention email
  role permission editor viewer owner member invite remove grant restrict custom group manager guest
  iphone android tablet install offline store crash battery camera biometric gesture update app version
  slack salesforce hubspot zapier jira github shopify authorize disconnect marketplace trigger connector oauth
  chart dashboard metric trend segment compare funnel cohort widget range insight conversion retention
  gdpr consent cookie personal deletion retention processor controller anonymize erasure request privacy policy
  deactivate permanent recover grace period confirm transfer irreversible closure owner account delete
  dns cname txt ssl subdomain propagate registrar nameserver https domain verify record custom
  translation locale currency rtl spanish french german japanese region number language timezone format
  trial free extend demo onboarding days convert limited expire sales expired extension
  outage incident degraded maintenance downtime latency investigating monitoring uptime postmortem status
  welcome setup checklist tour tutorial steps video getting started guide walkthrough basics first`
    .split('\n')
    .map((line) => line.trim().split(/\s+/));

export const TOPIC_COUNT = TOPIC_WORDS.length;
/** Share of a page's content words taken from its topic's own vocabulary. */
const TOPIC_SHARE = 0.6;

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
  words(topic: number, count: number): string[];
  paragraph(topic: number, sentences?: number): string;
  title(topic: number): string;
}

export function textMaker(seed: number): TextMaker {
  const random = seededRandom(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const word = (topic: number) =>
    random() < TOPIC_SHARE ? pick(TOPIC_WORDS[topic % TOPIC_COUNT]!) : pick(COMMON_WORDS);
  const words = (topic: number, count: number) => Array.from({ length: count }, () => word(topic));
  const capitalized = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;
  const sentence = (topic: number) => {
    const length = 8 + Math.floor(random() * 10);
    const parts = Array.from({ length }, (_, i) => (i % 3 === 1 ? pick(CONNECTORS) : word(topic)));
    return `${capitalized(parts.join(' '))}.`;
  };
  return {
    words,
    paragraph: (topic, sentences = 3 + Math.floor(random() * 3)) =>
      Array.from({ length: sentences }, () => sentence(topic)).join(' '),
    title: (topic) => capitalized(words(topic, 3 + Math.floor(random() * 3)).join(' ')),
  };
}

/** A help-center page's worth of text on topic `index % TOPIC_COUNT`: a title and 6–9 blocks (about 2.5–4 KB). */
export function pageText(maker: TextMaker, index: number): { title: string; paragraphs: string[] } {
  const topic = index % TOPIC_COUNT;
  const title = `${maker.title(topic)} ${index}`;
  const count = 6 + (index % 4);
  const paragraphs = Array.from({ length: count }, (_, i) =>
    i % 3 === 2 ? `## ${maker.title(topic)}` : maker.paragraph(topic),
  );
  return { title, paragraphs };
}

/** A page of pageText as a fixture site serves it: HTML with site chrome around the article. */
export function helpPageHtml(page: { title: string; paragraphs: string[] }): string {
  const body = page.paragraphs
    .map((paragraph) =>
      paragraph.startsWith('## ') ? `<h2>${paragraph.slice(3)}</h2>` : `<p>${paragraph}</p>`,
    )
    .join('\n');
  return htmlPage(page.title, body);
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

export function toArrayLiteral(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

export async function insertFolder(pool: pg.Pool, workspaceId: string, title: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO folders (workspace_id, title, description) VALUES ($1, $2, $3) RETURNING id`,
    [workspaceId, title, `Everything about ${title.toLowerCase()}.`],
  );
  return rows[0]!.id;
}

/** Live articles written by hand (origin manual), on topic `index % TOPIC_COUNT`, spread over `folderIds`. */
export async function insertLiveArticles(
  pool: pg.Pool,
  workspaceId: string,
  folderIds: string[],
  count: number,
  seed: number,
): Promise<void> {
  const maker = textMaker(seed);
  const rows = Array.from({ length: count }, (_, i) => {
    const topic = i % TOPIC_COUNT;
    return {
      folderId: folderIds[i % folderIds.length]!,
      title: maker.title(topic),
      body: [maker.paragraph(topic), maker.paragraph(topic), maker.paragraph(topic)].join('\n\n'),
      questions: toArrayLiteral([
        `How do I ${maker.words(topic, 3).join(' ')}?`,
        `What is ${maker.words(topic, 2).join(' ')}?`,
      ]),
      keywords: toArrayLiteral(maker.words(topic, 4)),
    };
  });
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
