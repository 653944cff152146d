// The offline writer's proposal for a new help center's tree (no model): a "Getting started" folder and
// one folder per topic the prompt names, each with a stub article to fill in.
import { markdownToText } from '../lib/markdown-text.js';
import { topTerms, words } from './text-similarity.js';
import { normalizeTreeRows } from './tree-proposal.js';
import type { TreeTemplateRow } from './writer.js';

/** Topics named in the prompt: bullet lines, else the comma/"and"-separated list after a colon. */
function topicsOf(prompt: string): string[] {
  const bullets = prompt
    .split('\n')
    .map((line) => /^\s*(?:[-*•]|\d+[.)])\s+(.+)$/u.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
  const listText =
    bullets.length > 0
      ? bullets.join(',')
      : prompt.includes(':')
        ? prompt.slice(prompt.lastIndexOf(':') + 1)
        : prompt;
  const topics = listText
    .split(/[,;\n]|\band\b|\bor\b|&/iu)
    .map((part) =>
      markdownToText(part)
        .replace(/[.!?()"]+/gu, '')
        .trim(),
    )
    .map((part) => part.replace(/^(?:the|a|an|our|their|its|your)\s+/iu, ''))
    .filter(
      (part) => part !== '' && words(part).length > 0 && part.split(/\s+/u).length <= 5 && part.length <= 40,
    );
  if (topics.length >= 2) return topics;
  // No list in the prompt: its most frequent terms stand in for topics.
  return topTerms(prompt, 5, 4);
}

const capitalize = (text: string) => text[0]!.toUpperCase() + text.slice(1);

export function offlineTree(initPrompt: string): TreeTemplateRow[] {
  const seen = new Set(['getting started']);
  const topics: string[] = [];
  for (const topic of topicsOf(initPrompt).map(capitalize)) {
    if (seen.has(topic.toLowerCase()) || topics.length >= 8) continue;
    seen.add(topic.toLowerCase());
    topics.push(topic);
  }
  const rows: TreeTemplateRow[] = [
    {
      type: 'folder',
      folderPath: 'Getting started',
      title: 'Getting started',
      description: 'First steps and the basics every customer asks about.',
    },
    ...topics.map((topic): TreeTemplateRow => ({
      type: 'folder',
      folderPath: topic,
      title: topic,
      description: `Articles about ${topic.toLowerCase()}.`,
    })),
    {
      type: 'article',
      folderPath: 'Getting started',
      title: 'Getting started',
      description: 'An overview for new customers: what the service does and where to find help.',
    },
    ...topics.map((topic): TreeTemplateRow => ({
      type: 'article',
      folderPath: topic,
      title: `${topic}: overview`,
      description: `The essentials of ${topic.toLowerCase()}; a stub to fill in.`,
    })),
  ];
  return normalizeTreeRows(rows);
}
