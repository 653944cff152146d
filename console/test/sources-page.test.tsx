// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiClient } from '../src/api/client.js';
import type { Source } from '../src/api/types.js';
import { SourcesPage } from '../src/pages/sources-page.js';
import { SessionContext } from '../src/ui/session-context.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;
beforeEach(() => {
  vi.useFakeTimers();
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.useRealTimers();
});

const source = (id: string, extra: Partial<Source> & { gone?: boolean; suspect?: string | null } = {}) =>
  ({
    id,
    source: 'web',
    externalId: `https://help.test/${id}`,
    originalUrl: `https://help.test/${id}`,
    title: `Page ${id}`,
    mimeType: 'text/html',
    type: 'web',
    english: true,
    baser: false,
    paragraphs: [],
    oldParagraphs: [],
    success: true,
    error: '',
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    linkedJobId: null,
    linkedJobStatus: 'COMPLETED',
    linkedKnowledgeId: null,
    linkedOperation: null,
    linkedReason: null,
    changed: false,
    contentHash: null,
    ...extra,
  }) as Source;

type SourcesQuery = Parameters<ApiClient['sources']>[0];

async function renderPage(answer: (query: SourcesQuery) => Promise<{ documents: Source[] }>) {
  const sources = vi.fn(async (query: SourcesQuery) => ({ ...(await answer(query)), hasMore: false }));
  const client = { sources } as unknown as ApiClient;
  const session = {
    client,
    keyInfo: { workspaceId: '00000000-0000-4000-8000-000000000000', scopes: ['read' as const] },
    canWrite: false,
  };
  act(() =>
    root.render(
      <SessionContext.Provider value={session}>
        <SourcesPage />
      </SessionContext.Provider>,
    ),
  );
  await act(() => vi.advanceTimersByTimeAsync(300));
  return sources;
}

const filterLabels = () =>
  [...container.querySelectorAll('.source-filters label.inline')].map((label) => label.textContent?.trim());
const check = async (label: string) => {
  const input = [...container.querySelectorAll('.source-filters label.inline')]
    .find((candidate) => candidate.textContent?.trim() === label)!
    .querySelector('input')!;
  act(() => input.click());
  await act(() => vi.advanceTimersByTimeAsync(300));
};

describe('Sources page filters', () => {
  it('asks the server for failed sources (success=false) instead of filtering the loaded page', async () => {
    const sources = await renderPage(async () => ({ documents: [source('a')] }));
    expect(filterLabels()).toEqual(['Changed', 'Failed']);
    await check('Failed');
    expect(sources.mock.calls.at(-1)?.[0]).toMatchObject({ success: false });
  });

  it('shows gone and suspect filters and badges once the server reports source health', async () => {
    const sources = await renderPage(async () => ({
      documents: [
        source('a', { gone: true, suspect: null }),
        source('b', { gone: false, suspect: 'text shrank by 80 %' }),
      ],
    }));
    expect(filterLabels()).toEqual(['Changed', 'Failed', 'Gone', 'Suspect']);
    const row = (id: string) => container.querySelector(`tr[data-source-id="${id}"]`)!;
    expect(row('a').querySelector('.chip-failed')?.textContent).toBe('gone');
    expect(row('b').textContent).toContain('Held back: text shrank by 80 %');
    await check('Gone');
    expect(sources.mock.calls.at(-1)?.[0]).toMatchObject({ gone: true });
  });

  it('hides the health filters again when the server rejects them', async () => {
    await renderPage(async (query) => {
      if (query.suspect) throw new ApiError(400, 'suspect is not a known parameter', 'VALIDATION');
      return { documents: [source('a', { gone: false, suspect: null })] };
    });
    await check('Suspect');
    expect(filterLabels()).toEqual(['Changed', 'Failed']);
    expect(container.querySelector('[role=alert]')).toBeNull();
  });
});
