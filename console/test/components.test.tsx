// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api/client.js';
import { createEditsStore } from '../src/lib/edits-store.js';
import { DiffView } from '../src/review/diff-view.js';
import { WriteButton } from '../src/ui/common.js';
import { READ_ONLY_REASON, SessionContext } from '../src/ui/session-context.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

const session = (scopes: ('read' | 'write')[]) => ({
  client: new ApiClient('fini_test'),
  keyInfo: { workspaceId: '00000000-0000-4000-8000-000000000000', scopes },
  canWrite: scopes.includes('write'),
});

describe('WriteButton', () => {
  it('is disabled for a read-only key, with a tooltip that says why', () => {
    act(() =>
      root.render(
        <SessionContext.Provider value={session(['read'])}>
          <WriteButton>Publish</WriteButton>
        </SessionContext.Provider>,
      ),
    );
    const button = container.querySelector('button')!;
    expect(button.disabled).toBe(true);
    expect(button.closest('[title]')?.getAttribute('title')).toBe(READ_ONLY_REASON);
  });

  it('is enabled for a read/write key', () => {
    act(() =>
      root.render(
        <SessionContext.Provider value={session(['read', 'write'])}>
          <WriteButton>Publish</WriteButton>
        </SessionContext.Provider>,
      ),
    );
    expect(container.querySelector('button')!.disabled).toBe(false);
  });
});

describe('DiffView', () => {
  const live = {
    title: 'Refunds',
    mainKnowledge: Array.from({ length: 12 }, (_, index) => `Paragraph ${index}.`).join('\n'),
    agentInstruction: '',
    questions: ['How do I get a refund?'],
    keywords: ['refund'],
    escalation: false,
  };

  it('marks the changed words of every changed field and folds unchanged lines', () => {
    const draft = {
      ...live,
      mainKnowledge: live.mainKnowledge.replace('Paragraph 6.', 'Paragraph six.'),
      keywords: ['refund', 'money back'],
    };
    act(() => root.render(<DiffView live={live} draft={draft} />));
    const body = container.querySelector('[aria-label="Body diff"]')!;
    expect([...body.querySelectorAll('td.del mark')].map((mark) => mark.textContent)).toEqual(['6']);
    expect([...body.querySelectorAll('td.add mark')].map((mark) => mark.textContent)).toEqual(['six']);
    expect(body.querySelector('.diff-fold')?.textContent).toBe('4 unchanged lines');
    expect(container.querySelector('[aria-label="Keywords diff"] td.add')?.textContent).toBe('money back');
    expect(container.querySelector('[aria-label="Title diff"]')?.textContent).toContain('unchanged');

    act(() => (body.querySelector('.diff-fold button') as HTMLButtonElement).click());
    expect(body.querySelector('.diff-fold')).toBeNull();
    expect(body.querySelectorAll('tr')).toHaveLength(12);
  });
});

describe('edits store', () => {
  it('keeps unsaved edits per draft until removed', () => {
    const edits = createEditsStore(localStorage);
    edits.put(
      'd1',
      {
        ...{
          title: 't',
          mainKnowledge: 'b',
          agentInstruction: '',
          questions: [],
          keywords: [],
          escalation: false,
        },
      },
      'v1',
    );
    expect(edits.get('d1')?.content.title).toBe('t');
    expect(edits.get('d1')?.baseUpdatedAt).toBe('v1');
    expect(edits.ids()).toEqual(['d1']);
    edits.remove('d1');
    expect(edits.get('d1')).toBeUndefined();
    localStorage.setItem('distill.edit.bad', '{not json');
    expect(edits.get('bad')).toBeUndefined();
  });
});
