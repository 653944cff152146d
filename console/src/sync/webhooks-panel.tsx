// Webhooks: the endpoints, a new one (its signing secret is shown once, with a copy button), delete, and
// the deliveries of one endpoint with redeliver.
import { useCallback, useState, type FormEvent } from 'react';
import { WEBHOOK_EVENTS, type CreatedWebhook, type WebhookEvent } from '../api/sync-types.js';
import { formatTime } from '../lib/format.js';
import { Button, Empty, ErrorNote, WriteButton } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';
import { useAction } from '../ui/use-action.js';
import { useLoaded } from './use-loaded.js';
import { Deliveries } from './webhook-deliveries.js';

function SecretOnce({ created, onDone }: { created: CreatedWebhook; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard.writeText(created.secret).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <div className="secret-once" role="status">
      <p>
        The signing secret of <strong>{created.url}</strong>. It is shown only now: store it where your
        receiver verifies signatures.
      </p>
      <code className="secret" aria-label="Signing secret">
        {created.secret}
      </code>
      <Button onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</Button>
      <Button onClick={onDone}>Done</Button>
    </div>
  );
}

function NewWebhook({ onCreated }: { onCreated: (created: CreatedWebhook) => void }) {
  const { client } = useSession();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<Set<WebhookEvent>>(new Set(['sync.completed', 'draft.created']));
  const { busy, error, setError, run } = useAction();
  const toggle = (event: WebhookEvent) =>
    setEvents((previous) => {
      const copy = new Set(previous);
      if (copy.has(event)) copy.delete(event);
      else copy.add(event);
      return copy;
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run('create', async () => {
      const created = await client.createWebhook({
        url: url.trim(),
        events: WEBHOOK_EVENTS.filter((name) => events.has(name)),
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      setUrl('');
      setDescription('');
      onCreated(created);
    });
  };
  return (
    <form className="webhook-form" onSubmit={submit} aria-label="New webhook">
      <label htmlFor="webhook-url">Endpoint URL</label>
      <input
        id="webhook-url"
        type="url"
        value={url}
        onChange={(event) => setUrl(event.target.value)}
        placeholder="https://example.com/distill-events"
        required
      />
      <label htmlFor="webhook-description">Description (optional)</label>
      <input
        id="webhook-description"
        value={description}
        onChange={(event) => setDescription(event.target.value)}
      />
      <fieldset>
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((name) => (
          <label key={name} className="inline">
            <input type="checkbox" checked={events.has(name)} onChange={() => toggle(name)} /> {name}
          </label>
        ))}
      </fieldset>
      <WriteButton
        type="submit"
        variant="primary"
        disabled={busy !== null || events.size === 0 || !url.trim()}
      >
        {busy === 'create' ? 'Adding…' : 'Add webhook'}
      </WriteButton>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </form>
  );
}

export function WebhooksPanel() {
  const { client } = useSession();
  const [missing, setMissing] = useState(false);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const { busy, error: actionError, setError: setActionError, run: act } = useAction();

  const read = useCallback(async () => (await client.webhooks()).webhooks, [client]);
  const onMissing = useCallback(() => setMissing(true), []);
  const { data: webhooks, error, load } = useLoaded(read, onMissing);

  const remove = (id: string) =>
    act(`delete:${id}`, async () => {
      await client.deleteWebhook(id);
      if (openId === id) setOpenId(null);
      await load();
    });

  if (missing) {
    return (
      <section className="card" aria-label="Webhooks">
        <Empty title="Webhooks are not available on this server yet." />
      </section>
    );
  }
  return (
    <section className="card" aria-label="Webhooks">
      <header className="card-head">
        <h2>Webhooks</h2>
      </header>
      <ErrorNote error={error} />
      {created && <SecretOnce created={created} onDone={() => setCreated(null)} />}
      {webhooks && webhooks.length === 0 && (
        <Empty title="No webhooks.">
          <p>Add an endpoint below to be told when a sync finishes, a draft is created or a page is gone.</p>
        </Empty>
      )}
      {webhooks && webhooks.length > 0 && (
        <ul className="webhook-list">
          {webhooks.map((webhook) => (
            <li key={webhook.id} data-webhook-id={webhook.id}>
              <div className="webhook-line">
                <code>{webhook.url}</code>
                {webhook.disabledAt && (
                  <span className="chip chip-failed" title={`Disabled ${formatTime(webhook.disabledAt)}`}>
                    disabled
                  </span>
                )}
                <span className="spacer" />
                <Button
                  onClick={() => setOpenId(openId === webhook.id ? null : webhook.id)}
                  aria-expanded={openId === webhook.id}
                >
                  Deliveries
                </Button>
                <WriteButton
                  variant="danger"
                  onClick={() => void remove(webhook.id)}
                  disabled={busy !== null}
                  aria-label={`Delete webhook ${webhook.url}`}
                >
                  Delete
                </WriteButton>
              </div>
              <p className="muted small">
                {webhook.events.join(', ')}
                {webhook.description ? ` · ${webhook.description}` : ''} · since{' '}
                {formatTime(webhook.createdAt)}
              </p>
              {openId === webhook.id && <Deliveries webhookId={webhook.id} />}
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={actionError} onDismiss={() => setActionError(null)} />
      <NewWebhook
        onCreated={(next) => {
          setCreated(next);
          void load();
        }}
      />
    </section>
  );
}
