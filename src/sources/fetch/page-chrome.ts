// What is not the article on a help-center or documentation page, removed before Readability looks for
// the main content: navigation, headers and footers, and the widgets sites put inside the article
// container (feedback and rating, share bars, related articles, cookie banners, newsletter boxes, tables
// of contents, pagers, bylines). Also what must be undone so content is not lost: accordion and tab
// panels hidden until clicked, toggle buttons that carry a question, relative links.
import { squash } from '../../lib/squash.js';
import type { DomDocument, DomElement } from './dom.js';

const BOILERPLATE =
  'script, style, noscript, template, nav, aside, [role="navigation"], [role="banner"], [role="contentinfo"], [aria-hidden="true"]';

// Class and id words of widgets. Matched against whole words of a class ("article-votes" → article,
// votes), so "shared-drives" or "relationship" do not match.
const WIDGET_WORDS = new Set([
  'feedback',
  'helpful',
  'votes',
  'vote',
  'voting',
  'rating',
  'ratings',
  'reaction',
  'reactions',
  'share',
  'sharing',
  'social',
  'related',
  'cookie',
  'cookies',
  'consent',
  'gdpr',
  'newsletter',
  'subscribe',
  'signup',
  'toc',
  'breadcrumb',
  'breadcrumbs',
  'crumbs',
  'pager',
  'pagination',
  'sidebar',
  'meta',
  'byline',
  'footer',
]);
const WIDGET_CLASSES = /\b(?:table-of-contents|rate-(?:this|page|article)|md-path|md-source-file|kb-nav)\b/iu;
const CONTAINERS = new Set([
  'DIV',
  'SECTION',
  'ASIDE',
  'FORM',
  'UL',
  'OL',
  'P',
  'SPAN',
  'FIGURE',
  'FIELDSET',
]);
// A widget is short: a container with more text than this is content that happens to carry the word.
const MAX_WIDGET_CHARS = 1500;

// Sentences that only widgets say; the short container around them goes.
const WIDGET_TEXT = [
  /^(?:was|is) this (?:page|article|answer|information|content|section|guide|post|doc)? ?(?:helpful|useful)\b/iu,
  /^did (?:this|the) (?:page|article|answer|information)? ?(?:help|answer|solve)/iu,
  /^did you find (?:it|this|this article|this page|what you were looking for)\b/iu,
  /^(?:how )?helpful was this\b/iu,
  /^rate this (?:page|article)\b/iu,
  /^\d+ (?:out of|of) \d+ (?:people )?found this helpful/iu,
  /^(?:subscribe to|sign up for|join) (?:our|the) [\w\s-]{0,30}newsletter/iu,
  /^never miss an update\b/iu,
  /^share(?: this (?:article|page|post))?:?$|^share on (?:x|twitter|facebook|linkedin)\b/iu,
  /^(?:written by|posted by|last updated|last modified|modified on|updated (?:on|over|about|yesterday|today|an?|\d))\b.{0,80}$/iu,
];
// A cookie notice says so and asks for a click; a privacy page that explains cookies has no button.
const COOKIE_TEXT = /^we use cookies\b|\b(?:this|our) (?:site|website) uses cookies\b/iu;
const hasButton = (element: DomElement) =>
  element.querySelector('button, [role="button"], input[type="button"], input[type="submit"]') !== null ||
  Array.from(element.querySelectorAll('a')).some((a) =>
    /^(?:ok|accept|agree|got it|i agree)/iu.test(squash(a.textContent)),
  );
const RELATED_HEADING =
  /^(?:related|similar|recommended|popular|more|other) (?:articles|posts|pages|topics|questions|guides|resources)$/iu;

function classWords(element: DomElement): string[] {
  const names = [element.getAttribute('class') ?? ''];
  if (CONTAINERS.has(element.tagName) && element.tagName !== 'P')
    names.push(element.getAttribute('id') ?? '');
  return names
    .join(' ')
    .toLowerCase()
    .split(/[\s_-]+/u);
}

/** Never the page or the article itself, and never what holds its main heading. */
function removable(element: DomElement): boolean {
  if (['HTML', 'BODY', 'MAIN', 'ARTICLE'].includes(element.tagName)) return false;
  if (element.getAttribute('role') === 'main' || element.querySelector('h1')) return false;
  return squash(element.textContent).length <= MAX_WIDGET_CHARS;
}

function isWidget(element: DomElement): boolean {
  if (!CONTAINERS.has(element.tagName)) return false;
  if (WIDGET_CLASSES.test(element.getAttribute('class') ?? '')) return true;
  return classWords(element).some((word) => WIDGET_WORDS.has(word));
}

/** The widget around a sentence that only widgets say: its ancestors while they stay short. */
function widgetAround(element: DomElement): DomElement {
  let widget = element;
  for (let parent = element.parentElement; parent && removable(parent); parent = parent.parentElement) {
    if (squash(parent.textContent).length > 300) break;
    widget = parent;
  }
  return widget;
}

function removeWidgets(document: DomDocument): void {
  for (const element of Array.from(document.querySelectorAll('[class], [id]'))) {
    if (isWidget(element) && removable(element)) element.remove();
  }
  for (const element of Array.from(
    document.querySelectorAll('p, div, span, h2, h3, h4, h5, legend, strong'),
  )) {
    const text = squash(element.textContent);
    if (text.length === 0 || text.length > 300) continue;
    if (WIDGET_TEXT.some((pattern) => pattern.test(text))) {
      const widget = widgetAround(element);
      if (removable(widget) || widget === element) widget.remove();
    } else if (COOKIE_TEXT.test(text)) {
      const widget = widgetAround(element);
      if (hasButton(widget) && removable(widget)) widget.remove();
    }
  }
  // "Related articles" as plain markup: the heading and the lists that follow it.
  for (const heading of Array.from(document.querySelectorAll('h2, h3, h4, h5, h6'))) {
    if (!RELATED_HEADING.test(squash(heading.textContent))) continue;
    for (let next = heading.nextElementSibling; next && ['UL', 'OL'].includes(next.tagName);) {
      const after: DomElement | null = next.nextElementSibling;
      next.remove();
      next = after;
    }
    heading.remove();
  }
  // A heading's id is an anchor, but Readability scores it as a class: id="headers" made it drop the
  // section heading "Headers".
  for (const heading of Array.from(
    document.querySelectorAll('h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]'),
  ))
    heading.removeAttribute('id');
  // Permalink anchors inside headings ("¶", "#").
  for (const anchor of Array.from(
    document.querySelectorAll('a.headerlink, a.anchor, a.hash-link, a.anchorjs-link'),
  )) {
    anchor.remove();
  }
}

/** Accordion and tab panels are content hidden until clicked; other hidden elements stay hidden. */
function revealPanels(document: DomDocument): void {
  const controlled = new Set<string>();
  for (const toggle of Array.from(document.querySelectorAll('[aria-controls]'))) {
    for (const id of (toggle.getAttribute('aria-controls') ?? '').split(/\s+/u)) if (id) controlled.add(id);
  }
  for (const element of Array.from(document.querySelectorAll('[hidden], [style]'))) {
    const hidden =
      element.hasAttribute('hidden') || /display\s*:\s*none/iu.test(element.getAttribute('style') ?? '');
    if (!hidden) continue;
    const panel =
      element.getAttribute('role') === 'tabpanel' ||
      controlled.has(element.getAttribute('id') ?? '') ||
      /\b(?:collapse|accordion|tab-pane|tabpanel|answer)\b/iu.test(element.getAttribute('class') ?? '');
    if (!panel) continue;
    element.removeAttribute('hidden');
    element.setAttribute(
      'style',
      (element.getAttribute('style') ?? '').replace(/display\s*:\s*none;?/giu, ''),
    );
  }
  // A toggle button's text is the question or the section name: keep it as text.
  for (const button of Array.from(
    document.querySelectorAll('button[aria-controls], button[aria-expanded]'),
  )) {
    const strong = document.createElement(button.closest('h1, h2, h3, h4, h5, h6') ? 'span' : 'strong');
    strong.textContent = squash(button.textContent);
    button.replaceWith(strong);
  }
  // Tabs: each panel gets its tab's label in front of it, and the tab strip goes.
  for (const list of Array.from(document.querySelectorAll('[role="tablist"]'))) {
    const tabs = Array.from(list.querySelectorAll('[role="tab"]'));
    const panels = Array.from(list.parentElement?.querySelectorAll('[role="tabpanel"]') ?? []);
    if (tabs.length === 0 || tabs.length !== panels.length) continue;
    panels.forEach((panel, index) => {
      const label = document.createElement('p');
      const strong = document.createElement('strong');
      strong.textContent = squash(tabs[index]!.textContent);
      label.innerHTML = strong.outerHTML;
      panel.before(label);
    });
    list.remove();
  }
}

/** Links and images point at absolute URLs, so the markdown works wherever the article is shown. */
function resolveUrls(document: DomDocument, pageUrl: URL): void {
  let base = pageUrl;
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  if (baseHref) {
    try {
      base = new URL(baseHref, pageUrl);
    } catch {
      // An unusable <base> is ignored, as browsers do.
    }
  }
  for (const [selector, attribute] of [
    ['a[href]', 'href'],
    ['img[src]', 'src'],
  ] as const) {
    for (const element of Array.from(document.querySelectorAll(selector))) {
      const value = (element.getAttribute(attribute) ?? '').trim();
      if (/^(?:javascript|data|vbscript):/iu.test(value)) {
        element.removeAttribute(attribute);
        continue;
      }
      try {
        element.setAttribute(attribute, new URL(value, base).href);
      } catch {
        element.removeAttribute(attribute);
      }
    }
  }
}

/** Prepares a parsed page for Readability; changes the document in place. */
export function removeChrome(document: DomDocument, pageUrl: URL): void {
  resolveUrls(document, pageUrl);
  for (const element of Array.from(document.querySelectorAll(BOILERPLATE))) element.remove();
  // A page header or footer (not one inside the article) is site chrome.
  for (const element of Array.from(document.querySelectorAll('header, footer'))) {
    if (!element.closest('article, main, [role="main"]')) element.remove();
  }
  removeWidgets(document);
  revealPanels(document);
}
