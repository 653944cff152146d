// `distill sync [--wait]` through the real CLI against a listening test server: it starts a run, follows
// it to COMPLETED and prints the counts; without a key it is a usage error. The bar's rendering too.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlPage } from './helpers/fixture-server.js';
import { runCli } from './helpers/processes.js';
import { ingestOne, startIngestTestApp, stopIngestTestApp } from './helpers/sources.js';
import type { TestContext } from './helpers/app.js';
import type { Fixture } from './helpers/fixture-server.js';
import { progressBar } from '../src/sync/sync-cli.js';

let ctx: TestContext;
let site: Fixture;
let url: string;
beforeAll(async () => {
  ({ ctx, site } = await startIngestTestApp());
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
});
afterAll(() => stopIngestTestApp(ctx, site));

describe('distill sync', { timeout: 90_000 }, () => {
  it('--wait starts a run, follows it to COMPLETED and prints its counts', async () => {
    const key = await ctx.createKey();
    site.setPage('/cli-sync/a', { body: htmlPage('A', '<p>Page A explains how the first thing works.</p>') });
    site.setPage('/cli-sync/b', {
      body: htmlPage('B', '<p>Page B explains how the second thing works.</p>'),
    });
    await ingestOne(ctx, key, site.url('/cli-sync/a'));
    await ingestOne(ctx, key, site.url('/cli-sync/b'));

    const result = await runCli(['sync', '--wait', '--url', url], { DISTILL_API_KEY: key.key });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^sync run [0-9a-f-]{36}\n/);
    expect(result.stdout).toContain(
      'COMPLETED: 2 sources, 0 changed, 0 failed, 0 gone, 0 suspect; 0 jobs, 0 drafts',
    );
    const runs = await ctx.http().get('/v2/sync/public/runs').set(key.header);
    expect(runs.body.runs).toHaveLength(1);
  });

  it('without DISTILL_API_KEY exits 2 naming it', async () => {
    const result = await runCli(['sync', '--url', url], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DISTILL_API_KEY');
  });
});

describe('progressBar', () => {
  it('fills in proportion to the work done', () => {
    expect(progressBar('REFRESHING', 3, 4, 8)).toBe('REFRESHING [######--] 3/4');
    expect(progressBar('GENERATING', 0, 0, 4)).toBe('GENERATING [----] 0/0');
  });
});
