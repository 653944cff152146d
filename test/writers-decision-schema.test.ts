import { zodResponseFormat } from 'openai/helpers/zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildDecisionSchema, validateDecision } from '../src/writers/decision-schema.js';
import type { ArticleContent } from '../src/writers/writer.js';
import { decisionRequest, FOLDERS, REFUND_ARTICLE, SHIPPING_ARTICLE } from './helpers/writer-fixtures.js';

const ARTICLE: ArticleContent = {
  title: 'Shipping times',
  mainKnowledge: 'Standard shipping takes 3 to 5 business days.',
  agentInstruction: 'Use for delivery questions.',
  questions: ['How long does shipping take?'],
  keywords: ['shipping', 'delivery'],
  escalation: false,
};

const request = decisionRequest({ candidates: [REFUND_ARTICLE, SHIPPING_ARTICLE] });

/** The JSON-schema keywords these tests read. */
interface SchemaNode {
  type: string;
  enum: string[];
  anyOf: SchemaNode[];
  properties: Record<string, SchemaNode>;
  required: string[];
  additionalProperties: boolean;
  minItems: number;
}

function jsonSchemaOf(schema: ReturnType<typeof buildDecisionSchema>) {
  return zodResponseFormat(schema, 'knowledge_decision').json_schema as unknown as {
    strict: boolean;
    schema: SchemaNode;
  };
}

describe('decision schema', () => {
  it('makes the operation, target article and folder enums of exactly what is allowed and exists', () => {
    const { strict, schema } = jsonSchemaOf(
      buildDecisionSchema({ ...request, allowedOperations: ['UPDATE_ARTICLE', 'DO_NOTHING'] }),
    );
    expect(strict).toBe(true);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required.sort()).toEqual(
      ['article', 'operation', 'parentFolderId', 'reason', 'targetArticleId'].sort(),
    );
    expect(schema.properties.operation!.enum).toEqual(['UPDATE_ARTICLE', 'DO_NOTHING']);
    expect(schema.properties.targetArticleId!.anyOf).toEqual([
      { type: 'string', enum: [REFUND_ARTICLE.id, SHIPPING_ARTICLE.id] },
      { type: 'null' },
    ]);
    expect(schema.properties.parentFolderId!.anyOf[0]!.enum).toEqual(FOLDERS.map((f) => f.id));
    const article = schema.properties.article!.anyOf[0]!;
    expect(article.additionalProperties).toBe(false);
    expect(article.required.sort()).toEqual(
      ['agentInstruction', 'escalation', 'keywords', 'mainKnowledge', 'questions', 'title'].sort(),
    );
    expect(article.properties.questions!.minItems).toBe(1);
  });

  it('uses null, not an empty enum, when there are no candidates or no folders', () => {
    const { schema } = jsonSchemaOf(buildDecisionSchema(decisionRequest({ candidates: [], folders: [] })));
    expect(schema.properties.targetArticleId!.type).toBe('null');
    expect(schema.properties.parentFolderId!.type).toBe('null');
    expect(JSON.stringify(schema)).not.toContain('"enum":[]');
  });

  it('treats an empty allowed list as every operation, as restrictedOps does', () => {
    const { schema } = jsonSchemaOf(buildDecisionSchema(decisionRequest({ allowedOperations: [] })));
    expect(schema.properties.operation!.enum).toEqual([
      'ADD_ARTICLE_TO_FOLDER',
      'UPDATE_ARTICLE',
      'DO_NOTHING',
    ]);
  });

  it('lists each ID once even when the request repeats one', () => {
    const { schema } = jsonSchemaOf(
      buildDecisionSchema({ ...request, candidates: [REFUND_ARTICLE, REFUND_ARTICLE] }),
    );
    expect(schema.properties.targetArticleId!.anyOf[0]!.enum).toEqual([REFUND_ARTICLE.id]);
  });
});

describe('validateDecision', () => {
  const add = {
    operation: 'ADD_ARTICLE_TO_FOLDER',
    targetArticleId: null,
    parentFolderId: FOLDERS[2]!.id,
    article: ARTICLE,
    reason: 'New topic.',
  };
  const update = {
    ...add,
    operation: 'UPDATE_ARTICLE',
    targetArticleId: SHIPPING_ARTICLE.id,
    parentFolderId: null,
  };
  const nothing = { ...add, operation: 'DO_NOTHING', parentFolderId: null, article: null };

  it('accepts each operation when its answer is complete', () => {
    for (const answer of [add, update, nothing, { ...nothing, targetArticleId: SHIPPING_ARTICLE.id }]) {
      const result = validateDecision(request, answer);
      expect(result).toMatchObject({ ok: true, decision: { operation: answer.operation } });
    }
  });

  it('rejects a hallucinated article ID and names the real candidates', () => {
    const result = validateDecision(request, {
      ...update,
      targetArticleId: 'a1000000-0000-4000-8000-00000000dead',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toContain('is not a candidate article');
    expect(result.problem).toContain(SHIPPING_ARTICLE.id);
    expect(result.problem).toContain("'Delivery times'".replaceAll("'", '"'));
  });

  it('rejects a hallucinated folder ID on ADD_ARTICLE_TO_FOLDER', () => {
    expect(validateDecision(request, { ...add, parentFolderId: 'made-up' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('is not an existing folder'),
    });
  });

  it('rejects a hallucinated target on DO_NOTHING and any target when there are no candidates', () => {
    expect(validateDecision(request, { ...nothing, targetArticleId: 'nope' }).ok).toBe(false);
    const none = validateDecision(decisionRequest(), { ...nothing, targetArticleId: REFUND_ARTICLE.id });
    expect(none).toMatchObject({
      ok: false,
      problem: expect.stringContaining('there are no candidate articles'),
    });
  });

  it('rejects an operation outside the allowed ones and says which are allowed', () => {
    const restricted = { ...request, allowedOperations: ['UPDATE_ARTICLE' as const] };
    const result = validateDecision(restricted, add);
    expect(result).toMatchObject({
      ok: false,
      problem: expect.stringContaining(
        '"ADD_ARTICLE_TO_FOLDER" is not allowed for this source; choose one of UPDATE_ARTICLE',
      ),
    });
    expect(validateDecision(request, { ...add, operation: 'DELETE_ARTICLE' }).ok).toBe(false);
  });

  it('requires an article and a candidate target for UPDATE_ARTICLE', () => {
    expect(validateDecision(request, { ...update, article: null })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('UPDATE_ARTICLE needs the rewritten article'),
    });
    expect(validateDecision(request, { ...update, targetArticleId: null })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('UPDATE_ARTICLE needs targetArticleId'),
    });
  });

  it('requires a folder and an article for ADD_ARTICLE_TO_FOLDER', () => {
    expect(validateDecision(request, { ...add, parentFolderId: null }).ok).toBe(false);
    expect(validateDecision(request, { ...add, article: null }).ok).toBe(false);
  });

  it('keeps a usable intent: drops the field the operation does not use and says so in the reason', () => {
    const cases = [
      {
        answer: { ...nothing, article: ARTICLE },
        note: 'carried an article, which DO_NOTHING does not save',
      },
      { answer: { ...add, targetArticleId: SHIPPING_ARTICLE.id }, note: 'named a target article' },
      { answer: { ...add, targetArticleId: 'not-a-candidate' }, note: 'named a target article' },
      { answer: { ...update, parentFolderId: FOLDERS[0]!.id }, note: 'named a folder, which an update' },
      { answer: { ...update, parentFolderId: 'made-up' }, note: 'named a folder, which an update' },
      { answer: { ...nothing, parentFolderId: FOLDERS[1]!.id }, note: 'named a folder, which DO_NOTHING' },
    ];
    for (const { answer, note } of cases) {
      const result = validateDecision(request, answer);
      expect(result, note).toMatchObject({ ok: true, decision: { operation: answer.operation } });
      if (!result.ok) continue;
      expect(result.decision.reason).toContain(note);
      expect(result.decision.reason.startsWith(answer.reason)).toBe(true);
      if (result.decision.operation === 'DO_NOTHING') expect(result.decision.article).toBeNull();
      if (result.decision.operation === 'ADD_ARTICLE_TO_FOLDER')
        expect(result.decision.targetArticleId).toBeNull();
      if (result.decision.operation !== 'ADD_ARTICLE_TO_FOLDER')
        expect(result.decision.parentFolderId).toBeNull();
    }
  });

  it('still fails an unusable intent: an update without a target, an add without a folder', () => {
    expect(
      validateDecision(request, { ...update, targetArticleId: null, parentFolderId: FOLDERS[0]!.id }).ok,
    ).toBe(false);
    expect(
      validateDecision(request, { ...add, parentFolderId: null, targetArticleId: SHIPPING_ARTICLE.id }).ok,
    ).toBe(false);
  });

  it('rejects empty questions, keywords, title and body, one sentence per problem', () => {
    const empty = { ...ARTICLE, title: '  ', mainKnowledge: '', questions: [' '], keywords: [] };
    const result = validateDecision(request, { ...add, article: empty });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toContain('title is empty');
    expect(result.problem).toContain('(mainKnowledge) is empty');
    expect(result.problem).toContain('no questions');
    expect(result.problem).toContain('no keywords');
  });

  it('rejects answers that are not decision objects, naming the field', () => {
    for (const answer of [null, 'ADD_ARTICLE_TO_FOLDER', [add], 42]) {
      expect(validateDecision(request, answer)).toMatchObject({
        ok: false,
        problem: expect.stringContaining('Answer with a JSON object'),
      });
    }
    const missing: Record<string, unknown> = { ...add };
    delete missing.reason;
    expect(validateDecision(request, missing)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('The field "reason" is missing.'),
    });
    expect(validateDecision(request, { ...add, article: { ...ARTICLE, questions: 'why?' } })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('"article.questions" is invalid'),
    });
  });

  it('words the repair problem by issue code, whatever error map zod is configured with', () => {
    const missing: Record<string, unknown> = { ...add };
    delete missing.reason;
    const wrongType = { ...add, article: { ...ARTICLE, questions: 'why?' } };
    const before = [validateDecision(request, missing), validateDecision(request, wrongType)];
    // What the HTTP edge's messages would do if they were zod's global config.
    z.config({ customError: () => 'is required' });
    try {
      expect([validateDecision(request, missing), validateDecision(request, wrongType)]).toEqual(before);
    } finally {
      z.config({ customError: undefined });
    }
    expect(before[0]).toMatchObject({ problem: expect.stringContaining('The field "reason" is missing.') });
    expect(before[1]).toMatchObject({
      problem: expect.stringContaining('The field "article.questions" is invalid: it must be an array.'),
    });
  });

  it('normalizes what it accepts: trimmed text, no duplicate or blank entries, no stray folder', () => {
    const messy = {
      ...update,
      parentFolderId: FOLDERS[0]!.id,
      reason: '  ',
      article: {
        ...ARTICLE,
        title: '  Shipping times ',
        questions: ['How long?', ' how long? ', '', 'Cost?'],
        keywords: ['shipping', 'Shipping'],
      },
    };
    const result = validateDecision(request, messy);
    expect(result).toEqual({
      ok: true,
      decision: {
        operation: 'UPDATE_ARTICLE',
        targetArticleId: SHIPPING_ARTICLE.id,
        parentFolderId: null,
        article: { ...ARTICLE, questions: ['How long?', 'Cost?'], keywords: ['shipping'] },
        reason:
          'No reason was given by the writer. (The answer also named a folder, which an update does not use; it was ignored.)',
      },
    });
  });
});
