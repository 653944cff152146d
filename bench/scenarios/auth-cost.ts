// auth: what authentication costs per request. autocannon drives the `api` process with the same number
// of connections on three routes, in alternating rounds: /healthz (no auth, no database), an authenticated
// GET /v2/documents/public?limit=1 (key lookup + one list query), and the same GET with a well-formed key
// that does not exist (the key lookup alone, then 401). Each figure is the median of the rounds' p50s.
import { randomBytes } from 'node:crypto';
import type { BenchContext, Workspace } from '../bench-context.js';
import { load, type LoadResult } from '../bench-http.js';
import { median, round } from '../bench-infra.js';

export interface AuthResult {
  authedP50Ms: number;
  healthP50Ms: number;
  /** authedP50Ms ÷ healthP50Ms. */
  ratio: number;
  unknownKeyP50Ms: number;
  authedReqPerSec: number;
  healthReqPerSec: number;
  unknownKeyReqPerSec: number;
  connections: number;
  rounds: number;
  secondsPerRound: number;
  authedRoute: string;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export async function benchAuth(ctx: BenchContext, workspace: Workspace): Promise<AuthResult> {
  const { authConnections: connections, authRounds: rounds, authSeconds: seconds } = ctx.sizes;
  const authedRoute = '/v2/documents/public?limit=1';
  const unknownKey = `fini_${[...randomBytes(40)].map((byte) => BASE62[byte % 62]).join('')}`;
  const routes = {
    health: { url: `${ctx.api.url}/healthz`, headers: {}, status: '200' },
    authed: { url: `${ctx.api.url}${authedRoute}`, headers: workspace.headers, status: '200' },
    unknownKey: {
      url: `${ctx.api.url}${authedRoute}`,
      headers: { authorization: `Bearer ${unknownKey}` },
      status: '401',
    },
  } as const;
  type Route = keyof typeof routes;
  const order: Route[] = ['health', 'authed', 'unknownKey'];

  const run = async (route: Route, runSeconds: number): Promise<LoadResult> => {
    const result = await load({ ...routes[route], connections, seconds: runSeconds });
    const expected = result.statuses[routes[route].status] ?? 0;
    if (expected !== result.responses || result.errors > 0)
      throw new Error(
        `${route}: expected only ${routes[route].status} answers, got ${JSON.stringify(result.statuses)} and ${result.errors} errors`,
      );
    return result;
  };

  for (const route of order) await run(route, Math.min(1, seconds));
  const results: Record<Route, LoadResult[]> = { health: [], authed: [], unknownKey: [] };
  for (let pass = 0; pass < rounds; pass++) {
    for (const route of pass % 2 === 0 ? order : [...order].reverse())
      results[route].push(await run(route, seconds));
  }
  const p50 = (route: Route) => median(results[route].map((result) => result.p50Ms));
  const rate = (route: Route) => median(results[route].map((result) => result.requestsPerSec));
  return {
    authedP50Ms: round(p50('authed'), 3),
    healthP50Ms: round(p50('health'), 3),
    ratio: round(p50('authed') / p50('health'), 2),
    unknownKeyP50Ms: round(p50('unknownKey'), 3),
    authedReqPerSec: rate('authed'),
    healthReqPerSec: rate('health'),
    unknownKeyReqPerSec: rate('unknownKey'),
    connections,
    rounds,
    secondsPerRound: seconds,
    authedRoute: `GET ${authedRoute}`,
  };
}
