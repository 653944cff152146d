import { describe, expect, it } from 'vitest';
import type { Operation } from '../src/lib/operations.js';
import { validateDecision } from '../src/writers/decision-schema.js';
import { articleFromSource, OFFLINE_BODY_MAX_CHARS, toQuestion } from '../src/writers/offline-article.js';
import { createOfflineWriter } from '../src/writers/offline-writer.js';
import type { CandidateArticle, Decision, DecisionRequest } from '../src/writers/writer.js';
import {
  decisionRequest,
  FOLDERS,
  PASSWORD_PAGE,
  REFUND_ARTICLE,
  REFUND_PAGE,
  REFUND_PAGE_REVISED,
  SHIPPING_ARTICLE,
  SHIPPING_PAGE,
  TWO_FACTOR_ARTICLE,
} from './helpers/writer-fixtures.js';

const writer = createOfflineWriter();

/** Decides and checks that the pipeline's validator accepts the answer. */
async function decide(request: DecisionRequest): Promise<Decision> {
  const { answer, usage, trimNotes } = await writer.decide(request);
  expect(usage).toEqual({ promptTokens: 0, completionTokens: 0, cachedTokens: 0 });
  expect(trimNotes).toEqual([]);
  const verdict = validateDecision(request, answer);
  if (!verdict.ok) throw new Error(`offline answer rejected: ${verdict.problem}`);
  return verdict.decision;
}

/** The article this writer would have written from `page`, stored as a live candidate. */
function storedFrom(page: typeof REFUND_PAGE, extra: Partial<CandidateArticle> = {}): CandidateArticle {
  const article = articleFromSource(page);
  return {
    id: 'a2000000-0000-4000-8000-000000000001',
    title: article.title,
    mainKnowledge: article.mainKnowledge,
    questions: article.questions,
    keywords: article.keywords,
    parentFolderId: FOLDERS[1]!.id,
    version: 3,
    linked: false,
    ...extra,
  };
}

const ALL: Operation[] = ['ADD_ARTICLE_TO_FOLDER', 'UPDATE_ARTICLE', 'DO_NOTHING'];

describe('offline writer: operations', () => {
  it('adds a page on a new topic to the folder that fits it best', async () => {
    const shipping = await decide(
      decisionRequest({ source: SHIPPING_PAGE, candidates: [REFUND_ARTICLE, TWO_FACTOR_ARTICLE] }),
    );
    expect(shipping).toMatchObject({
      operation: 'ADD_ARTICLE_TO_FOLDER',
      targetArticleId: null,
      parentFolderId: FOLDERS[2]!.id,
    });
    expect(shipping.reason).toMatch(
      /^Offline writer: no existing article is about the page's subject \(closest .*\), so a new article is extracted from the page into the folder 'Shipping' \(the page's breadcrumb or address names it\)\.$/u,
    );

    const password = await decide(decisionRequest({ source: PASSWORD_PAGE, candidates: [REFUND_ARTICLE] }));
    expect(password).toMatchObject({ operation: 'ADD_ARTICLE_TO_FOLDER', parentFolderId: FOLDERS[3]!.id });
  });

  it('falls back to the first folder when no folder resembles the page', async () => {
    const folders = [
      { id: 'f0000000-0000-4000-8000-000000000001', path: 'Misc', description: '' },
      { id: 'f0000000-0000-4000-8000-000000000002', path: 'Legal', description: 'Terms and privacy.' },
    ];
    const decision = await decide(decisionRequest({ source: SHIPPING_PAGE, folders }));
    expect(decision.parentFolderId).toBe(folders[0]!.id);
    expect(decision.reason).toContain('no folder matched the page, so the first one is used');
  });

  it('does nothing when an article already has the same content as the page', async () => {
    // Written earlier from this page by the offline writer, but not linked (e.g. another source URL).
    const same = storedFrom(REFUND_PAGE);
    const decision = await decide(
      decisionRequest({ source: REFUND_PAGE, candidates: [SHIPPING_ARTICLE, same] }),
    );
    expect(decision).toEqual({
      operation: 'DO_NOTHING',
      targetArticleId: same.id,
      parentFolderId: null,
      article: null,
      reason:
        "Offline writer: the page has the same content as 'Refund policy' (similarity 1.00), so nothing changes.",
    });

    // Pasted by a person: the page's whole text, formatted differently.
    const pasted = {
      ...SHIPPING_ARTICLE,
      mainKnowledge: SHIPPING_PAGE.paragraphs.join('\n').replaceAll('#', '').toUpperCase(),
    };
    const again = await decide(
      decisionRequest({ source: SHIPPING_PAGE, candidates: [REFUND_ARTICLE, pasted] }),
    );
    expect(again).toMatchObject({ operation: 'DO_NOTHING', targetArticleId: pasted.id });
  });

  it('does nothing when the linked article still matches its page', async () => {
    const linked = storedFrom(REFUND_PAGE, { linked: true });
    const decision = await decide(
      decisionRequest({ source: REFUND_PAGE, candidates: [linked, REFUND_ARTICLE] }),
    );
    expect(decision).toMatchObject({ operation: 'DO_NOTHING', targetArticleId: linked.id });
  });

  it('updates the linked article from a revised page, even when one number changed', async () => {
    const linked = storedFrom(REFUND_PAGE, { linked: true });
    const decision = await decide(
      decisionRequest({ source: REFUND_PAGE_REVISED, candidates: [linked, REFUND_ARTICLE] }),
    );
    expect(decision).toMatchObject({
      operation: 'UPDATE_ARTICLE',
      targetArticleId: linked.id,
      parentFolderId: null,
    });
    expect(decision.article!.mainKnowledge).toContain('within 14 days of purchase');
    expect(decision.article!.questions).toContain('Refunds to expired cards: what do I need to know?');
    expect(decision.reason).toMatch(
      /^Offline writer: the page is the source of 'Refund policy' \(similarity 0\.\d\d\) and its content changed, so the article is rewritten from the page\.$/u,
    );

    // A one-word change (30 → 14 days only) is still a change.
    const oneNumber = {
      ...REFUND_PAGE,
      paragraphs: REFUND_PAGE.paragraphs.map((p) => p.replace('30 days of', '14 days of')),
    };
    const small = await decide(decisionRequest({ source: oneNumber, candidates: [linked] }));
    expect(small.operation).toBe('UPDATE_ARTICLE');
  });

  it('updates the best-matching article when the page covers its subject differently', async () => {
    const decision = await decide(
      decisionRequest({
        source: REFUND_PAGE,
        candidates: [SHIPPING_ARTICLE, REFUND_ARTICLE, TWO_FACTOR_ARTICLE],
      }),
    );
    expect(decision).toMatchObject({ operation: 'UPDATE_ARTICLE', targetArticleId: REFUND_ARTICLE.id });
    expect(decision.reason).toMatch(
      /^Offline writer: the page is about the subject of 'Getting a refund' \(similarity 0\.\d\d\) and adds to it/u,
    );
  });

  it('gives the same answer for the same request', async () => {
    const request = decisionRequest({
      source: REFUND_PAGE_REVISED,
      candidates: [REFUND_ARTICLE, SHIPPING_ARTICLE],
    });
    const [a, b] = await Promise.all([writer.decide(request), writer.decide(request)]);
    expect(a).toEqual(b);
  });
});

describe('offline writer: restricted operations', () => {
  const linked = storedFrom(REFUND_PAGE, { linked: true });
  const cases: {
    name: string;
    request: DecisionRequest;
    allowed: Operation[];
    expected: Partial<Decision>;
  }[] = [
    {
      name: 'a new topic with adding forbidden does nothing',
      request: decisionRequest({ source: SHIPPING_PAGE, candidates: [REFUND_ARTICLE] }),
      allowed: ['UPDATE_ARTICLE', 'DO_NOTHING'],
      expected: { operation: 'DO_NOTHING', targetArticleId: null },
    },
    {
      name: 'a new topic with only updates allowed rewrites the closest article, as asked',
      request: decisionRequest({ source: SHIPPING_PAGE, candidates: [REFUND_ARTICLE, TWO_FACTOR_ARTICLE] }),
      allowed: ['UPDATE_ARTICLE'],
      expected: { operation: 'UPDATE_ARTICLE' },
    },
    {
      name: 'a changed linked page with updates forbidden does nothing rather than duplicate the article',
      request: decisionRequest({ source: REFUND_PAGE_REVISED, candidates: [linked] }),
      allowed: ['ADD_ARTICLE_TO_FOLDER', 'DO_NOTHING'],
      expected: { operation: 'DO_NOTHING', targetArticleId: linked.id },
    },
    {
      name: 'a page similar to an article with updates forbidden becomes a new article',
      request: decisionRequest({ source: REFUND_PAGE, candidates: [REFUND_ARTICLE] }),
      allowed: ['ADD_ARTICLE_TO_FOLDER', 'DO_NOTHING'],
      expected: { operation: 'ADD_ARTICLE_TO_FOLDER', parentFolderId: FOLDERS[1]!.id },
    },
    {
      name: 'unchanged content with DO_NOTHING forbidden rewrites the same article',
      request: decisionRequest({ source: REFUND_PAGE, candidates: [linked] }),
      allowed: ['UPDATE_ARTICLE', 'ADD_ARTICLE_TO_FOLDER'],
      expected: { operation: 'UPDATE_ARTICLE', targetArticleId: linked.id },
    },
    {
      name: 'only DO_NOTHING allowed does nothing',
      request: decisionRequest({ source: SHIPPING_PAGE, candidates: [REFUND_ARTICLE] }),
      allowed: ['DO_NOTHING'],
      expected: { operation: 'DO_NOTHING', article: null },
    },
  ];

  for (const { name, request, allowed, expected } of cases) {
    it(name, async () => {
      const decision = await decide({ ...request, allowedOperations: allowed });
      expect(decision).toMatchObject(expected);
      expect(allowed).toContain(decision.operation);
      expect(decision.reason).toMatch(/^Offline writer: .+\.$/u);
    });
  }

  it('answers with a clear, rejectable decision when only updates are allowed and nothing exists to update', async () => {
    const request = decisionRequest({
      source: SHIPPING_PAGE,
      candidates: [],
      allowedOperations: ['UPDATE_ARTICLE'],
    });
    const { answer } = await writer.decide(request);
    expect(answer).toMatchObject({
      operation: 'UPDATE_ARTICLE',
      targetArticleId: null,
      reason: 'Offline writer: only UPDATE_ARTICLE is allowed, but there is no existing article to update.',
    });
    expect(validateDecision(request, answer)).toEqual({
      ok: false,
      problem:
        'UPDATE_ARTICLE needs targetArticleId set to the article to rewrite; there are no candidate articles.',
    });
  });

  it('always answers within the allowed operations otherwise', async () => {
    const subsets: Operation[][] = [
      ALL,
      ['ADD_ARTICLE_TO_FOLDER'],
      ['DO_NOTHING'],
      ['UPDATE_ARTICLE', 'DO_NOTHING'],
    ];
    for (const allowedOperations of subsets) {
      for (const source of [REFUND_PAGE, REFUND_PAGE_REVISED, SHIPPING_PAGE, PASSWORD_PAGE]) {
        const request = decisionRequest({
          source,
          candidates: [linked, SHIPPING_ARTICLE],
          allowedOperations,
        });
        const decision = await decide(request);
        expect(allowedOperations).toContain(decision.operation);
      }
    }
  });
});

describe('offline writer: the article', () => {
  it('takes the title from the page, headings as questions, frequent terms as keywords', () => {
    const article = articleFromSource(REFUND_PAGE);
    expect(article.title).toBe('Refund policy');
    expect(article.questions).toEqual([
      'Who can get a refund?',
      'How do I request a refund?',
      'Refunds for annual plans: what do I need to know?',
    ]);
    expect(article.keywords[0]).toBe('refund');
    expect(article.keywords).toEqual(expect.arrayContaining(['policy', 'annual']));
    expect(article.keywords.length).toBeLessThanOrEqual(8);
    expect(article.mainKnowledge.startsWith('You can ask for a refund within 30 days')).toBe(true);
    expect(article.mainKnowledge).toContain('## How to request a refund');
    expect(article.mainKnowledge).not.toContain('# Refund policy');
    expect(article.agentInstruction).toContain('https://help.acme.test/refund-policy');
    expect(article.agentInstruction).toContain('without a language model');
    expect(article.escalation).toBe(false);
  });

  it('turns the title into a question when the page has no headings', () => {
    expect(articleFromSource(PASSWORD_PAGE).questions).toEqual(['How do I reset my password?']);
  });

  it('keeps the body to the leading part of a long page', () => {
    const long = {
      ...SHIPPING_PAGE,
      paragraphs: [
        ...SHIPPING_PAGE.paragraphs,
        ...Array.from({ length: 200 }, (_, i) => `Paragraph ${i} about couriers.`),
      ],
    };
    const body = articleFromSource(long).mainKnowledge;
    expect(body.length).toBeLessThanOrEqual(OFFLINE_BODY_MAX_CHARS);
    expect(body.startsWith('Standard shipping takes 3 to 5 business days')).toBe(true);
    expect(body).not.toContain('Paragraph 199');

    const oneBlock = { ...SHIPPING_PAGE, paragraphs: ['word '.repeat(2_000)] };
    const cut = articleFromSource(oneBlock).mainKnowledge;
    expect(cut.length).toBeLessThanOrEqual(OFFLINE_BODY_MAX_CHARS + 1);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('finds a title when the page has none', () => {
    expect(articleFromSource({ ...SHIPPING_PAGE, title: '' }).title).toBe('Shipping times and tracking');
    expect(articleFromSource({ ...PASSWORD_PAGE, title: ' ' }).title).toBe(
      'Forgot your password? On the sign-in page click…',
    );
    expect(articleFromSource({ ...PASSWORD_PAGE, title: '', paragraphs: [] }).title).toBe('Password');
  });

  it('phrases headings as customer questions', () => {
    expect(toQuestion('How to change your email address')).toBe('How do I change my email address?');
    expect(toQuestion('Cancel your subscription')).toBe('How do I cancel my subscription?');
    expect(toQuestion('Can I pause my plan')).toBe('Can I pause my plan?');
    expect(toQuestion('Is there a free trial?')).toBe('Is there a free trial?');
    expect(toQuestion('Acme Pro pricing:')).toBe('Acme Pro pricing: what do I need to know?');
  });
});

describe('offline writer: proposeTree', () => {
  it('turns the topics named in the prompt into folders with a stub article each', async () => {
    const { rows, usage } = await writer.proposeTree(
      'A help center for Acme, an online shoe store. Topics: orders, shipping, returns and refunds, payments, your account.',
    );
    expect(usage).toEqual({ promptTokens: 0, completionTokens: 0, cachedTokens: 0 });
    const folders = rows.filter((r) => r.type === 'folder').map((r) => r.folderPath);
    expect(folders).toEqual([
      'Getting started',
      'Orders',
      'Shipping',
      'Returns',
      'Refunds',
      'Payments',
      'Account',
    ]);
    const articles = rows.filter((r) => r.type === 'article');
    expect(articles.map((r) => r.folderPath)).toEqual(folders);
    expect(articles[1]).toEqual({
      type: 'article',
      folderPath: 'Orders',
      title: 'Orders: overview',
      description: 'The essentials of orders; a stub to fill in.',
    });
    expect(rows.every((r) => r.description !== '')).toBe(true);
  });

  it('reads bullet lists, and falls back to frequent terms when the prompt lists nothing', async () => {
    const bullets = await writer.proposeTree(
      'Our help center covers:\n- Billing & invoices\n- Team management\n- Integrations',
    );
    expect(bullets.rows.filter((r) => r.type === 'folder').map((r) => r.title)).toEqual([
      'Getting started',
      'Billing',
      'Invoices',
      'Team management',
      'Integrations',
    ]);
    const prose = await writer.proposeTree(
      'Support articles for photographers who sell prints online with photographers galleries',
    );
    const titles = prose.rows.filter((r) => r.type === 'folder').map((r) => r.title);
    expect(titles[0]).toBe('Getting started');
    expect(titles).toContain('Photographers');
    expect(await writer.proposeTree('x')).toEqual(await writer.proposeTree('x'));
  });
});
