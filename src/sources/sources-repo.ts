import { prepared, type Queryable } from '../lib/db.js';
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
const SOURCE_COLUMNS = `s.id, s.workspace_id AS "workspaceId", s.source_type AS "sourceType",
  s.external_id AS "externalId", s.original_url AS "originalUrl", s.title, s.mime_type AS "mimeType",
  s.object_type AS "objectType", s.english, s.baser, to_json(s.paragraphs) AS paragraphs,
  to_json(s.old_paragraphs) AS "oldParagraphs", s.content_hash AS "contentHash",
  to_json(s.breadcrumb) AS breadcrumb, s.storage_url AS "storageUrl", s.saved_hash AS "savedHash", s.etag, s.last_modified AS "lastModified",
  s.success, s.error, s.linked_job_id AS "linkedJobId", j.status AS "linkedJobStatus",
  s.linked_knowledge_id AS "linkedKnowledgeId", s.linked_operation AS "linkedOperation",
  s.linked_reason AS "linkedReason", s.changed, s.gone, s.suspect, s.fetched_at AS "fetchedAt",
  s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;
const SOURCE_FROM = 'sources s LEFT JOIN ingest_jobs j ON j.id = s.linked_job_id';

export type SourceRef = Pick<SourceRow, 'id' | 'sourceType' | 'linkedJobId' | 'linkedJobStatus'>;
export type FetchTarget = Pick<
  SourceRow,
  'sourceType' | 'originalUrl' | 'contentHash' | 'etag' | 'lastModified'
>;

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

/** `%`, `_` and `\` match themselves in a substring filter. */
const likeSubstring = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

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

/** What a knowledge job reads of its source. */
export interface SourceForJob {
  id: string;
  title: string;
  originalUrl: string;
  paragraphs: string[];
  contentHash: string | null;
  /** The page's breadcrumb trail, a hint for the folder of a new article. */
  breadcrumb: string[];
  linkedKnowledgeId: string | null;
  /** The content hash the linked article was last saved from (the change rule's reference). */
  savedHash: string | null;
  /** The linked article's title when it exists and is live (not a draft); null otherwise. */
  linkedLiveTitle: string | null;
  /** Why the last fetch failed ('' when it did not). */
  error: string;
}

// Every generate job records its outcome on its source: parsed once per connection (lib/db.ts).
const RECORD_OUTCOME = prepared(
  `UPDATE sources SET linked_operation = $3, linked_reason = $4, updated_at = now()
   WHERE workspace_id = $1 AND id = $2`,
);

/**
 * SourceForJob as a JSON value inside a statement over `jobTable` (a job row with `workspace_id` and
 * `source_id`); null when there is no such source. The generate job's start returns it (WORK_COLUMNS in
 * generation/jobs-repo.ts), so a job and its source come in one round trip; the columns stay defined here.
 */
export function sourceForJobColumn(jobTable: string): string {
  return `(SELECT json_build_object('id', s.id, 'title', s.title, 'originalUrl', s.original_url,
     'paragraphs', to_json(s.paragraphs), 'contentHash', s.content_hash, 'breadcrumb', to_json(s.breadcrumb),
     'linkedKnowledgeId', s.linked_knowledge_id, 'savedHash', s.saved_hash, 'error', s.error,
     'linkedLiveTitle', (SELECT a.title FROM articles a
       WHERE a.workspace_id = s.workspace_id AND a.id = s.linked_knowledge_id AND NOT a.is_draft))
   FROM sources s WHERE s.workspace_id = ${jobTable}.workspace_id AND s.id = ${jobTable}.source_id)`;
}

export function createSourcesRepo(db: Queryable) {
  return {
    /** The source's `linkedOperation` and `linkedReason`: what the last generation decided, and why. */
    async recordOutcome(
      workspaceId: string,
      id: string,
      outcome: { operation: Operation; reason: string },
      tx: Queryable = db,
    ): Promise<boolean> {
      const { rowCount } = await tx.query({
        ...RECORD_OUTCOME,
        values: [workspaceId, id, outcome.operation, outcome.reason],
      });
      return (rowCount ?? 0) > 0;
    },

    async find(workspaceId: string, id: string, tx: Queryable = db): Promise<SourceRow | undefined> {
      const { rows } = await tx.query<SourceRow>(
        `SELECT ${SOURCE_COLUMNS} FROM ${SOURCE_FROM} WHERE s.workspace_id = $1 AND s.id = $2`,
        [workspaceId, id],
      );
      return rows[0];
    },

    /** Locks the source row for the rest of the transaction (content writes are serialized per source). */
    async findForUpdate(workspaceId: string, id: string, tx: Queryable): Promise<SourceRow | undefined> {
      const { rows } = await tx.query<SourceRow>(
        `SELECT ${SOURCE_COLUMNS} FROM ${SOURCE_FROM} WHERE s.workspace_id = $1 AND s.id = $2 FOR UPDATE OF s`,
        [workspaceId, id],
      );
      return rows[0];
    },

    /** What refresh, delete and ingest need of the sources they are given: never their content. */
    async findRefs(workspaceId: string, ids: string[], tx: Queryable = db): Promise<SourceRef[]> {
      const { rows } = await tx.query<SourceRef>(
        `SELECT s.id, s.source_type AS "sourceType", s.linked_job_id AS "linkedJobId",
                j.status AS "linkedJobStatus"
           FROM ${SOURCE_FROM} WHERE s.workspace_id = $1 AND s.id = ANY($2::uuid[])`,
        [workspaceId, ids],
      );
      return rows;
    },

    /** What a fetch needs: the URL and the validators of the content held. */
    async findForFetch(
      workspaceId: string,
      id: string,
      tx: Queryable = db,
    ): Promise<FetchTarget | undefined> {
      const { rows } = await tx.query<FetchTarget>(
        `SELECT source_type AS "sourceType", original_url AS "originalUrl", content_hash AS "contentHash",
                etag, last_modified AS "lastModified"
           FROM sources WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
      return rows[0];
    },

    /** Locks the source row for the rest of the transaction without reading it; false when it is gone. */
    async lock(workspaceId: string, id: string, tx: Queryable): Promise<boolean> {
      const { rowCount } = await tx.query(
        'SELECT 1 FROM sources WHERE workspace_id = $1 AND id = $2 FOR UPDATE',
        [workspaceId, id],
      );
      return (rowCount ?? 0) > 0;
    },

    async idsInWorkspace(workspaceId: string, ids: string[], tx: Queryable = db): Promise<string[]> {
      const { rows } = await tx.query<{ id: string }>(
        'SELECT id FROM sources WHERE workspace_id = $1 AND id = ANY($2::uuid[])',
        [workspaceId, ids],
      );
      return rows.map((row) => row.id);
    },

    /**
     * Of `ids` that are not in `workspaceId`, those that exist in another workspace. Deliberately crosses
     * workspaces: docs/api.md §1 answers 403 (not 400) for another workspace's source IDs.
     */
    async idsInOtherWorkspaces(workspaceId: string, ids: string[], tx: Queryable = db): Promise<string[]> {
      const { rows } = await tx.query<{ id: string }>(
        'SELECT id FROM sources WHERE id = ANY($2::uuid[]) AND workspace_id <> $1',
        [workspaceId, ids],
      );
      return rows.map((row) => row.id);
    },

    async existsElsewhere(workspaceId: string, id: string, tx: Queryable = db): Promise<boolean> {
      const { rowCount } = await tx.query('SELECT 1 FROM sources WHERE id = $2 AND workspace_id <> $1', [
        workspaceId,
        id,
      ]);
      return (rowCount ?? 0) > 0;
    },

    /**
     * Creates the web sources that do not exist yet (same workspace and normalized URL = same source) and
     * returns every one, with whether this call created it.
     */
    async upsertWeb(
      workspaceId: string,
      urls: { externalId: string; originalUrl: string }[],
      flags: { english: boolean; baser: boolean },
      tx: Queryable = db,
    ): Promise<WebSourceRef[]> {
      const { rows } = await tx.query<WebSourceRef>(
        `WITH input AS (
           SELECT * FROM unnest($2::text[], $3::text[]) AS t(external_id, original_url)
         ), inserted AS (
           INSERT INTO sources (workspace_id, source_type, external_id, original_url, english, baser)
           SELECT $1, 'web', external_id, original_url, $4, $5 FROM input
           ON CONFLICT (workspace_id, source_type, external_id) DO NOTHING
           RETURNING id, external_id
         )
         SELECT i.id, i.external_id AS "externalId", true AS created, NULL AS "linkedJobStatus" FROM inserted i
         UNION ALL
         SELECT s.id, s.external_id, false, j.status
           FROM sources s JOIN input USING (external_id)
           LEFT JOIN ingest_jobs j ON j.id = s.linked_job_id
          WHERE s.workspace_id = $1 AND s.source_type = 'web'
            AND NOT EXISTS (SELECT 1 FROM inserted WHERE inserted.external_id = s.external_id)`,
        [
          workspaceId,
          urls.map((url) => url.externalId),
          urls.map((url) => url.originalUrl),
          flags.english,
          flags.baser,
        ],
      );
      return rows;
    },

    /** Web sources by normalized URL (used when a concurrent request created one under our feet). */
    async findWebByExternalIds(
      workspaceId: string,
      externalIds: string[],
      tx: Queryable = db,
    ): Promise<WebSourceRef[]> {
      const { rows } = await tx.query<WebSourceRef>(
        `SELECT s.id, s.external_id AS "externalId", false AS created, j.status AS "linkedJobStatus"
           FROM ${SOURCE_FROM}
          WHERE s.workspace_id = $1 AND s.source_type = 'web' AND s.external_id = ANY($2::text[])`,
        [workspaceId, externalIds],
      );
      return rows;
    },

    /**
     * A new PENDING ingest job per source, each becoming its source's linked job. `updated_at` stays: queuing
     * changes nothing a client stored (the job's state is read through linkedJobStatus), and a refresh that
     * ends in 304 must leave the source exactly as it was.
     */
    async createJobs(
      workspaceId: string,
      sourceIds: string[],
      tx: Queryable = db,
    ): Promise<{ sourceId: string; jobId: string }[]> {
      if (sourceIds.length === 0) return [];
      const { rows } = await tx.query<{ sourceId: string; jobId: string }>(
        `WITH jobs AS (
           INSERT INTO ingest_jobs (workspace_id, source_id)
           SELECT $1, source_id FROM unnest($2::uuid[]) AS t(source_id)
           RETURNING id, source_id
         )
         UPDATE sources s SET linked_job_id = jobs.id
           FROM jobs WHERE s.id = jobs.source_id AND s.workspace_id = $1
         RETURNING s.id AS "sourceId", jobs.id AS "jobId"`,
        [workspaceId, sourceIds],
      );
      return rows;
    },

    async list(
      workspaceId: string,
      page: { limit: number; cursor?: string; direction: 'next' | 'previous' },
      filters: ListFilters,
      tx: Queryable = db,
    ): Promise<{ rows: SourceRow[]; hasMore: boolean }> {
      const params: unknown[] = [workspaceId];
      const where = ['s.workspace_id = $1'];
      const add = (sql: (param: string) => string, value: unknown) => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (filters.source) add((p) => `s.source_type = ${p}`, filters.source);
      if (filters.english !== undefined) add((p) => `s.english = ${p}`, filters.english);
      if (filters.success !== undefined) add((p) => `s.success = ${p}`, filters.success);
      if (filters.id) add((p) => `s.id = ${p}`, filters.id);
      if (filters.title) add((p) => `s.title ILIKE ${p}`, likeSubstring(filters.title));
      if (filters.url) add((p) => `s.original_url ILIKE ${p}`, likeSubstring(filters.url));
      if (filters.linkedKnowledgeId) add((p) => `s.linked_knowledge_id = ${p}`, filters.linkedKnowledgeId);
      if (filters.linkedOperation) add((p) => `s.linked_operation = ${p}`, filters.linkedOperation);
      // "changed" is only meaningful for linked sources (docs/api.md §3); false is its exact complement.
      if (filters.changed === true) where.push('s.changed AND s.linked_knowledge_id IS NOT NULL');
      if (filters.changed === false) where.push('NOT (s.changed AND s.linked_knowledge_id IS NOT NULL)');
      if (filters.gone !== undefined) add((p) => `s.gone = ${p}`, filters.gone);
      if (filters.suspect !== undefined) where.push(`s.suspect IS ${filters.suspect ? 'NOT ' : ''}NULL`);

      // Keyset over (updated_at, external_id, id), all descending; "previous" walks the same order upwards.
      const older = page.direction === 'next';
      if (page.cursor) {
        add(
          (p) =>
            `(s.updated_at, s.external_id, s.id) ${older ? '<' : '>'}
             (SELECT c.updated_at, c.external_id, c.id FROM sources c WHERE c.workspace_id = $1 AND c.id = ${p})`,
          page.cursor,
        );
      }
      const order = older ? 'DESC' : 'ASC';
      const filtered = where.length > (page.cursor ? 2 : 1);
      params.push(page.limit + 1);
      const text = `SELECT ${SOURCE_COLUMNS} FROM ${SOURCE_FROM} WHERE ${where.join(' AND ')}
         ORDER BY s.updated_at ${order}, s.external_id ${order}, s.id ${order} LIMIT $${params.length}`;
      // The unfiltered list (what a client pages through) is parsed once per connection; filtered ones are
      // not, so the statements a connection holds stay a handful.
      const { rows } = await tx.query<SourceRow>({
        ...(filtered ? { text } : prepared(text)),
        values: params,
      });
      const hasMore = rows.length > page.limit;
      const pageRows = rows.slice(0, page.limit);
      return { rows: older ? pageRows : pageRows.reverse(), hasMore };
    },

    async delete(workspaceId: string, ids: string[], tx: Queryable = db): Promise<DeletedSource[]> {
      const { rows } = await tx.query<DeletedSource>(
        `DELETE FROM sources WHERE workspace_id = $1 AND id = ANY($2::uuid[])
         RETURNING id, title, original_url AS "originalUrl", linked_knowledge_id AS "linkedKnowledgeId"`,
        [workspaceId, ids],
      );
      return rows;
    },

    // --- ingest jobs ------------------------------------------------------------------------------------

    async finishJob(
      workspaceId: string,
      jobId: string,
      outcome: { status: 'COMPLETED' | 'FAILED'; error: string | null },
      tx: Queryable = db,
    ): Promise<void> {
      await tx.query(
        `UPDATE ingest_jobs SET status = $3, error = $4, completed_at = now(), updated_at = now()
         WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, jobId, outcome.status, outcome.error],
      );
    },

    // --- source content ---------------------------------------------------------------------------------

    async storeContent(
      workspaceId: string,
      id: string,
      content: StoredContent,
      tx: Queryable,
    ): Promise<void> {
      await tx.query(`UPDATE sources SET ${CONTENT_SET} WHERE workspace_id = $1 AND id = $2`, [
        workspaceId,
        id,
        ...contentValues(content),
      ]);
    },

    /** 304: nothing changed, so neither does updated_at — unless the source recovers from a failure. */
    async markNotModified(workspaceId: string, id: string, tx: Queryable): Promise<void> {
      // A successful source keeps its error too: it is the notice of what was cut from the same content.
      await tx.query(
        `UPDATE sources SET success = true, error = CASE WHEN success THEN error ELSE '' END, fetched_at = now(),
           updated_at = CASE WHEN success THEN updated_at ELSE now() END
         WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
    },

    /** The content stays: a failed refresh never loses what was there. */
    async markFailed(workspaceId: string, id: string, error: string, tx: Queryable): Promise<void> {
      await tx.query(
        `UPDATE sources SET success = false, error = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id, error],
      );
    },
  };
}

export type SourcesRepo = ReturnType<typeof createSourcesRepo>;
