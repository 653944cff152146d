// The deliveries of one webhook endpoint: status, attempts, the receiver's last answer, the next retry,
// and redeliver.
import { useCallback } from 'react';
import { formatTime } from '../lib/format.js';
import { Button, ErrorNote, TableHead, WriteButton } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';
import { useAction } from '../ui/use-action.js';
import { useLoaded } from './use-loaded.js';

export function Deliveries({ webhookId }: { webhookId: string }) {
  const { client } = useSession();
  const { busy, error: actionError, setError: setActionError, run } = useAction();
  const read = useCallback(async () => (await client.deliveries(webhookId)).deliveries, [client, webhookId]);
  const { data: deliveries, error, load } = useLoaded(read);

  const redeliver = (id: string) =>
    run(`redeliver:${id}`, async () => {
      await client.redeliver(webhookId, id);
      await load();
    });

  return (
    <div className="deliveries" aria-label="Deliveries">
      <ErrorNote error={error} />
      <ErrorNote error={actionError} onDismiss={() => setActionError(null)} />
      {deliveries && deliveries.length === 0 && <p className="muted small">No deliveries yet.</p>}
      {deliveries && deliveries.length > 0 && (
        <table className="table">
          <TableHead columns={['Event', 'Status', 'Attempts', 'Answer', 'Next retry']} actions />
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id} data-delivery-id={delivery.id}>
                <td className="small">
                  {delivery.eventType ?? '—'}
                  <div className="muted">{formatTime(delivery.createdAt)}</div>
                </td>
                <td>
                  <span className={`status status-${delivery.status}`}>
                    {delivery.status.replace('_', ' ').toLowerCase()}
                  </span>
                </td>
                <td className="small">{delivery.attempts}</td>
                <td className="small">
                  {delivery.responseCode ?? 'none'}
                  {delivery.error && <div className="text-failed">{delivery.error}</div>}
                </td>
                <td className="small">{formatTime(delivery.nextRetryAt)}</td>
                <td>
                  <WriteButton onClick={() => void redeliver(delivery.id)} disabled={busy !== null}>
                    {busy === `redeliver:${delivery.id}` ? 'Sending…' : 'Redeliver'}
                  </WriteButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Button onClick={() => void load()}>Reload deliveries</Button>
    </div>
  );
}
