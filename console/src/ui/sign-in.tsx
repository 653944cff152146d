import { useState, type FormEvent } from 'react';
import { ApiClient } from '../api/client.js';
import type { KeyInfo } from '../api/types.js';
import { looksLikeKey } from '../lib/session.js';
import { ErrorNote } from './common.js';

export function SignIn({
  onSignedIn,
  initialError,
}: {
  onSignedIn: (key: string, info: KeyInfo) => void;
  initialError: unknown;
}) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(initialError);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!looksLikeKey(trimmed)) {
      setError(new Error('An API key starts with fini_ followed by letters and digits.'));
      return;
    }
    setBusy(true);
    try {
      onSignedIn(trimmed, await new ApiClient(trimmed).me());
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <div className="sign-in">
      <form onSubmit={(event) => void submit(event)} className="sign-in-card">
        <h1>Distill review console</h1>
        <p className="muted">
          Paste an API key. It stays in this tab only (sessionStorage) and is sent only to this server. The
          first <code>npm start</code> prints one; <code>npx distill keys create --workspace NAME</code> makes
          more.
        </p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          placeholder="fini_…"
          onChange={(event) => setKey(event.target.value)}
          autoFocus
        />
        <ErrorNote error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
