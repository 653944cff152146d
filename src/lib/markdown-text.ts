// Markdown reduced to its text, in one place: the offline writer compares and titles by it, the tree shows
// it as an article's excerpt. Both read a link or an image as its text, not its address.

const IMAGE = /!\[([^\]]*)\]\([^)]*\)/gu;
const LINK = /\[([^\]]*)\]\([^)]*\)/gu;
// Emphasis and code marks sit inside words (`re**fund**s`), so for comparison they vanish.
const INLINE_MARKS = /[*_`~]+/gu;
// For display, block marks (headings, quotes, table bars) go too, and a run of marks reads as a space.
const DISPLAY_MARKS = /[#>*_`~|]+/gu;

export interface MarkdownTextOptions {
  /** Text to show a person: block marks dropped as well, each run of marks a space. */
  display?: boolean;
}

/** `**Refunds** in [30 days](/x)` → `Refunds in 30 days`: links and images as their text, marks off, whitespace collapsed. */
export function markdownToText(markdown: string, options: MarkdownTextOptions = {}): string {
  const linksAsText = markdown.replace(IMAGE, '$1').replace(LINK, '$1');
  const marksOff = options.display
    ? linksAsText.replace(DISPLAY_MARKS, ' ')
    : linksAsText.replace(INLINE_MARKS, '');
  return marksOff.replace(/\s+/gu, ' ').trim();
}
