// Wire types of the API, taken from the server's own zod schemas (type-only imports: nothing of the
// server is bundled), so the console and the API cannot drift apart.
export type {
  Article,
  ArticleDiff,
  ArticleVersion,
  ArticleVersions,
} from '../../../src/knowledge/articles-schemas.js';
export type {
  Source,
  ListResponse as SourceList,
  IngestResponse,
  DeepCrawlResponse,
} from '../../../src/sources/sources-schemas.js';
export type { Job } from '../../../src/generation/generation-schemas.js';
export type { TreeNode, TreeSnapshot, Folder } from '../../../src/knowledge/folders-schemas.js';
export type { KeyInfo } from '../../../src/keys/keys-schemas.js';
export type { Operation } from '../../../src/lib/operations.js';
import type { ArticleContent as ServerArticleContent } from '../../../src/knowledge/articles-schemas.js';

export type ArticleContent = ServerArticleContent;

/** The API's error body (docs/api.md §1). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  details?: { field?: string; message: string }[];
}
