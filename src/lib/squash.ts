// Whitespace runs (newlines, tabs, non-breaking spaces) become one space, ends trimmed: how page text is
// compared and how titles and headings are shown.
export const squash = (text: string | null | undefined): string => (text ?? '').replace(/\s+/gu, ' ').trim();

/** Lowercased, accents off (NFKD, combining marks dropped): "Café" and "cafe" compare equal. */
export const fold = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
