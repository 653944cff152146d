// Shapes of the review routes (docs/api.md §7: batches, the review queue), from the server's schemas.
import type { ReviewQueueQuery } from '../../../src/knowledge/articles-schemas.js';
import type { ArticleDiff } from './types.js';

export type { Batch } from '../../../src/generation/batches-schemas.js';
export type { ReviewItem, ReviewQueue as ReviewList } from '../../../src/knowledge/articles-schemas.js';
import type { ReviewQueue } from '../../../src/knowledge/articles-schemas.js';
import type { Batch } from '../../../src/generation/batches-schemas.js';

export type ReviewFilters = Partial<Omit<ReviewQueueQuery, 'limit' | 'cursor'>>;
export type ReviewCounts = ReviewQueue['counts'];
export interface BatchList {
  batches: Batch[];
  hasMore: boolean;
}

/** The diff route's answer: the live article now, and the fields the draft changes. */
export type DiffWithLive = ArticleDiff;
