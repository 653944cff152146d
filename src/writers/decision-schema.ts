// The shape of a decision, twice: as the strict JSON schema the model must follow (enums of what is
// allowed and what exists, docs/architecture.md §4), and as a validator that re-checks every answer, because a
// model or a non-strict OpenAI-compatible server may ignore the schema. A hallucinated ID never passes.
import { z } from 'zod';
import { ArticleContentShapeSchema } from '../lib/article-content.js';
import { allowedOperations, type Operation } from '../lib/operations.js';
import type { ArticleContent, Decision, DecisionRequest } from './writer.js';

// Sanity bounds on what a model may write; far above what a help-center article needs.
const MAX_TITLE_CHARS = 300;
const MAX_BODY_CHARS = 60_000;
const MAX_LIST_ITEMS = 50;

/**
 * The article fields as sent to the model. No string length keywords: OpenAI's strict mode does not
 * support `minLength`, and validateDecision checks emptiness anyway; `minItems` is supported.
 */
const ArticleFieldsSchema = z.object({
  title: z.string().describe('Short title of the help-center article, in the language of the source.'),
  mainKnowledge: z
    .string()
    .describe('The article body in markdown: the facts a support agent needs, taken only from the source.'),
  agentInstruction: z
    .string()
    .describe('One or two sentences telling a support agent when and how to use this article.'),
  questions: z
    .array(z.string())
    .min(1)
    .describe('Questions customers ask that this article answers, phrased as a customer would.'),
  keywords: z.array(z.string()).min(1).describe('Search keywords: product terms, synonyms, key nouns.'),
  escalation: z.boolean().describe('True only when the source says such requests must be handed to a human.'),
});

/** Operations the request allows; an empty list means all, as in docs/api.md §4 (`restrictedOps`). */
export function allowedOperationsOf(request: Pick<DecisionRequest, 'allowedOperations'>): Operation[] {
  return allowedOperations(request.allowedOperations);
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

/** `z.enum` needs at least one value; with none, the only valid answer is null. */
function nullableIdEnum(ids: string[], description: string) {
  const values = distinct(ids);
  const [first, ...rest] = values;
  if (first === undefined) return z.null().describe(`${description} There are none here: always null.`);
  return z
    .enum([first, ...rest])
    .nullable()
    .describe(description);
}

/**
 * The structured-output schema for one request: `operation` is an enum of the allowed operations,
 * `targetArticleId` of the candidate IDs and `parentFolderId` of the folder IDs (both nullable, or
 * `null` only when the list is empty). Root object, every property required, `.nullable()` rather than
 * `.optional()`, so `zodResponseFormat` turns it into a strict JSON schema.
 */
export function buildDecisionSchema(
  request: Pick<DecisionRequest, 'allowedOperations' | 'candidates' | 'folders'>,
) {
  const [firstOp, ...otherOps] = allowedOperationsOf(request);
  return z.object({
    operation: z.enum([firstOp!, ...otherOps]).describe('What to do with the source.'),
    targetArticleId: nullableIdEnum(
      request.candidates.map((c) => c.id),
      'UPDATE_ARTICLE: the candidate article to rewrite. DO_NOTHING: the candidate that already covers the source, or null. ADD_ARTICLE_TO_FOLDER: null.',
    ),
    parentFolderId: nullableIdEnum(
      request.folders.map((f) => f.id),
      'ADD_ARTICLE_TO_FOLDER: the folder for the new article. Otherwise null.',
    ),
    article: ArticleFieldsSchema.nullable().describe(
      'ADD_ARTICLE_TO_FOLDER and UPDATE_ARTICLE: the complete article to save. DO_NOTHING: null.',
    ),
    reason: z.string().describe('One sentence for a human reviewer explaining the choice.'),
  });
}

/** Structure only (types and presence); the semantic checks follow in validateDecision. */
const AnswerShapeSchema = z.object({
  operation: z.string(),
  targetArticleId: z.string().nullable(),
  parentFolderId: z.string().nullable(),
  article: ArticleContentShapeSchema.nullable(),
  reason: z.string(),
});

export type ValidationResult = { ok: true; decision: Decision } | { ok: false; problem: string };

const quote = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

/**
 * One sentence per structural issue, decided by the issue's code (not its message, which depends on
 * whatever error map zod is configured with), so the repair prompt is the same in every process.
 */
function describeShapeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  if (field === '') return 'The answer is not a decision object.';
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `The field "${field}" is missing.`
        : `The field "${field}" is invalid: it must be ${issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a'} ${issue.expected}${issue.input === null ? ', not null' : ''}.`;
    default:
      return `The field "${field}" is invalid (${issue.code}).`;
  }
}

/** Trims, drops empty entries and case-insensitive duplicates, keeps the first spelling. */
function cleanList(values: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of values) {
    const value = raw.trim();
    const key = value.toLowerCase();
    if (value === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  return out;
}

function checkArticle(article: ArticleContent, problems: string[]): ArticleContent {
  const cleaned: ArticleContent = {
    title: article.title.trim(),
    mainKnowledge: article.mainKnowledge.trim(),
    agentInstruction: article.agentInstruction.trim(),
    questions: cleanList(article.questions),
    keywords: cleanList(article.keywords),
    escalation: article.escalation,
  };
  if (cleaned.title === '') problems.push('The article title is empty; give the article a short title.');
  if (cleaned.title.length > MAX_TITLE_CHARS) {
    problems.push(
      `The article title has ${cleaned.title.length} characters; keep it under ${MAX_TITLE_CHARS}.`,
    );
  }
  if (cleaned.mainKnowledge === '') {
    problems.push('The article body (mainKnowledge) is empty; write the article from the source.');
  }
  if (cleaned.mainKnowledge.length > MAX_BODY_CHARS) {
    problems.push(
      `The article body (mainKnowledge) has ${cleaned.mainKnowledge.length} characters; keep it under ${MAX_BODY_CHARS}.`,
    );
  }
  for (const field of ['questions', 'keywords'] as const) {
    if (cleaned[field].length === 0) {
      problems.push(`The article has no ${field}; give at least one non-empty entry in "${field}".`);
    } else if (cleaned[field].length > MAX_LIST_ITEMS) {
      problems.push(`The article has ${cleaned[field].length} ${field}; give at most ${MAX_LIST_ITEMS}.`);
    }
  }
  return cleaned;
}

/**
 * Re-checks an answer against the request. On success the decision is normalized: strings trimmed,
 * empty and duplicate questions/keywords dropped, an empty reason replaced by a placeholder (a missing
 * explanation is not worth a failed job). A field the operation does not use (an article on DO_NOTHING,
 * a target on ADD, a folder on UPDATE or DO_NOTHING) is dropped and the reason says so: the intent is
 * usable, and a failed job would cost a second model call for nothing. An ID in a field the operation
 * uses must be a candidate or folder of this request. `problem` lists every issue found, one sentence
 * each, naming the valid choices, so it serves both as the repair prompt and as the job's error.
 */
export function validateDecision(request: DecisionRequest, answer: unknown): ValidationResult {
  const shape = AnswerShapeSchema.safeParse(answer, { reportInput: true });
  if (!shape.success) {
    const sentences = shape.error.issues.slice(0, 5).map(describeShapeIssue);
    return {
      ok: false,
      problem: `${sentences.join(' ')} Answer with a JSON object with exactly the fields operation, targetArticleId, parentFolderId, article and reason.`,
    };
  }
  const raw = shape.data;
  const problems: string[] = [];
  const dropped: string[] = [];
  const allowed = allowedOperationsOf(request);
  const candidates = new Set(request.candidates.map((c) => c.id));
  const folders = new Set(request.folders.map((f) => f.id));
  const candidateChoices =
    request.candidates.length === 0
      ? 'there are no candidate articles'
      : `the candidates are ${request.candidates.map((c) => `${c.id} (${quote(c.title)})`).join(', ')}`;
  const folderChoices =
    request.folders.length === 0
      ? 'there are no folders'
      : `the folders are ${request.folders.map((f) => `${f.id} (${quote(f.path)})`).join(', ')}`;
  const checkTarget = (target: string) => {
    if (!candidates.has(target))
      problems.push(`targetArticleId ${quote(target)} is not a candidate article; ${candidateChoices}.`);
  };

  const operation = raw.operation as Operation;
  if (!allowed.includes(operation)) {
    problems.push(
      `The operation ${quote(raw.operation)} is not allowed for this source; choose one of ${allowed.join(', ')}.`,
    );
  }
  const reason = () => {
    const given = raw.reason.trim() || 'No reason was given by the writer.';
    return dropped.length === 0 ? given : `${given} (${dropped.join(' ')})`;
  };

  let decision: Decision | undefined;
  switch (operation) {
    case 'UPDATE_ARTICLE': {
      if (raw.targetArticleId === null) {
        problems.push(
          `UPDATE_ARTICLE needs targetArticleId set to the article to rewrite; ${candidateChoices}.`,
        );
      } else checkTarget(raw.targetArticleId);
      if (raw.parentFolderId !== null)
        dropped.push('The answer also named a folder, which an update does not use; it was ignored.');
      if (raw.article === null) problems.push('UPDATE_ARTICLE needs the rewritten article in "article".');
      const article = raw.article === null ? null : checkArticle(raw.article, problems);
      if (article && raw.targetArticleId !== null)
        decision = {
          operation,
          targetArticleId: raw.targetArticleId,
          parentFolderId: null,
          article,
          reason: '',
        };
      break;
    }
    case 'ADD_ARTICLE_TO_FOLDER': {
      if (raw.parentFolderId === null) {
        problems.push(`ADD_ARTICLE_TO_FOLDER needs parentFolderId set to a folder; ${folderChoices}.`);
      } else if (!folders.has(raw.parentFolderId)) {
        problems.push(
          `parentFolderId ${quote(raw.parentFolderId)} is not an existing folder; ${folderChoices}.`,
        );
      }
      if (raw.targetArticleId !== null)
        dropped.push(
          'The answer also named a target article, which a new article does not use; it was ignored.',
        );
      if (raw.article === null) problems.push('ADD_ARTICLE_TO_FOLDER needs the new article in "article".');
      const article = raw.article === null ? null : checkArticle(raw.article, problems);
      if (article && raw.parentFolderId !== null)
        decision = {
          operation,
          targetArticleId: null,
          parentFolderId: raw.parentFolderId,
          article,
          reason: '',
        };
      break;
    }
    case 'DO_NOTHING':
      if (raw.targetArticleId !== null) checkTarget(raw.targetArticleId);
      if (raw.article !== null)
        dropped.push('The answer also carried an article, which DO_NOTHING does not save; it was ignored.');
      if (raw.parentFolderId !== null)
        dropped.push('The answer also named a folder, which DO_NOTHING does not use; it was ignored.');
      decision = {
        operation,
        targetArticleId: raw.targetArticleId,
        parentFolderId: null,
        article: null,
        reason: '',
      };
      break;
    default:
      // Not an operation at all: already reported above.
      break;
  }

  if (problems.length > 0 || !decision) return { ok: false, problem: problems.join(' ') };
  return { ok: true, decision: { ...decision, reason: reason() } };
}
