// The sources table's rows and the columns every read of a whole source selects; the repository is
// sources-repo.ts, with its parts in source-content-repo.ts and source-links-repo.ts.
import type { JobStatus, Operation } from '../lib/operations.js';
import type { SourceType } from './sources-schemas.js';

export interface SourceRow {
  id: string;
  workspaceId: string;
  sourceType: SourceType;
  externalId: string;
  originalUrl: string;
  title: string;
  mimeType: string;
  objectType: string;
  english: boolean;
  baser: boolean;
  paragraphs: string[];
  oldParagraphs: string[];
  contentHash: string | null;
  /** The page's breadcrumb trail, root first; [] when it shows none. */
  breadcrumb: string[];
  /** Where the stored original is; null for web pages until one is stored. */
  storageUrl: string | null;
  savedHash: string | null;
  etag: string | null;
  lastModified: string | null;
  success: boolean;
  error: string;
  linkedJobId: string | null;
  linkedJobStatus: JobStatus | null;
  linkedKnowledgeId: string | null;
  linkedOperation: Operation | null;
  linkedReason: string | null;
  changed: boolean;
  gone: boolean;
  suspect: string | null;
  fetchedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

// The text arrays come as JSON: JSON.parse reads them at a fraction of the CPU of pg's text[] parser, which
// was the largest part of a list request's own CPU in the API process.
export const SOURCE_COLUMNS = `s.id, s.workspace_id AS "workspaceId", s.source_type AS "sourceType",
  s.external_id AS "externalId", s.original_url AS "originalUrl", s.title, s.mime_type AS "mimeType",
  s.object_type AS "objectType", s.english, s.baser, to_json(s.paragraphs) AS paragraphs,
  to_json(s.old_paragraphs) AS "oldParagraphs", s.content_hash AS "contentHash",
  to_json(s.breadcrumb) AS breadcrumb, s.storage_url AS "storageUrl", s.saved_hash AS "savedHash", s.etag, s.last_modified AS "lastModified",
  s.success, s.error, s.linked_job_id AS "linkedJobId", j.status AS "linkedJobStatus",
  s.linked_knowledge_id AS "linkedKnowledgeId", s.linked_operation AS "linkedOperation",
  s.linked_reason AS "linkedReason", s.changed, s.gone, s.suspect, s.fetched_at AS "fetchedAt",
  s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;
export const SOURCE_FROM = 'sources s LEFT JOIN ingest_jobs j ON j.id = s.linked_job_id';

export type SourceRef = Pick<SourceRow, 'id' | 'sourceType' | 'linkedJobId' | 'linkedJobStatus'>;

export interface ListFilters {
  source?: SourceType;
  changed?: boolean;
  success?: boolean;
  english?: boolean;
  id?: string;
  title?: string;
  url?: string;
  linkedKnowledgeId?: string;
  linkedOperation?: Operation;
  gone?: boolean;
  suspect?: boolean;
}

export interface NewContent {
  title: string;
  mimeType: string;
  paragraphs: string[];
  contentHash: string;
  breadcrumb: string[];
  etag: string | null;
  lastModified: string | null;
}

/** A content write; `notice`: what was cut to fit (source-limits.ts), kept in `error` of a successful source. */
export type StoredContent = NewContent & { oldParagraphs: string[]; changed: boolean; notice: string };

/** The columns a content write sets, from parameters $3–$12 (contentValues); ingest-repo.ts uses it too. */
export const CONTENT_SET = `title = $3, mime_type = $4, paragraphs = $5, old_paragraphs = $6,
  content_hash = $7, etag = $8, last_modified = $9, changed = $10, breadcrumb = $11, success = true,
  error = $12, fetched_at = now(), updated_at = now()`;

export const contentValues = (content: StoredContent): unknown[] => [
  content.title,
  content.mimeType,
  content.paragraphs,
  content.oldParagraphs,
  content.contentHash,
  content.etag,
  content.lastModified,
  content.changed,
  content.breadcrumb,
  content.notice,
];

/** A web source as ingest sees it: whether this call created it, and the state of its latest job. */
export interface WebSourceRef {
  id: string;
  externalId: string;
  created: boolean;
  linkedJobStatus: JobStatus | null;
}

export interface DeletedSource {
  id: string;
  title: string;
  originalUrl: string;
  linkedKnowledgeId: string | null;
}
