// How much text one source keeps. A page may be 5 MiB; a help-center article is a few thousand characters.
// Without a cap one source filled 5 MiB of `paragraphs` plus as much again in `oldParagraphs`, and a list
// page of 200 sources read all of it. What is cut is said in the source's `error` (with `success: true`):
// the field that each ingestion rewrites and that a user reads to learn what happened to the page.

/** Characters kept per paragraph: a longer block (a giant table, a minified blob) is shortened. */
export const PARAGRAPH_MAX_CHARS = 20_000;
/** Characters kept per source, all paragraphs together: later paragraphs are dropped. */
export const SOURCE_MAX_CHARS = 1_048_576;

export interface CappedContent {
  paragraphs: string[];
  /** A sentence saying what was cut, or "" when nothing was. */
  notice: string;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function capParagraphs(paragraphs: string[]): CappedContent {
  const kept: string[] = [];
  let total = 0;
  let shortened = 0;
  for (const paragraph of paragraphs) {
    if (total >= SOURCE_MAX_CHARS) break;
    const room = Math.min(PARAGRAPH_MAX_CHARS, SOURCE_MAX_CHARS - total);
    const text = paragraph.length > room ? paragraph.slice(0, room) : paragraph;
    if (text !== paragraph) shortened += 1;
    total += text.length;
    kept.push(text);
  }
  const dropped = paragraphs.length - kept.length;
  if (shortened === 0 && dropped === 0) return { paragraphs: kept, notice: '' };
  const cuts = [
    shortened ? `${count(shortened, 'paragraph')} shortened` : '',
    dropped ? `the last ${count(dropped, 'paragraph')} dropped` : '',
  ].filter(Boolean);
  return {
    paragraphs: kept,
    notice: `The page's text was cut to fit a source's limits (${PARAGRAPH_MAX_CHARS} characters per paragraph, ${SOURCE_MAX_CHARS} in all): ${cuts.join(' and ')}. Split the page to keep all of it.`,
  };
}
