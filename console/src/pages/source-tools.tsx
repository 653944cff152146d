// Adding sources: paste a list of URLs, or discover a site's pages with the deep crawl and pick.
import { useState } from 'react';
import { Button, ErrorNote, WriteButton } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';

const urlsIn = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((url) => url.trim())
    .filter(Boolean);

export function IngestPanel({ onIngested }: { onIngested: (message: string) => void }) {
  const { client } = useSession();
  const [text, setText] = useState('');
  const [seed, setSeed] = useState('');
  const [found, setFound] = useState<string[] | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [crawlMessage, setCrawlMessage] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const ingest = async (urls: string[]) => {
    setBusy('ingest');
    setError(null);
    try {
      const result = await client.ingest(urls);
      onIngested(
        `Ingesting ${result.addedDocumentIds.length} new and refreshing ${result.updatedDocumentIds.length} known page(s).`,
      );
      setText('');
      setFound(null);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };
  const discover = async () => {
    setBusy('crawl');
    setError(null);
    try {
      const result = await client.deepCrawl(urlsIn(seed));
      setFound(result.data);
      setPicked(new Set(result.data));
      setCrawlMessage(result.message);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="ingest-panel card">
      <div className="ingest-columns">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void ingest(urlsIn(text));
          }}
        >
          <label htmlFor="ingest-urls">Ingest pages (one URL per line)</label>
          <textarea
            id="ingest-urls"
            rows={4}
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder="https://docs.example.com/billing/refunds"
          />
          <WriteButton variant="primary" type="submit" disabled={busy !== null || urlsIn(text).length === 0}>
            {busy === 'ingest' ? 'Ingesting…' : `Ingest ${urlsIn(text).length || ''}`}
          </WriteButton>
        </form>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void discover();
          }}
        >
          <label htmlFor="crawl-seed">Discover a site’s pages (deep crawl)</label>
          <input
            id="crawl-seed"
            value={seed}
            onChange={(event) => setSeed(event.target.value)}
            placeholder="https://docs.example.com/"
          />
          <WriteButton type="submit" disabled={busy !== null || urlsIn(seed).length === 0}>
            {busy === 'crawl' ? 'Discovering…' : 'Discover'}
          </WriteButton>
        </form>
      </div>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {found && (
        <div className="crawl-results">
          <p className="muted small">{crawlMessage}</p>
          <div className="row-actions">
            <Button onClick={() => setPicked(new Set(found))}>Select all</Button>
            <Button onClick={() => setPicked(new Set())}>Select none</Button>
            <WriteButton
              variant="primary"
              onClick={() => void ingest([...picked])}
              disabled={picked.size === 0 || busy !== null}
            >
              Ingest {picked.size} selected
            </WriteButton>
          </div>
          <ul className="crawl-list">
            {found.map((url) => (
              <li key={url}>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={picked.has(url)}
                    onChange={() =>
                      setPicked((previous) => {
                        const copy = new Set(previous);
                        if (copy.has(url)) copy.delete(url);
                        else copy.add(url);
                        return copy;
                      })
                    }
                  />{' '}
                  {url}
                </label>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
