// Sync: run a sync now and watch the runs, the schedules that run it, and the webhooks that report it.
// Before the server has these routes (they answer 404) the page says so instead of showing errors.
import { useCallback, useState } from 'react';
import { Empty } from '../ui/common.js';
import { SyncRuns } from './sync-runs.js';
import { SyncSchedules } from './sync-schedules.js';
import { WebhooksPanel } from './webhooks-panel.js';

export function SyncPage() {
  const [missing, setMissing] = useState(false);
  const onMissing = useCallback(() => setMissing(true), []);
  return (
    <div className="page-scroll">
      <div className="page-head">
        <h1>Sync</h1>
      </div>
      {missing ? (
        <section className="card" aria-label="Sync runs">
          <Empty title="Sync is not available on this server yet.">
            <p>
              Refresh sources and regenerate what changed from the <a href="#/sources">Sources</a> page
              (“Regenerate changed”).
            </p>
          </Empty>
        </section>
      ) : (
        <div className="cards">
          <SyncRuns onMissing={onMissing} />
          <SyncSchedules onMissing={onMissing} />
        </div>
      )}
      <div className="cards">
        <WebhooksPanel />
      </div>
    </div>
  );
}
