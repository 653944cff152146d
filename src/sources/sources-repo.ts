// The sources repository (one for the table, built in deps.ts): the reads and writes of the sources API are
// here; what an ingestion writes is in source-content-repo.ts and source-health-repo.ts, a source's links to
// knowledge in source-links-repo.ts, and the row types in source-rows.ts.
import { prepared, type Queryable } from '../lib/db.js';
import { sourceContentQueries } from './source-content-repo.js';
import { sourceHealthQueries } from './source-health-repo.js';
import { sourceLinkQueries } from './source-links-repo.js';
import {
  SOURCE_COLUMNS,
  SOURCE_FROM,
  type DeletedSource,
  type ListFilters,
  type SourceRef,
  type SourceRow,
  type WebSourceRef,
} from './source-rows.js';

export type * from './source-rows.js';
export { CONTENT_SET, contentValues } from './source-rows.js';
export { sourceForJobColumn, type SourceForJob, type SourceLinkResult } from './source-links-repo.js';

/** `%`, `_` and `\` match themselves in a substring filter. */
const likeSubstring = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createSourcesRepo(db: Queryable) {
  return {
    ...sourceLinkQueries(db),
    ...sourceContentQueries(db),
    ...sourceHealthQueries(db),

    async find(workspaceId: string, id: string, tx: Queryable = db): Promise<SourceRow | undefined> {
      const { rows } = await tx.query<SourceRow>(
        `SELECT ${SOURCE_COLUMNS} FROM ${SOURCE_FROM} WHERE s.workspace_id = $1 AND s.id = $2`,
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
  };
}

export type SourcesRepo = ReturnType<typeof createSourcesRepo>;
