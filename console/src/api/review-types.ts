// Shapes of the review routes (API.md §7: batches, the review queue, the diff with the live article).
import type { Article, ArticleDiff, Operation } from './types.js';

export interface ReviewFilters {
  operation?: Operation;
  parentFolderId?: string;
  batchId?: string;
  documentId?: string;
  q?: string;
}

export interface ReviewItem {
  id: string;
  title: string;
  operation: Operation | null;
  parentFolderId: string | null;
  folderPath: string[];
  originalArticleId: string | null;
  createdAt: string;
  updatedAt: string;
  stale: boolean;
  sourceId: string | null;
  sourceTitle: string | null;
  sourceUrl: string | null;
  batchId: string | null;
  backgroundJobId: string | null;
  linkedReason: string | null;
}

export type ReviewCounts = Record<Operation | 'total', number>;

export interface ReviewList {
  drafts: ReviewItem[];
  hasMore: boolean;
  counts: ReviewCounts;
}

export interface Batch {
  id: string;
  createdAt: string;
  completedAt: string | null;
  status: 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  params: { restrictedOps: Operation[]; isDraft: boolean; botId: string | null; instructions: string };
  counts: {
    total: number;
    pending: number;
    inProgress: number;
    completed: number;
    failed: number;
    reused: number;
  };
  operations: Record<Operation, number>;
  drafts: number;
  usage: { promptTokens: number; completionTokens: number; cachedTokens: number };
}

export interface BatchList {
  batches: Batch[];
  hasMore: boolean;
}

export type DiffWithLive = ArticleDiff & { live: Article; changedFields: string[] };
