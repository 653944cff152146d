// Unknown body fields are refused (docs/api.md §1, "Bodies"): a typo such as parentFolderID must not
// silently become a default (a top-level folder). The 400 names the field and suggests the closest known
// one. Fields Fini documents as accepted and ignored still pass.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { articleBody, knowledge } from './helpers/knowledge.js';

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

let ctx: TestContext;
let key: TestKey;
beforeAll(async () => {
  ctx = await startTestApp();
  key = await ctx.createKey();
});
afterAll(() => ctx.close());

/** Paths (like `body.junctions[]`) of every object schema in a request body that lets unknown fields in. */
function openObjects(schema: JsonSchema | undefined, where: string): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const found: string[] = [];
  if (schema.properties && schema.additionalProperties !== false) found.push(where);
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    found.push(...openObjects(child, `${where}.${name}`));
  found.push(...openObjects(schema.items, `${where}[]`));
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
    found.push(...openObjects(branch, where));
  return found;
}

describe('unknown body fields', () => {
  it('refuses a misspelt field with 400 naming it and suggesting the known one, and creates nothing', async () => {
    const parent = await knowledge(ctx, key).folder('Billing');
    const response = await ctx
      .http()
      .post('/v2/hc-folders/public')
      .set(key.header)
      .send({ title: 'Refunds', description: '', parentFolderID: parent.id });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION',
      message: 'parentFolderID is not a known field; did you mean parentFolderId?',
      details: [{ field: 'parentFolderID', message: 'is not a known field; did you mean parentFolderId?' }],
    });
    const tree = await ctx.http().get('/v2/hc-folders/public').set(key.header);
    expect(JSON.stringify(tree.body)).not.toContain('Refunds');
  });

  it('names a nested unknown field by its full path', async () => {
    const response = await ctx
      .http()
      .post('/v2/hc-bot-folder-junctions/public')
      .set(key.header)
      .send({ junctions: [{ folderId: randomUUID(), botId: randomUUID(), actoin: 'ADD' }] });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('junctions[0].actoin is not a known field; did you mean action?');
    expect(response.body.details).toContainEqual({
      field: 'junctions[0].actoin',
      message: 'is not a known field; did you mean action?',
    });
  });

  it('names every unknown field, and suggests nothing when no known field is close', async () => {
    const response = await ctx
      .http()
      .post('/v2/knowledge/public/jobs/status')
      .set(key.header)
      .send({ jobIds: [randomUUID()], colour: 'red', zzz: 1 });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('colour, zzz are not known fields');
    expect(response.body.details).toEqual([
      { field: 'colour', message: 'is not a known field' },
      { field: 'zzz', message: 'is not a known field' },
    ]);
  });

  it('quotes an odd or huge unknown key instead of echoing it whole', async () => {
    const huge = 'k'.repeat(200_000);
    const response = await ctx
      .http()
      .post('/v2/knowledge/public/jobs/status')
      .set(key.header)
      .send({ jobIds: [randomUUID()], [huge]: 1, '': 2 });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      { field: JSON.stringify('k'.repeat(100)), message: 'is not a known field' },
      { field: '""', message: 'is not a known field' },
    ]);
    expect(response.text.length).toBeLessThan(1_000);
  });

  it('accepts and ignores the fields Fini documents as ignored on article create', async () => {
    const folder = await knowledge(ctx, key).folder('Ignored fields');
    const response = await ctx
      .http()
      .post('/v2/hc-articles/public')
      .set(key.header)
      .send({
        ...articleBody(folder.id),
        active: false,
        public: false,
        originalArticleId: randomUUID(),
      });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ active: true, public: true, originalArticleId: null });
  });

  it('declares every JSON request body closed in the OpenAPI document', () => {
    const document = ctx.app.swagger() as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
      >;
    };
    const open: string[] = [];
    let bodies = 0;
    for (const [path, methods] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(methods)) {
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        if (!schema) continue;
        bodies += 1;
        open.push(...openObjects(schema, 'body').map((where) => `${method.toUpperCase()} ${path} ${where}`));
      }
    expect(bodies).toBeGreaterThan(15);
    expect(open).toEqual([]);
  });
});
