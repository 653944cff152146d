// The review console's serving (GET /console, hashed assets, CSP, caching), its build-staleness hash,
// and the key-info route the console uses to tell a read-only key from a read/write one.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSourceHash } from '../src/console/console-build.js';
import { CONSOLE_CSP, consoleRoutes } from '../src/console/console-routes.js';
import { registerSecurityHeaders } from '../src/http/security-headers.js';
import { startTestApp, type TestContext } from './helpers/app.js';

describe('GET /console', () => {
  let dist: string;
  let app: ReturnType<typeof Fastify>;

  beforeAll(async () => {
    dist = await mkdtemp(path.join(os.tmpdir(), 'console-dist-'));
    await mkdir(path.join(dist, 'assets'));
    await writeFile(
      path.join(dist, 'index.html'),
      '<!doctype html><script src="/console/assets/app-1a2b.js"></script>',
    );
    await writeFile(path.join(dist, 'assets', 'app-1a2b.js'), 'console.log("hi")');
    await writeFile(path.join(dist, 'assets', 'app-1a2b.css'), 'body{}');
    app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    await registerSecurityHeaders(app, { corsOrigins: [] });
    await app.register(consoleRoutes(dist));
    await app.register(consoleRoutes(path.join(dist, 'missing')), { prefix: '/unbuilt' });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('serves index.html uncached, with a CSP that allows only this server', async () => {
    for (const url of ['/console', '/console/']) {
      const res = await supertest(app.server).get(url).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.text).toContain('/console/assets/app-1a2b.js');
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(CONSOLE_CSP).toContain("connect-src 'self'");
  });

  it('serves hashed assets as immutable for a year, with their content type', async () => {
    const js = await supertest(app.server).get('/console/assets/app-1a2b.js').expect(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.text).toBe('console.log("hi")');
    const css = await supertest(app.server).get('/console/assets/app-1a2b.css').expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for unknown assets, other file types and escapes from the assets directory', async () => {
    await supertest(app.server).get('/console/assets/nope-0000.js').expect(404);
    await supertest(app.server).get('/console/assets/index.html').expect(404);
    await supertest(app.server).get('/console/assets/..%2Findex.html').expect(404);
    await supertest(app.server).get('/console/assets/%2e%2e%2f%2e%2e%2fpackage.json').expect(404);
  });

  it('says how to build the console when it is not built', async () => {
    const res = await supertest(app.server).get('/unbuilt/console').expect(503);
    expect(res.text).toContain('`npm start` builds it');
  });
});

describe('consoleSourceHash', () => {
  it('changes when a console source changes, and only then', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'console-src-'));
    try {
      await mkdir(path.join(dir, 'src'));
      await mkdir(path.join(dir, 'dist'));
      await writeFile(path.join(dir, 'src', 'a.tsx'), 'one');
      const first = await consoleSourceHash(dir);
      await writeFile(path.join(dir, 'dist', 'built.js'), 'output does not count');
      expect(await consoleSourceHash(dir)).toBe(first);
      await writeFile(path.join(dir, 'src', 'a.tsx'), 'two');
      expect(await consoleSourceHash(dir)).not.toBe(first);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /v2/keys/public/me', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  it("answers the key's workspace and scopes", async () => {
    const full = await ctx.createKey();
    const res = await ctx.http().get('/v2/keys/public/me').set(full.header).expect(200);
    expect(res.body).toEqual({ workspaceId: full.workspaceId, scopes: ['read', 'write'] });
    const reader = await ctx.createKey({ scopes: ['read'] });
    const readOnly = await ctx.http().get('/v2/keys/public/me').set(reader.header).expect(200);
    expect(readOnly.body).toEqual({ workspaceId: reader.workspaceId, scopes: ['read'] });
  });

  it('refuses a missing or unknown key (401) and a key without read (403)', async () => {
    await ctx.http().get('/v2/keys/public/me').expect(401);
    await ctx
      .http()
      .get('/v2/keys/public/me')
      .set({ authorization: `Bearer fini_${'x'.repeat(40)}` })
      .expect(401);
    const writer = await ctx.createKey({ scopes: ['write'] });
    const res = await ctx.http().get('/v2/keys/public/me').set(writer.header).expect(403);
    expect(res.body.message).toBe("this API key lacks the 'read' scope");
  });
});
