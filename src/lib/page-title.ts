// One rule for a page's title, used where a page is extracted and where an article is written from it:
// the site's name after (or before) a separator is not the subject ("Refund policy | Acme Help Center",
// "Refund policy - Acme", "Acme Docs · Refund policy" → "Refund policy").

import { fold, squash } from './squash.js';

const SEPARATOR = /\s+(?:[|·•–—»:]|-{1,2})\s+/u;
// Words that name a site or a section of one rather than a subject.
const SITE_WORDS =
  /\b(?:help|support|docs?|documentation|knowledge\s?base|kb|help\s?center|centre|faq|wiki|manual|blog|community|academy|developers?|guides?)\b/iu;

const comparable = (text: string) => fold(text).replace(/[^\p{L}\p{N}]+/gu, '');

export interface TitleHints {
  /** The page's main heading: a title that starts with it is the heading plus a site name. */
  heading?: string;
  /** og:site_name or application-name, when the page gives one. */
  siteName?: string;
  /** The page address: its host's name ("acme" of help.acme.com) is a site name. */
  url?: string;
}

function hostLabels(url: string | undefined): string[] {
  if (!url) return [];
  try {
    return new URL(url).hostname
      .split('.')
      .slice(0, -1)
      .filter((label) => !['www', 'help', 'support', 'docs', 'kb', 'hc'].includes(label));
  } catch {
    return [];
  }
}

function looksLikeSiteName(segment: string, hints: TitleHints): boolean {
  const key = comparable(segment);
  if (key === '') return true;
  if (hints.siteName && comparable(hints.siteName) === key) return true;
  if (SITE_WORDS.test(segment)) return true;
  return hostLabels(hints.url).some((label) => comparable(label) === key);
}

/** The title without the site's name; unchanged when no part of it looks like one. */
export function cleanTitle(raw: string, hints: TitleHints = {}): string {
  const title = squash(raw);
  const heading = squash(hints.heading ?? '');
  if (heading.length >= 3 && title.toLowerCase().startsWith(heading.toLowerCase())) {
    const rest = title.slice(heading.length);
    if (rest === '' || SEPARATOR.test(` ${rest.trimStart()}`) || /^\s*[|·•–—»:-]/u.test(rest)) return heading;
  }
  // Segments at even indexes, the separators between them at odd ones.
  const parts = title.split(new RegExp(`(${SEPARATOR.source})`, 'u'));
  while (parts.length > 1 && looksLikeSiteName(parts.at(-1)!, hints)) parts.splice(-2, 2);
  while (parts.length > 1 && looksLikeSiteName(parts[0]!, hints)) parts.splice(0, 2);
  const cleaned = squash(parts.join(''));
  return cleaned.length >= 3 ? cleaned : title;
}
