// Progress of "Regenerate changed", step by step, then the batch it started, live.
import { useEffect, useState } from 'react';
import type { Batch } from '../api/review-types.js';
import type { RegenerateStep } from '../lib/regenerate.js';
import { ProgressBar } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';
import { BatchCard } from './batch-card.js';

export function describeStep(step: RegenerateStep): string {
  switch (step.step) {
    case 'listing':
      return 'Listing the sources…';
    case 'refreshing':
      return `Refreshing ${step.total} source(s)…`;
    case 'waiting':
      return `Waiting for the refresh: ${step.done} of ${step.total} done${step.failed ? `, ${step.failed} failed` : ''}…`;
    case 'finding':
      return 'Finding the sources that changed…';
    case 'generating':
      return `Generating update drafts for ${step.changed} changed source(s)…`;
    case 'nothing-changed':
      return `No source changed (${step.refreshed} refreshed${step.failed ? `, ${step.failed} failed` : ''}). Nothing to regenerate.`;
    case 'done':
      return `${step.changed} changed source(s) are being regenerated as update drafts (${step.refreshed} refreshed${step.failed ? `, ${step.failed} failed` : ''}).`;
  }
}

export function BatchById({ id }: { id: string }) {
  const { client } = useSession();
  const [batch, setBatch] = useState<Batch | null>(null);
  useEffect(() => {
    client.batch(id).then(setBatch, () => undefined);
  }, [client, id]);
  return batch ? <BatchCard initial={batch} highlighted={false} /> : null;
}

export function RegeneratePanel({ step }: { step: RegenerateStep }) {
  return (
    <div className="card regenerate-panel" aria-live="polite">
      <p className="regenerate-step">{describeStep(step)}</p>
      {step.step === 'waiting' && (
        <ProgressBar done={step.done} total={step.total} label="Refresh progress" />
      )}
      {step.step === 'done' && step.batchId && <BatchById id={step.batchId} />}
    </div>
  );
}
