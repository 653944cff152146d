// The `offline` writer: deterministic, no network, no model (DESIGN.md §4). It decides from full-text
// similarity and content equality, and writes the article by extraction (offline-article.ts). It is the
// default when no model is configured, so `npm start` works out of the box; it is not a substitute for
// a model and says so in every reason.
import { sha256Hex } from '../lib/hashing.js';
import type { Operation } from '../lib/operations.js';
import { allowedOperationsOf } from './decision-schema.js';
import { articleFromSource, plainText } from './offline-article.js';
import { addVectors, cosine, termVector, topTerms, words, type TermVector } from './text-similarity.js';
import { normalizeTreeRows } from './tree-proposal.js';
import {
  NO_USAGE,
  type CandidateArticle,
  type DecisionAnswer,
  type DecisionRequest,
  type FolderChoice,
  type TreeTemplateRow,
  type Writer,
  type WriterAnswer,
} from './writer.js';

/** Bump whenever the decision rules or the extraction change: it is part of the reuse key. */
export const OFFLINE_PROMPT_VERSION = 'offline-1';

/**
 * Cosine similarity (title, body and questions; stop words out, light stemming) above which a
 * candidate is taken to be about the same subject as the page, so the page updates it rather than
 * becoming a new article. Measured on help-center pages: a page and a revision of it score 0.6–0.95,
 * two different articles of one help center 0.05–0.25.
 */
export const RELATED_SIMILARITY = 0.35;
// The title names the subject: it weighs as much as a few sentences of body.
const TITLE_WEIGHT = 3;

interface Scored {
  candidate: CandidateArticle;
  similarity: number;
  sameContent: boolean;
}

/**
 * Text reduced to its words and numbers: markdown, punctuation, case and accents do not count as a
 * change, but every word does (including "not" and every digit).
 */
function contentHash(text: string): string {
  const normalized = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return sha256Hex(normalized);
}

function articleVector(title: string, body: string, questions: string[]): TermVector {
  return addVectors(
    termVector(title, TITLE_WEIGHT),
    termVector(`${plainText(body)}\n${questions.join('\n')}`),
  );
}

const fixed2 = (n: number) => n.toFixed(2);
const quoted = (text: string) => `'${text}'`;

function pickFolder(
  source: string,
  folders: FolderChoice[],
): { folder: FolderChoice; score: number } | undefined {
  const sourceVector = termVector(source);
  let best: { folder: FolderChoice; score: number } | undefined;
  for (const folder of folders) {
    const score = cosine(sourceVector, termVector(`${folder.path}\n${folder.description}`));
    if (!best || score > best.score) best = { folder, score };
  }
  return best;
}

function offlineDecide(request: DecisionRequest): DecisionAnswer {
  const { source } = request;
  const written = articleFromSource(source);
  const allowed = allowedOperationsOf(request);
  const fullText = source.paragraphs.join('\n\n');

  // What "the same content" means: the candidate's body equals what this writer extracts from the
  // page, or the page's whole text (with or without its leading heading).
  const sourceHashes = new Set([contentHash(written.mainKnowledge), contentHash(fullText)]);
  if (/^\s{0,3}#/u.test(source.paragraphs[0] ?? '')) {
    sourceHashes.add(contentHash(source.paragraphs.slice(1).join('\n\n')));
  }
  const sourceVector = articleVector(written.title, written.mainKnowledge, written.questions);
  const scored: Scored[] = request.candidates.map((candidate) => ({
    candidate,
    similarity: cosine(
      sourceVector,
      articleVector(candidate.title, candidate.mainKnowledge, candidate.questions),
    ),
    sameContent:
      candidate.mainKnowledge.trim() !== '' && sourceHashes.has(contentHash(candidate.mainKnowledge)),
  }));
  const linked = scored.find((s) => s.candidate.linked);
  const best = [...scored].sort((a, b) => b.similarity - a.similarity)[0];
  const same = linked?.sameContent ? linked : scored.find((s) => s.sameContent);
  const folderPick = pickFolder(`${`${written.title}\n`.repeat(TITLE_WEIGHT)}${fullText}`, request.folders);

  const describe = (s: Scored) => `${quoted(s.candidate.title)} (similarity ${fixed2(s.similarity)})`;
  const add = (why: string): DecisionAnswer => ({
    operation: 'ADD_ARTICLE_TO_FOLDER',
    targetArticleId: null,
    parentFolderId: folderPick?.folder.id ?? null,
    article: written,
    reason: folderPick
      ? `Offline writer: ${why}, so a new article is extracted from the page into the folder ${quoted(folderPick.folder.path)}${folderPick.score > 0 ? ` (folder similarity ${fixed2(folderPick.score)})` : ' (no folder matched the page, so the first one is used)'}.`
      : `Offline writer: ${why}, but there is no folder to add an article to.`,
  });
  const update = (target: Scored, why: string): DecisionAnswer => ({
    operation: 'UPDATE_ARTICLE',
    targetArticleId: target.candidate.id,
    parentFolderId: null,
    article: written,
    reason: `Offline writer: ${why}, so the article is rewritten from the page.`,
  });
  const nothing = (target: Scored | undefined, why: string): DecisionAnswer => ({
    operation: 'DO_NOTHING',
    targetArticleId: target?.candidate.id ?? null,
    parentFolderId: null,
    article: null,
    reason: `Offline writer: ${why}, so nothing changes.`,
  });

  if (written.mainKnowledge === '') {
    if (allowed.includes('DO_NOTHING'))
      return nothing(undefined, 'the page has no text to extract an article from');
  }

  // The preferred decision first, then what to do when its operation is not allowed.
  const options: { operation: Operation; decision: () => DecisionAnswer }[] = [];
  if (same) {
    const why = `the page has the same content as ${describe(same)}`;
    options.push(
      { operation: 'DO_NOTHING', decision: () => nothing(same, why) },
      { operation: 'UPDATE_ARTICLE', decision: () => update(same, `${why} but DO_NOTHING is not allowed`) },
      { operation: 'ADD_ARTICLE_TO_FOLDER', decision: () => add(`${why} but only adding is allowed`) },
    );
  } else if (linked) {
    const why = `the page is the source of ${describe(linked)} and its content changed`;
    options.push(
      { operation: 'UPDATE_ARTICLE', decision: () => update(linked, why) },
      // An article from this page exists: a second one would duplicate it.
      {
        operation: 'DO_NOTHING',
        decision: () => nothing(linked, `${why} but UPDATE_ARTICLE is not allowed`),
      },
      { operation: 'ADD_ARTICLE_TO_FOLDER', decision: () => add(`${why} but only adding is allowed`) },
    );
  } else if (best && best.similarity >= RELATED_SIMILARITY) {
    const why = `the page matches ${describe(best)} but its content differs`;
    options.push(
      { operation: 'UPDATE_ARTICLE', decision: () => update(best, why) },
      { operation: 'ADD_ARTICLE_TO_FOLDER', decision: () => add(`${why} and UPDATE_ARTICLE is not allowed`) },
      {
        operation: 'DO_NOTHING',
        decision: () => nothing(best, `${why} but neither updating nor adding is allowed`),
      },
    );
  } else {
    const why = best
      ? `no existing article covers the page (best match ${describe(best)}, below ${RELATED_SIMILARITY})`
      : 'no existing article covers the page';
    options.push(
      { operation: 'ADD_ARTICLE_TO_FOLDER', decision: () => add(why) },
      {
        operation: 'DO_NOTHING',
        decision: () => nothing(undefined, `${why} but ADD_ARTICLE_TO_FOLDER is not allowed`),
      },
    );
    // Rewriting an unrelated article is the last resort, taken only when the caller allows nothing else.
    if (best) {
      options.push({
        operation: 'UPDATE_ARTICLE',
        decision: () =>
          update(best, `${why}; only UPDATE_ARTICLE is allowed and ${describe(best)} is the closest article`),
      });
    }
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

/** Topics named in the prompt: bullet lines, else the comma/"and"-separated list after a colon. */
function topicsOf(prompt: string): string[] {
  const bullets = prompt
    .split('\n')
    .map((line) => /^\s*(?:[-*•]|\d+[.)])\s+(.+)$/u.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
  const listText =
    bullets.length > 0
      ? bullets.join(',')
      : prompt.includes(':')
        ? prompt.slice(prompt.lastIndexOf(':') + 1)
        : prompt;
  const topics = listText
    .split(/[,;\n]|\band\b|\bor\b|&/iu)
    .map((part) =>
      plainText(part)
        .replace(/[.!?()"]+/gu, '')
        .trim(),
    )
    .map((part) => part.replace(/^(?:the|a|an|our|their|its|your)\s+/iu, ''))
    .filter(
      (part) => part !== '' && words(part).length > 0 && part.split(/\s+/u).length <= 5 && part.length <= 40,
    );
  if (topics.length >= 2) return topics;
  // No list in the prompt: its most frequent terms stand in for topics.
  return topTerms(prompt, 5, 4);
}

const capitalize = (text: string) => text[0]!.toUpperCase() + text.slice(1);

function offlineTree(initPrompt: string): TreeTemplateRow[] {
  const seen = new Set(['getting started']);
  const topics: string[] = [];
  for (const topic of topicsOf(initPrompt).map(capitalize)) {
    if (seen.has(topic.toLowerCase()) || topics.length >= 8) continue;
    seen.add(topic.toLowerCase());
    topics.push(topic);
  }
  const rows: TreeTemplateRow[] = [
    {
      type: 'folder',
      folderPath: 'Getting started',
      title: 'Getting started',
      description: 'First steps and the basics every customer asks about.',
    },
    ...topics.map((topic): TreeTemplateRow => ({
      type: 'folder',
      folderPath: topic,
      title: topic,
      description: `Articles about ${topic.toLowerCase()}.`,
    })),
    {
      type: 'article',
      folderPath: 'Getting started',
      title: 'Getting started',
      description: 'An overview for new customers: what the service does and where to find help.',
    },
    ...topics.map((topic): TreeTemplateRow => ({
      type: 'article',
      folderPath: topic,
      title: `${topic}: overview`,
      description: `The essentials of ${topic.toLowerCase()}; a stub to fill in.`,
    })),
  ];
  return normalizeTreeRows(rows);
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
