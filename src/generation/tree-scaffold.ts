// POST /v2/knowledge/public/tree/initialize calls the model inside the HTTP request; this puts that call
// behind the same limits as the generate queue's: the workspace's daily token quota and the model limiter.
import type { Metrics } from '../lib/metrics.js';
import type { Writer } from '../writers/writer.js';
import type { ModelLimiter } from './model-limiter.js';
import type { WorkspaceQuotas } from './workspace-quotas.js';

export function createTreeScaffold(deps: {
  writer: Writer;
  limiter: ModelLimiter;
  quotas: Pick<WorkspaceQuotas, 'assertTokensLeft' | 'recordTokens'>;
  metrics?: Pick<Metrics, 'recordModelCall'>;
}) {
  const { writer, limiter, quotas, metrics } = deps;
  return {
    /** The writer's proposed tree for the prompt; 429 when the quota or the limiter says no. */
    async propose(workspaceId: string, prompt: string) {
      await quotas.assertTokensLeft(workspaceId);
      await limiter.acquire();
      const { rows, usage } = await writer.proposeTree(prompt);
      metrics?.recordModelCall(writer, usage);
      await quotas.recordTokens(workspaceId, usage);
      return rows;
    },
  };
}

export type TreeScaffold = ReturnType<typeof createTreeScaffold>;
