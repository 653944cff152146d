// `distill keys create|list|revoke` through the real CLI, against the test database.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestContext } from './helpers/app.js';
import { lastLine, runCli } from './helpers/processes.js';

let ctx: TestContext;
const env = { DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'warn' };
beforeAll(async () => {
  ctx = await startTestApp();
});
afterAll(() => ctx.close());

// Each CLI run compiles TypeScript on the fly: seconds on a busy machine.
describe('distill keys', { timeout: 60_000 }, () => {
  it('creates a key whose secret is the last line of stdout, and the key works on the API with its scopes', async () => {
    const workspace = `cli-${Date.now()}`;
    const result = await runCli(['keys', 'create', '--workspace', workspace, '--scopes', 'read'], env);
    expect(result.code, result.stderr).toBe(0);
    const key = lastLine(result.stdout);
    expect(key).toMatch(/^fini_[0-9A-Za-z]{40}$/);

    const header = { authorization: `Bearer ${key}` };
    expect((await ctx.http().get('/v2/hc-folders/public').set(header)).status).toBe(200);
    expect(
      (await ctx.http().post('/v2/hc-folders/public').set(header).send({ title: 'x', description: '' }))
        .status,
    ).toBe(403);

    // A second key for the same workspace lands in the same workspace.
    const second = await runCli(['keys', 'create', '--workspace', workspace], env);
    const tree1 = await ctx.http().get('/v2/hc-folders/public').set(header);
    const tree2 = await ctx
      .http()
      .get('/v2/hc-folders/public')
      .set({ authorization: `Bearer ${lastLine(second.stdout)}` });
    expect(tree2.body.id).toBe(tree1.body.id);
  });

  it('lists keys by prefix without their secrets, and revokes one so it stops working', async () => {
    const created = await runCli(['keys', 'create', '--workspace', `cli-${Date.now()}`], env);
    const key = lastLine(created.stdout);
    const id = /Created key ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    expect(id).toBeDefined();

    const listed = await runCli(['keys', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${id}  ${key.slice(0, 12)}…`);
    expect(listed.stdout).not.toContain(key);

    const revoked = await runCli(['keys', 'revoke', id!], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked key ${id}`);
    expect(
      (
        await ctx
          .http()
          .get('/v2/hc-folders/public')
          .set({ authorization: `Bearer ${key}` })
      ).status,
    ).toBe(401);
    const again = await runCli(['keys', 'revoke', id!], env);
    expect(again.stdout, again.stderr).toContain('already revoked');
    expect((await runCli(['keys', 'list'], env)).stdout).toMatch(new RegExp(`${id}.*revoked`));
  });

  it('explains bad usage with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['keys', 'create'], /--workspace/],
      [
        ['keys', 'create', '--workspace', 'w', '--scopes', 'admin'],
        /--scopes must be a comma-separated list of read, write \(got "admin"\)/,
      ],
      [['keys', 'revoke', 'nope'], /key ID/],
      [['keys', 'revoke', '00000000-0000-4000-8000-000000000000'], /no API key with ID/],
      [['launch'], /unknown command "launch"/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });

  it('applies migrations with `distill migrate`', async () => {
    const result = await runCli(['migrate'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Migrations are up to date.');
  });
});
