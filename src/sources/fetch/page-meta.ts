// What the page says about the article besides its text: its title without the site's name, and the
// breadcrumb trail above it (a hint for the folder the article belongs in; extraction drops the trail
// itself with the rest of the navigation).
import { cleanTitle } from '../../lib/page-title.js';
import { squash } from '../../lib/squash.js';
import type { DomDocument, DomElement } from './dom.js';

// Separators sites print between crumbs.
const crumbText = (text: string | null) => squash(text).replace(/^[\s›»>/|·•]+|[\s›»>/|·•]+$/gu, '');

/** The page's own heading: the first h1, without permalink anchors ("Quickstart¶"). */
export function mainHeading(document: DomDocument): string {
  const h1 = document.querySelector('h1');
  if (!h1) return '';
  let text = h1.textContent ?? '';
  for (const anchor of Array.from(h1.querySelectorAll('a'))) {
    const anchorText = squash(anchor.textContent);
    if (/^[¶#§🔗]?$/u.test(anchorText)) text = text.replace(anchor.textContent ?? '', '');
  }
  return squash(text);
}

export function pageTitle(document: DomDocument, url: URL): string {
  const meta = (selector: string) => squash(document.querySelector(selector)?.getAttribute('content'));
  const heading = mainHeading(document);
  const raw =
    meta('meta[property="og:title"]') || squash(document.querySelector('title')?.textContent) || heading;
  const siteName = meta('meta[property="og:site_name"]') || meta('meta[name="application-name"]');
  return cleanTitle(raw, { heading, siteName: siteName || undefined, url: url.href });
}

function findTrail(document: DomDocument): DomElement | undefined {
  for (const element of Array.from(document.querySelectorAll('[aria-label], [class], [id]'))) {
    const label = element.getAttribute('aria-label') ?? '';
    const names = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
    if (/breadcrumb/iu.test(label) || /breadcrumb|\bcrumbs\b|\bmd-path\b/iu.test(names)) return element;
  }
  return undefined;
}

/**
 * The trail's linked crumbs, root first. The current page is the crumb without a link (or the title
 * itself): it and anything after it are not part of the trail.
 */
export function breadcrumbTrail(document: DomDocument, title: string): string[] {
  const trail = findTrail(document);
  if (!trail) return [];
  const items = Array.from(trail.querySelectorAll('li'));
  const crumbs: string[] = [];
  const entries =
    items.length > 0
      ? items.map((item) => ({ text: crumbText(item.textContent), linked: item.querySelector('a') !== null }))
      : Array.from(trail.querySelectorAll('a')).map((a) => ({
          text: crumbText(a.textContent),
          linked: true,
        }));
  for (const entry of entries) {
    if (!entry.linked || entry.text.toLowerCase() === title.toLowerCase()) break;
    if (entry.text !== '' && entry.text.length <= 100) crumbs.push(entry.text);
  }
  return crumbs.slice(0, 10);
}
