// Markdown editor for a draft's content: every field, the body with a live sanitized preview. Each change
// is kept locally at once (edits-store), so nothing typed is lost by switching drafts or reloading.
import { useId, useState } from 'react';
import type { ArticleContent } from '../api/types.js';
import { Markdown } from '../ui/common.js';

/** Lists are edited one item per line; blank lines are dropped when the edit is saved. */
export function cleanContent(content: ArticleContent): ArticleContent {
  const clean = (items: string[]) => items.map((item) => item.trim()).filter(Boolean);
  return {
    ...content,
    title: content.title.trim(),
    questions: clean(content.questions),
    keywords: clean(content.keywords),
  };
}

const lines = (text: string) => text.split('\n');

export function Editor({
  content,
  onChange,
}: {
  content: ArticleContent;
  onChange: (content: ArticleContent) => void;
}) {
  const id = useId();
  const [preview, setPreview] = useState(true);
  const set = <K extends keyof ArticleContent>(field: K, value: ArticleContent[K]) =>
    onChange({ ...content, [field]: value });
  return (
    <div className="editor">
      <label htmlFor={`${id}-title`}>Title</label>
      <input
        id={`${id}-title`}
        value={content.title}
        onChange={(event) => set('title', event.target.value)}
      />
      <div className="editor-body-head">
        <label htmlFor={`${id}-body`}>Body (markdown)</label>
        <label className="inline">
          <input type="checkbox" checked={preview} onChange={(event) => setPreview(event.target.checked)} />{' '}
          Preview
        </label>
      </div>
      <div className={preview ? 'editor-split' : ''}>
        <textarea
          id={`${id}-body`}
          className="editor-body"
          value={content.mainKnowledge}
          onChange={(event) => set('mainKnowledge', event.target.value)}
          rows={16}
          spellCheck
        />
        {preview && (
          <div className="editor-preview" role="region" aria-label="Markdown preview">
            <Markdown text={content.mainKnowledge} />
          </div>
        )}
      </div>
      <label htmlFor={`${id}-questions`}>Questions (one per line)</label>
      <textarea
        id={`${id}-questions`}
        rows={4}
        value={content.questions.join('\n')}
        onChange={(event) => set('questions', lines(event.target.value))}
      />
      <label htmlFor={`${id}-keywords`}>Keywords (one per line)</label>
      <textarea
        id={`${id}-keywords`}
        rows={3}
        value={content.keywords.join('\n')}
        onChange={(event) => set('keywords', lines(event.target.value))}
      />
      <label htmlFor={`${id}-instruction`}>Agent instruction</label>
      <textarea
        id={`${id}-instruction`}
        rows={3}
        value={content.agentInstruction}
        onChange={(event) => set('agentInstruction', event.target.value)}
      />
      <label className="inline">
        <input
          type="checkbox"
          checked={content.escalation}
          onChange={(event) => set('escalation', event.target.checked)}
        />{' '}
        Escalate to a person
      </label>
    </div>
  );
}
