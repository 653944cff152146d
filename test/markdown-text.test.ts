import { describe, expect, it } from 'vitest';
import { markdownToText } from '../src/lib/markdown-text.js';
import { excerpt } from '../src/knowledge/folders-service.js';

describe('markdownToText', () => {
  it('reads links and images as their text and drops inline marks inside words', () => {
    expect(markdownToText('**Refunds** in [30 days](/x) ![chart](/c.png) re**fund**s snake_case')).toBe(
      'Refunds in 30 days chart refunds snakecase',
    );
  });

  it('keeps block marks for comparison and drops them for display', () => {
    expect(markdownToText('## C# | tips')).toBe('## C# | tips');
    expect(markdownToText('## C# | tips\n> quoted', { display: true })).toBe('C tips quoted');
  });

  it('reads an image inside a link as its text in both uses', () => {
    const badge = 'See [![Status](/badge.svg)](https://status.example.com) now';
    expect(markdownToText(badge)).toBe('See Status now');
    expect(excerpt(badge)).toBe('See Status now');
  });
});
