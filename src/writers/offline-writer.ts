// The `offline` writer: deterministic, no network, no model (docs/architecture.md §4). It decides from full-text
// similarity and content equality, and writes the article by extraction (offline-article.ts). It is the
// default when no model is configured, so `npm start` works out of the box; it is not a substitute for
// a model and says so in every reason.
import { sha256Hex } from '../lib/hashing.js';
import type { Operation } from '../lib/operations.js';
import { allowedOperationsOf } from './decision-schema.js';
import { markdownToText } from '../lib/markdown-text.js';
import { articleFromSource } from './offline-article.js';
import { pickFolder, type FolderPick } from './offline-folder.js';
import {
  aboutSameSubject,
  addsNoFact,
  contentWords,
  isNavigationOnly,
  notHelpSection,
  onlyTriviallyDifferent,
  withoutBoilerplate,
} from './offline-signals.js';
import { addVectors, cosine, termVector, type TermVector } from './text-similarity.js';
import { offlineTree } from './offline-tree.js';
import {
  NO_USAGE,
  type ArticleContent,
  type CandidateArticle,
  type DecisionAnswer,
  type DecisionRequest,
  type DecisionSource,
  type Writer,
  type WriterAnswer,
} from './writer.js';

/** Bump whenever the decision rules or the extraction change: it is part of the reuse key. */
export const OFFLINE_PROMPT_VERSION = 'offline-2';

/**
 * Cosine similarity (title, body and questions; stop words out, light stemming) above which a
 * candidate about the same subject is taken to be the page's article, so the page updates it rather
 * than becoming a new article. Measured on help-center pages: a page and a revision of it score
 * 0.6–0.95, two different articles of one help center 0.05–0.25.
 */
export const RELATED_SIMILARITY = 0.35;
// The title names the subject: it weighs as much as a few sentences of body.
const TITLE_WEIGHT = 3;

interface Scored {
  candidate: CandidateArticle;
  similarity: number;
  /** The page says what the article says (word for word, or with a trivial addition). */
  sameContent: boolean;
  /** About the article's subject, and similar enough to be its page. */
  related: boolean;
  /** Related, and the page adds no fact the article lacks (a rewording). */
  covered: boolean;
}

/**
 * Text reduced to its words and numbers: markdown, punctuation, case and accents do not count as a
 * change, but every word does (including "not" and every digit).
 */
const contentHash = (text: string) => sha256Hex(contentWords(text).join(' '));

function articleVector(title: string, body: string, questions: string[]): TermVector {
  return addVectors(
    termVector(title, TITLE_WEIGHT),
    termVector(`${markdownToText(body)}\n${questions.join('\n')}`),
  );
}

const fixed2 = (n: number) => n.toFixed(2);
const quoted = (text: string) => `'${text}'`;

/** The page's text with and without its leading heading, boilerplate blocks out. */
function pageTexts(source: DecisionSource): string[] {
  const blocks = withoutBoilerplate(source.paragraphs);
  const texts = [blocks.join('\n\n')];
  if (/^\s{0,3}#/u.test(blocks[0] ?? '')) texts.push(blocks.slice(1).join('\n\n'));
  return texts;
}

function scoreCandidates(request: DecisionRequest, written: ArticleContent): Scored[] {
  const texts = pageTexts(request.source);
  // The written body stands for the page only when it holds all of it (it keeps ~2,500 characters):
  // otherwise a change past its end would look like no change.
  const complete = contentWords(written.mainKnowledge).length >= contentWords(texts.at(-1)!).length;
  const hashes = new Set(texts.map(contentHash));
  if (complete) hashes.add(contentHash(written.mainKnowledge));
  const sourceVector = articleVector(written.title, written.mainKnowledge, written.questions);
  return request.candidates.map((candidate) => {
    const body = candidate.mainKnowledge;
    const similarity = cosine(sourceVector, articleVector(candidate.title, body, candidate.questions));
    const exact = body.trim() !== '' && hashes.has(contentHash(body));
    const sameSubject = aboutSameSubject(
      {
        title: candidate.title,
        text: [candidate.title, body, ...candidate.questions, ...candidate.keywords].join('\n'),
      },
      { title: written.title, text: texts[0]! },
    );
    // The linked article is rewritten from any change of its own page; another article only from a
    // change that adds something ("Slack" → "Microsoft Teams" is a new subject, not a trivial change).
    const sameContent =
      exact || (!candidate.linked && sameSubject && texts.some((t) => onlyTriviallyDifferent(t, body)));
    const related = similarity >= RELATED_SIMILARITY && sameSubject;
    return { candidate, similarity, sameContent, related, covered: related && addsNoFact(texts[0]!, body) };
  });
}

interface Choice {
  operation: Operation;
  decision: () => DecisionAnswer;
}

function offlineDecide(request: DecisionRequest): DecisionAnswer {
  const { source } = request;
  const written = articleFromSource(source);
  const allowed = allowedOperationsOf(request);
  const scored = scoreCandidates(request, written);
  const build = builders(request, written);
  const linked = scored.find((s) => s.candidate.linked);
  const byScore = [...scored].sort((a, b) => b.similarity - a.similarity);
  const same = linked?.sameContent ? linked : byScore.find((s) => !s.candidate.linked && s.sameContent);

  if (written.mainKnowledge === '' && allowed.includes('DO_NOTHING'))
    return build.nothing(undefined, 'the page has no text to extract an article from');
  const notContent = notContentReason(source, scored);
  if (notContent && allowed.includes('DO_NOTHING')) return build.nothing(undefined, notContent);

  let options: Choice[];
  if (same) options = sameContentChoices(build, same, 'the page has the same content as');
  else if (linked) options = linkedChoices(build, linked);
  else {
    const related = byScore.find((s) => s.related);
    if (related?.covered)
      options = sameContentChoices(build, related, 'the page says nothing that is not in');
    else if (related) options = relatedChoices(build, related);
    else options = newTopicChoices(build, byScore[0]);
  }
  const chosen = options.find((option) => allowed.includes(option.operation));
  if (chosen) return chosen.decision();

  // Only UPDATE_ARTICLE is allowed and there is nothing to update. The answer says so and names no
  // target, so validateDecision rejects it and the job fails with a problem naming the cause; the
  // repair attempt gives the same answer (this writer is deterministic) and costs nothing.
  return {
    operation: 'UPDATE_ARTICLE',
    targetArticleId: null,
    parentFolderId: null,
    article: written,
    reason: 'Offline writer: only UPDATE_ARTICLE is allowed, but there is no existing article to update.',
  };
}

/** Why the page is no help content (a link list, a careers page); undefined when it is. */
function notContentReason(source: DecisionSource, scored: Scored[]): string | undefined {
  if (isNavigationOnly(source.paragraphs))
    return 'the page only lists links to other pages, it has no content of its own';
  const section = notHelpSection(source.url);
  if (section && !scored.some((s) => s.related || s.candidate.linked))
    return `the page is not help content (its address is in the site's /${section} section)`;
  return undefined;
}

const describe = (s: Scored) => `${quoted(s.candidate.title)} (similarity ${fixed2(s.similarity)})`;

function builders(request: DecisionRequest, written: ArticleContent) {
  const { source } = request;
  const pageText = `${`${written.title}\n`.repeat(TITLE_WEIGHT)}${source.paragraphs.join('\n\n')}`;
  const folderPick = pickFolder(source, pageText, request.folders);
  const folderNote = (pick: FolderPick) =>
    pick.named
      ? " (the page's breadcrumb or address names it)"
      : pick.similarity > 0
        ? ` (folder similarity ${fixed2(pick.similarity)})`
        : ' (no folder matched the page, so the first one is used)';
  return {
    add: (why: string): DecisionAnswer => ({
      operation: 'ADD_ARTICLE_TO_FOLDER',
      targetArticleId: null,
      parentFolderId: folderPick?.folder.id ?? null,
      article: written,
      reason: folderPick
        ? `Offline writer: ${why}, so a new article is extracted from the page into the folder ${quoted(folderPick.folder.path)}${folderNote(folderPick)}.`
        : `Offline writer: ${why}, but there is no folder to add an article to.`,
    }),
    update: (target: Scored, why: string): DecisionAnswer => ({
      operation: 'UPDATE_ARTICLE',
      targetArticleId: target.candidate.id,
      parentFolderId: null,
      article: written,
      reason: `Offline writer: ${why}, so the article is rewritten from the page.`,
    }),
    nothing: (target: Scored | undefined, why: string): DecisionAnswer => ({
      operation: 'DO_NOTHING',
      targetArticleId: target?.candidate.id ?? null,
      parentFolderId: null,
      article: null,
      reason: `Offline writer: ${why}, so nothing changes.`,
    }),
  };
}
type Builders = ReturnType<typeof builders>;

// The preferred decision first, then what to do when its operation is not allowed.
function sameContentChoices(build: Builders, same: Scored, what: string): Choice[] {
  const why = `${what} ${describe(same)}`;
  return [
    { operation: 'DO_NOTHING', decision: () => build.nothing(same, why) },
    {
      operation: 'UPDATE_ARTICLE',
      decision: () => build.update(same, `${why} but DO_NOTHING is not allowed`),
    },
    { operation: 'ADD_ARTICLE_TO_FOLDER', decision: () => build.add(`${why} but only adding is allowed`) },
  ];
}

function linkedChoices(build: Builders, linked: Scored): Choice[] {
  const why = `the page is the source of ${describe(linked)} and its content changed`;
  return [
    { operation: 'UPDATE_ARTICLE', decision: () => build.update(linked, why) },
    // An article from this page exists: a second one would duplicate it.
    {
      operation: 'DO_NOTHING',
      decision: () => build.nothing(linked, `${why} but UPDATE_ARTICLE is not allowed`),
    },
    { operation: 'ADD_ARTICLE_TO_FOLDER', decision: () => build.add(`${why} but only adding is allowed`) },
  ];
}

function relatedChoices(build: Builders, related: Scored): Choice[] {
  const why = `the page is about the subject of ${describe(related)} and adds to it`;
  return [
    { operation: 'UPDATE_ARTICLE', decision: () => build.update(related, why) },
    {
      operation: 'ADD_ARTICLE_TO_FOLDER',
      decision: () => build.add(`${why} and UPDATE_ARTICLE is not allowed`),
    },
    {
      operation: 'DO_NOTHING',
      decision: () => build.nothing(related, `${why} but neither updating nor adding is allowed`),
    },
  ];
}

function newTopicChoices(build: Builders, best: Scored | undefined): Choice[] {
  const why = best
    ? `no existing article is about the page's subject (closest ${describe(best)})`
    : 'no existing article covers the page';
  const options: Choice[] = [
    { operation: 'ADD_ARTICLE_TO_FOLDER', decision: () => build.add(why) },
    {
      operation: 'DO_NOTHING',
      decision: () => build.nothing(undefined, `${why} but ADD_ARTICLE_TO_FOLDER is not allowed`),
    },
  ];
  // Rewriting an unrelated article is the last resort, taken only when the caller allows nothing else.
  if (best) {
    options.push({
      operation: 'UPDATE_ARTICLE',
      decision: () =>
        build.update(
          best,
          `${why}; only UPDATE_ARTICLE is allowed and ${describe(best)} is the closest article`,
        ),
    });
  }
  return options;
}

export function createOfflineWriter(): Writer {
  return {
    name: 'offline',
    model: 'offline-extractive',
    promptVersion: OFFLINE_PROMPT_VERSION,
    async decide(request: DecisionRequest): Promise<WriterAnswer> {
      const decision = offlineDecide(request);
      return { answer: decision, answerText: JSON.stringify(decision), usage: NO_USAGE, trimNotes: [] };
    },
    async proposeTree(initPrompt: string) {
      return { rows: offlineTree(initPrompt), usage: NO_USAGE };
    },
  };
}
