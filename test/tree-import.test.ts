// Tree import `POST /v2/knowledge/public/tree/persist` (multipart CSV): nested folders, draft stubs,
// all-or-nothing on a bad row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTreeCsv, keywordsFromTitle, parseTreeCsv } from '../src/knowledge/tree-csv.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { knowledge, type WireArticle } from './helpers/knowledge.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

interface Node {
  id: string;
  title: string;
  description: string;
  type: string;
  children: Node[];
}

const upload = (key: TestKey, csv: string | Buffer, field = 'file') =>
  ctx
    .http()
    .post('/v2/knowledge/public/tree/persist')
    .set(key.header)
    .attach(field, Buffer.isBuffer(csv) ? csv : Buffer.from(csv), {
      filename: 'tree.csv',
      contentType: 'text/csv',
    });

async function tree(key: TestKey): Promise<Node[]> {
  const response = await ctx.http().get('/v2/hc-folders/public').set(key.header);
  return response.body.snapshotObjV2 as Node[];
}

const shape = (nodes: Node[]): unknown[] =>
  nodes.map((node) => (node.children.length ? { [node.title]: shape(node.children) } : node.title));

const CSV = [
  'type,folder_path,title,description',
  'folder,,Billing,Plans and invoices',
  'folder,Billing,Refunds,Money back',
  'article,Billing/Refunds,How do I get a refund?,"Open Billing, then Refunds.\nRefunds take 5 days."',
  'article,Account / Security,Reset your password,Use the Forgot password link.',
  '',
  'folder,Account,Profile,',
].join('\n');

describe('tree import', () => {
  it('creates nested folders along the paths and draft stubs in them', async () => {
    const key = await ctx.createKey();
    const response = await upload(key, CSV);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({
      status: 'COMPLETED',
      message: 'Imported 5 rows: created 5 folders and 2 draft articles',
      foldersCreated: 5,
      foldersExisting: 0,
      articlesCreated: 2,
    });
    // Drafts are not in the tree (it shows live articles), so the tree holds the folders only.
    expect(shape(await tree(key))).toEqual([{ Billing: ['Refunds'] }, { Account: ['Profile', 'Security'] }]);
    const billing = (await tree(key))[0]!;
    expect(billing.description).toBe('Plans and invoices');

    const drafts = await ctx.http().get('/v2/hc-articles/public?type=draft').set(key.header);
    const byTitle = new Map((drafts.body.articles as WireArticle[]).map((a) => [a.title, a]));
    expect(byTitle.get('How do I get a refund?')).toMatchObject({
      isDraft: true,
      mainKnowledge: 'Open Billing, then Refunds.\nRefunds take 5 days.',
      questions: ['How do I get a refund?'],
      keywords: ['refund'], // 'get' is filler (lib/stop-words.ts)
      agentInstruction: '',
      origin: 'tree-import',
      parentFolderId: billing.children[0]!.id,
    });
  });

  it('matches existing folders by title, case-insensitively, under the same parent', async () => {
    const key = await ctx.createKey();
    const kb = knowledge(ctx, key);
    const billing = await kb.folder('Billing');
    const response = await upload(
      key,
      'type,folder_path,title,description\nfolder,BILLING,Refunds,\nfolder,,billing,New description\n',
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ foldersCreated: 1, foldersExisting: 1 });
    const nodes = await tree(key);
    expect(shape(nodes)).toEqual([{ Billing: ['Refunds'] }]);
    expect(nodes[0]).toMatchObject({ id: billing.id, description: 'Billing articles' });
  });

  it('rejects the whole file with 400 naming the line and column of a bad row, writing nothing', async () => {
    const key = await ctx.createKey();
    const bad = `${CSV}\narticle,,Orphan,No folder given`;
    const response = await upload(key, bad);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'VALIDATION',
      message: "file line 9, column folder_path: must name the article's folder",
      details: [{ field: 'file', line: 9, column: 'folder_path' }],
    });
    expect(await tree(key)).toEqual([]);
    const articles = await ctx.http().get('/v2/hc-articles/public').set(key.header);
    expect(articles.body.articles).toEqual([]);
  });

  it.each([
    [
      'type,path,title,description\nfolder,,A,',
      'file line 1: header must be type,folder_path,title,description',
    ],
    ['type,folder_path,title,description\n', 'file line 1: the file has no rows after the header'],
    [
      'type,folder_path,title,description\nfile,,A,',
      'file line 2, column type: must be folder or article, not "file"',
    ],
    ['type,folder_path,title,description\nfolder,,,x', 'file line 2, column title: must not be empty'],
    [
      'type,folder_path,title,description\nfolder,,A/B,',
      'file line 2, column title: must not contain "/" (it separates folder titles)',
    ],
    [
      'type,folder_path,title,description\narticle,A,T,',
      "file line 2, column description: must not be empty: it becomes the article's body",
    ],
    ['type,folder_path,title,description\nfolder,,A,\nfolder,,B', 'file line 3: expect 4, got 3 on line 3'],
    [
      'type,folder_path,title,description\r\nfolder,,"A\r\nB",x\r\nfolder,,"C',
      'file line 4: Quote Not Closed: the parsing is finished with an opening quote at line 4',
    ],
  ])('names the problem of %j', async (csv, message) => {
    const key = await ctx.createKey();
    const response = await upload(key, csv);
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(message);
  });

  it('answers 400 without a "file" part, 415 for a non-multipart body and 413 for a file over 1 MiB', async () => {
    const key = await ctx.createKey();
    const wrongField = await upload(key, CSV, 'csv');
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.message).toBe('file is required (multipart field "file")');

    const json = await ctx
      .http()
      .post('/v2/knowledge/public/tree/persist')
      .set(key.header)
      .send({ file: CSV });
    expect(json.status).toBe(415);

    const big = Buffer.alloc(1_048_577, 'a');
    const tooLarge = await upload(key, big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps each workspace’s folders apart: an import never matches another workspace’s folder', async () => {
    const key = await ctx.createKey();
    const other = await ctx.createKey();
    await knowledge(ctx, other).folder('Billing');
    const response = await upload(key, 'type,folder_path,title,description\nfolder,,Billing,\n');
    expect(response.body).toMatchObject({ foldersCreated: 1, foldersExisting: 0 });
    expect(shape(await tree(other))).toEqual(['Billing']);
    expect((await tree(other))[0]!.description).toBe('Billing articles');
  });
});

describe('tree CSV parser', () => {
  it('accepts a BOM, CRLF line ends and quoted fields, and reports where each row starts', () => {
    const rows = parseTreeCsv(
      Buffer.from(
        '\uFEFFtype,folder_path,title,description\r\nfolder,,"A, B","two\r\nlines"\r\n\r\narticle,A/,T,d\r\n',
      ),
    );
    expect(rows).toEqual([
      { type: 'folder', folderPath: '', path: [], title: 'A, B', description: 'two\nlines', line: 2 },
      { type: 'article', folderPath: 'A/', path: ['A'], title: 'T', description: 'd', line: 5 },
    ]);
  });

  it('escapes formula cells in the template (OWASP CSV injection) and imports them back unescaped', () => {
    const risky = ['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)', '\tTab', '\rReturn'];
    const csv = formatTreeCsv([
      { type: 'folder', folderPath: risky[0]!, title: risky[0]!, description: risky[1]! },
      ...risky.map((title) => ({
        type: 'article' as const,
        folderPath: `${risky[0]!}/${risky[2]!}`,
        title,
        description: title,
      })),
    ]);
    // A spreadsheet must see text: no cell of the file starts with a formula character.
    const raw = csv.split('\n').slice(1).join('\n');
    expect(raw).not.toMatch(/(^|,)"?[=+\-@\t\r]/m);
    expect(raw).toContain(`'=HYPERLINK`);

    const rows = parseTreeCsv(csv);
    expect(rows[0]).toMatchObject({ type: 'folder', title: risky[0], description: risky[1] });
    expect(rows.slice(1).map((row) => row.title)).toEqual(risky.map((title) => title.trim()));
    expect(rows[1]!.path).toEqual([risky[0], risky[2]]);
  });

  it('derives keywords from a title without stop words', () => {
    expect(keywordsFromTitle('How do I reset my Password?')).toEqual(['reset', 'password']);
    expect(keywordsFromTitle('A')).toEqual(['a']);
  });
});
