// The tree template CSV (`type,folder_path,title,description`): what `tree/initialize` produces and
// `tree/persist` imports. Parsing and row rules live here so both ends agree. README "Tree import" has the
// format in words.
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../lib/errors.js';
import { STOP_WORDS } from '../lib/stop-words.js';
import type { TreeTemplateRow } from '../writers/writer.js';
import { ARTICLE_BODY_MAX, ARTICLE_TITLE_MAX } from './articles-schemas.js';
import { FOLDER_DESCRIPTION_MAX, FOLDER_TITLE_MAX } from './folders-schemas.js';

export const TREE_CSV_COLUMNS = ['type', 'folder_path', 'title', 'description'] as const;
export type TreeCsvColumn = (typeof TREE_CSV_COLUMNS)[number];
export const TREE_CSV_MAX_ROWS = 5_000;
/** Folder levels a row may reach (a folder row's own folder included): a help center is never deeper. */
export const TREE_MAX_DEPTH = 10;
/** `folder_path` titles summed over the file: each one is a folder to find or create. */
export const TREE_CSV_MAX_SEGMENTS = 20_000;

/**
 * A row that passed the rules, with its line in the file and its folder path split into titles. Unlike a
 * writer's TreeTemplateRow, a folder row's `folderPath` is the path of the folder it is created in.
 */
export interface TreeCsvRow {
  type: 'folder' | 'article';
  folderPath: string;
  title: string;
  description: string;
  /** 1-based line where the row starts (the header is line 1). */
  line: number;
  /** `folder_path` split on `/`, each title trimmed, empty segments dropped. [] = the top level. */
  path: string[];
}

/** `"Billing / Refunds/"` → `["Billing", "Refunds"]`. */
export const splitFolderPath = (folderPath: string): string[] =>
  folderPath
    .split('/')
    .map((segment) => segment.trim())
    .filter((segment) => segment.length > 0);

function rowError(line: number, column: TreeCsvColumn | undefined, message: string): AppError {
  const where = column ? `file line ${line}, column ${column}` : `file line ${line}`;
  return new AppError('VALIDATION', `${where}: ${message}`, [
    { field: 'file', message, line, ...(column ? { column } : {}) },
  ]);
}

function checkRow(record: string[], line: number): TreeCsvRow {
  const [rawType = '', folderPath = '', rawTitle = '', rawDescription = ''] = record.map(unescapeFormula);
  const type = rawType.trim().toLowerCase();
  if (type !== 'folder' && type !== 'article')
    throw rowError(line, 'type', `must be folder or article, not ${JSON.stringify(rawType)}`);
  const path = splitFolderPath(folderPath);
  const depth = path.length + (type === 'folder' ? 1 : 0);
  if (depth > TREE_MAX_DEPTH)
    throw rowError(
      line,
      'folder_path',
      `nests folders ${depth} levels deep; at most ${TREE_MAX_DEPTH} levels are allowed`,
    );
  const title = rawTitle.trim();
  const description = rawDescription.trim();
  const long = path.find((segment) => segment.length > FOLDER_TITLE_MAX);
  if (long !== undefined)
    throw rowError(line, 'folder_path', `folder title must be at most ${FOLDER_TITLE_MAX} characters`);
  if (title.length === 0) throw rowError(line, 'title', 'must not be empty');

  if (type === 'folder') {
    if (title.length > FOLDER_TITLE_MAX)
      throw rowError(line, 'title', `must be at most ${FOLDER_TITLE_MAX} characters`);
    if (title.includes('/'))
      throw rowError(line, 'title', 'must not contain "/" (it separates folder titles)');
    if (description.length > FOLDER_DESCRIPTION_MAX)
      throw rowError(line, 'description', `must be at most ${FOLDER_DESCRIPTION_MAX} characters`);
  } else {
    if (path.length === 0) throw rowError(line, 'folder_path', "must name the article's folder");
    if (title.length > ARTICLE_TITLE_MAX)
      throw rowError(line, 'title', `must be at most ${ARTICLE_TITLE_MAX} characters`);
    if (description.length === 0)
      throw rowError(line, 'description', "must not be empty: it becomes the article's body");
    if (description.length > ARTICLE_BODY_MAX)
      throw rowError(line, 'description', `must be at most ${ARTICLE_BODY_MAX} characters`);
  }
  return { type, folderPath, title, description, line, path };
}

/**
 * Parses and checks a whole tree CSV. Throws a 400 AppError naming the line (and column) of the first
 * problem; returns every row otherwise. Empty lines are skipped; a UTF-8 BOM is allowed.
 */
export function parseTreeCsv(input: string | Buffer): TreeCsvRow[] {
  // csv-parse miscounts lines for CRLF inside quoted fields: normalize line ends first.
  const text = (typeof input === 'string' ? input : input.toString('utf8')).replace(/\r\n?/g, '\n');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info: true` each record comes as { record, info }; the typings only know the plain shape.
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      max_record_size: 200_000,
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : 0;
      throw rowError(line, undefined, error.message.replace(/^Invalid Record Length: /, ''));
    }
    throw error;
  }
  // info.lines is the line a record ends on; a quoted field may span several.
  const startLine = (entry: (typeof records)[number]) =>
    entry.info.lines - entry.record.reduce((sum, field) => sum + (field.match(/\n/g)?.length ?? 0), 0);

  const [header, ...rows] = records;
  const names = header?.record.map((name) => name.trim().toLowerCase());
  if (!header || names?.join(',') !== TREE_CSV_COLUMNS.join(','))
    throw rowError(header ? startLine(header) : 1, undefined, `header must be ${TREE_CSV_COLUMNS.join(',')}`);
  if (rows.length === 0)
    throw rowError(startLine(header), undefined, 'the file has no rows after the header');
  if (rows.length > TREE_CSV_MAX_ROWS)
    throw rowError(startLine(rows[TREE_CSV_MAX_ROWS]!), undefined, `at most ${TREE_CSV_MAX_ROWS} rows`);
  let segments = 0;
  return rows.map((entry) => {
    const row = checkRow(entry.record, startLine(entry));
    segments += row.path.length;
    if (segments > TREE_CSV_MAX_SEGMENTS)
      throw rowError(
        row.line,
        'folder_path',
        `the file names more than ${TREE_CSV_MAX_SEGMENTS} folder path titles in all; split it into smaller files`,
      );
    return row;
  });
}

/** Keywords for an imported stub: the title's words, lower-cased, without stop words, at most 10. */
export function keywordsFromTitle(title: string): string[] {
  const words = title
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word));
  const unique = [...new Set(words)].slice(0, 10);
  return unique.length > 0 ? unique : [title.trim().toLowerCase()];
}

/**
 * The template `tree/initialize` downloads: the writer's rows in the import format, where a folder row
 * names the path it is created in (its parent) and its own title.
 */
export function formatTreeCsv(rows: TreeTemplateRow[]): string {
  const records = rows.map((row) => [
    row.type,
    row.type === 'folder' ? splitFolderPath(row.folderPath).slice(0, -1).join('/') : row.folderPath,
    row.title,
    row.description,
  ]);
  // The template is opened in spreadsheets, and its text comes from a model fed with the user's prompt:
  // a cell starting with = + - @ (or tab, CR) would run as a formula. OWASP's CSV injection advice,
  // as csv-stringify implements it: prefix such a cell with a single quote. parseTreeCsv drops it again.
  return stringify(records, { header: true, columns: [...TREE_CSV_COLUMNS], escape_formulas: true });
}

/** A cell the template escaped (`'=…`, see formatTreeCsv), back to its text; \n: parsing turns CR into LF. */
const FORMULA_ESCAPED = /^'(?=[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20])/;
const unescapeFormula = (cell: string): string => cell.replace(FORMULA_ESCAPED, '');

/** The answer of `tree/persist`: Fini's `{ status, message }` plus counts (ext). */
export const TreeImportResultSchema = z.object({
  status: z.literal('COMPLETED'),
  message: z.string(),
  foldersCreated: z.number().int().describe('(ext)'),
  foldersExisting: z.number().int().describe('(ext) folders of the file that already existed'),
  articlesCreated: z.number().int().describe('(ext) draft articles created'),
});
export type TreeImportResult = z.infer<typeof TreeImportResultSchema>;
