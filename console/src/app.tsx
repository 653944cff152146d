// The console's shell: the key screen until a key is accepted, then the top bar and one page at a time
// (the location hash names it, so reload and back keep the place).
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient } from './api/client.js';
import type { KeyInfo } from './api/types.js';
import { clearKey, loadKey, saveKey } from './lib/session.js';
import { ReviewPage } from './review/review-page.js';
import { SignIn } from './ui/sign-in.js';
import { SessionContext, type Session } from './ui/session-context.js';

// The review page is the one opened first and most; the others load when first visited.
const BatchesPage = lazy(() => import('./pages/batches-page.js').then((m) => ({ default: m.BatchesPage })));
const SourcesPage = lazy(() => import('./pages/sources-page.js').then((m) => ({ default: m.SourcesPage })));
const KnowledgePage = lazy(() =>
  import('./pages/knowledge-page.js').then((m) => ({ default: m.KnowledgePage })),
);
const SyncPage = lazy(() => import('./sync/sync-page.js').then((m) => ({ default: m.SyncPage })));

const PAGES = [
  { id: 'review', label: 'Review' },
  { id: 'batches', label: 'Batches' },
  { id: 'sources', label: 'Sources' },
  { id: 'knowledge', label: 'Knowledge' },
  { id: 'sync', label: 'Sync' },
] as const;
export type PageId = (typeof PAGES)[number]['id'];

function pageFromHash(): { page: PageId; params: URLSearchParams } {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const page = PAGES.find((candidate) => candidate.id === path)?.id ?? 'review';
  return { page, params: new URLSearchParams(query) };
}

export function navigate(page: PageId, params: Record<string, string> = {}): void {
  const query = new URLSearchParams(params).toString();
  location.hash = `#/${page}${query ? `?${query}` : ''}`;
}

export function App() {
  const [key, setKey] = useState<string | null>(() => loadKey());
  const [keyInfo, setKeyInfo] = useState<KeyInfo | null>(null);
  const [checkError, setCheckError] = useState<unknown>(null);
  const [location_, setLocation] = useState(pageFromHash);

  useEffect(() => {
    const onHash = () => setLocation(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const client = useMemo(() => (key ? new ApiClient(key) : null), [key]);

  // A key from an earlier visit in this tab is checked again: it may have been revoked since.
  useEffect(() => {
    if (!client || keyInfo) return;
    client.me().then(setKeyInfo, (error: unknown) => {
      clearKey();
      setKey(null);
      setCheckError(error);
    });
  }, [client, keyInfo]);

  const signIn = useCallback((newKey: string, info: KeyInfo) => {
    saveKey(newKey);
    setKey(newKey);
    setKeyInfo(info);
    setCheckError(null);
  }, []);
  const signOut = useCallback(() => {
    clearKey();
    setKey(null);
    setKeyInfo(null);
  }, []);

  const session: Session | null = useMemo(
    () => (client && keyInfo ? { client, keyInfo, canWrite: keyInfo.scopes.includes('write') } : null),
    [client, keyInfo],
  );

  if (!session) {
    if (key && !checkError) return <div className="loading-screen">Checking the key…</div>;
    return <SignIn onSignedIn={signIn} initialError={checkError} />;
  }
  const { page, params } = location_;
  return (
    <SessionContext.Provider value={session}>
      <div className="shell">
        <header className="topbar">
          <span className="brand">Distill</span>
          <nav aria-label="Console sections">
            {PAGES.map((candidate) => (
              <a
                key={candidate.id}
                href={`#/${candidate.id}`}
                className={candidate.id === page ? 'tab active' : 'tab'}
                aria-current={candidate.id === page ? 'page' : undefined}
              >
                {candidate.label}
              </a>
            ))}
          </nav>
          <span className="spacer" />
          {!session.canWrite && (
            <span className="badge badge-readonly" title="Write actions are disabled for this key">
              read-only key
            </span>
          )}
          <button type="button" className="btn btn-plain" onClick={signOut}>
            Sign out
          </button>
        </header>
        <main className="page">
          {page === 'review' && <ReviewPage params={params} />}
          <Suspense fallback={<p className="muted pad">Loading…</p>}>
            {page === 'batches' && <BatchesPage />}
            {page === 'sources' && <SourcesPage />}
            {page === 'knowledge' && <KnowledgePage />}
            {page === 'sync' && <SyncPage />}
          </Suspense>
        </main>
      </div>
    </SessionContext.Provider>
  );
}
