// The app with its queue workers and the openai writer against the fake model server (and, for tests that
// ingest, the fixture web site): the setup most generation tests share.
import { startTestApp, type TestContext } from './app.js';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai.js';
import { startFixtureServer, type Fixture } from './fixture-server.js';

export interface ModelTestApp {
  fake: FakeOpenAI;
  ctx: TestContext;
  /** Closes the app, then the servers it talks to. */
  close(): Promise<void>;
}

/** With the fixture web site too. */
export type ModelSiteTestApp = ModelTestApp & { site: Fixture };

/** Settings for the openai writer against the fake model server at `url`. */
export const fakeModelEnv = (url: string) => ({
  LLM_PROVIDER: 'openai',
  OPENAI_BASE_URL: url,
  OPENAI_API_KEY: 'sk-test',
});

export async function startModelTestApp(options: {
  env?: Record<string, string>;
  site: true;
}): Promise<ModelSiteTestApp>;
export async function startModelTestApp(options?: { env?: Record<string, string> }): Promise<ModelTestApp>;
export async function startModelTestApp(
  options: { env?: Record<string, string>; site?: boolean } = {},
): Promise<ModelTestApp & { site?: Fixture }> {
  const fake = await startFakeOpenAI();
  const site = options.site ? await startFixtureServer() : undefined;
  const ctx = await startTestApp({ ...fakeModelEnv(fake.url), ...options.env }, { workers: true });
  return {
    fake,
    site,
    ctx,
    async close() {
      await ctx.close();
      await site?.close();
      await fake.close();
    },
  };
}
