// The offline writer's folder for a new article: the folder the page's own trail names (its breadcrumb,
// its URL path), else the folder whose title, description and articles (titles and keywords) are
// closest to the page. On a first import every folder is empty, so the trail is often all there is.
import { addVectors, cosine, termVector, terms } from './text-similarity.js';
import type { DecisionSource, FolderChoice } from './writer.js';

export interface FolderPick {
  folder: FolderChoice;
  /** The content similarity with the folder (0–1). */
  similarity: number;
  /** True when the page's breadcrumb or address names the folder. */
  named: boolean;
}

const sameTerms = (a: string[], b: Set<string>) =>
  a.length > 0 && a.length === b.size && a.every((t) => b.has(t));

/** Breadcrumb items and URL path segments, each as its set of terms, root first. */
function trailOf(source: Pick<DecisionSource, 'url' | 'breadcrumb'>): Set<string>[] {
  const items = [...(source.breadcrumb ?? [])];
  try {
    for (const segment of new URL(source.url).pathname.split('/').filter(Boolean))
      items.push(decodeURIComponent(segment).replace(/[-_.]+/gu, ' '));
  } catch {
    // A source without a usable URL has only its breadcrumb.
  }
  return items.map((item) => new Set(terms(item))).filter((set) => set.size > 0);
}

/** How much of the folder's path the trail names: 0 unless its own (last) segment is named. */
function trailMatch(folder: FolderChoice, trail: Set<string>[]): number {
  const segments = folder.path.split(' / ').map((segment) => [...new Set(terms(segment))]);
  const named = segments.map((segment) => trail.some((item) => sameTerms(segment, item)));
  if (!named.at(-1)) return 0;
  return named.filter(Boolean).length / segments.length + segments.length / 100;
}

export function pickFolder(
  source: Pick<DecisionSource, 'url' | 'breadcrumb'>,
  pageText: string,
  folders: FolderChoice[],
): FolderPick | undefined {
  const trail = trailOf(source);
  const pageVector = termVector(pageText);
  let best: (FolderPick & { score: number }) | undefined;
  for (const folder of folders) {
    const folderVector = addVectors(
      termVector(`${folder.path}\n${folder.description}`, 2),
      termVector([...(folder.articleTitles ?? []), ...(folder.articleKeywords ?? [])].join('\n')),
    );
    const similarity = cosine(pageVector, folderVector);
    const match = trailMatch(folder, trail);
    // A named folder beats any similarity; among named ones, the one whose path is named further down.
    const score = match > 0 ? 2 + match + similarity / 100 : similarity;
    if (!best || score > best.score) best = { folder, similarity, named: match > 0, score };
  }
  return best && { folder: best.folder, similarity: best.similarity, named: best.named };
}
