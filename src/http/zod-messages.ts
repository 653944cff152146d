// Error messages phrased to follow the field name ("documentIds must contain at least 1 item"), so every
// validation error names the field at fault (docs/api.md §1). They belong to the HTTP validator only: set per
// parse, not as zod's global config, so other parsers (the writer's answer check, config) see zod's own
// issues whichever process role loaded this module.
import type { FastifySchemaCompiler } from 'fastify';
import { safeParse, type $ZodRawIssue, type $ZodType } from 'zod/v4/core';

type Issue = $ZodRawIssue;

function plural(count: number | bigint, noun: string): string {
  return `${count} ${noun}${Number(count) === 1 ? '' : 's'}`;
}

function describe(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small':
      if (issue.origin === 'array') return `must contain at least ${plural(issue.minimum, 'item')}`;
      if (issue.origin === 'string')
        return issue.minimum === 1
          ? 'must not be empty'
          : `must be at least ${plural(issue.minimum, 'character')}`;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `must contain at most ${plural(issue.maximum, 'item')}`;
      if (issue.origin === 'string') return `must be at most ${plural(issue.maximum, 'character')}`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    case 'invalid_format':
      if (issue.format === 'uuid' || issue.format === 'guid') return 'must be a UUID';
      if (issue.format === 'url') return 'must be a URL';
      if (issue.format === 'regex') return 'has an invalid format';
      return `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value: unknown) => String(value)).join(', ')}`;
    case 'unrecognized_keys': {
      // The final issue loses the schema; keep its field names on the issue for the HTTP error handler.
      const knownFields = Object.keys((issue.inst as { shape?: object } | undefined)?.shape ?? {});
      Object.assign(issue, { knownFields });
      return unknownFields('', issue.keys, knownFields).message;
    }
    default:
      return undefined;
  }
}

/**
 * Fastify's validator for zod route schemas, with the messages above. Answers the issues in the shape
 * Fastify gives the error handler (`error.validation`: instancePath and message).
 */
export const httpValidatorCompiler: FastifySchemaCompiler<$ZodType> =
  ({ schema }) =>
  (data) => {
    const result = safeParse(schema, data, { error: describe });
    if (result.success) return { value: result.data };
    return {
      error: result.error.issues.map(({ code, path, message, ...rest }) => ({
        keyword: code,
        instancePath: `/${path.map(String).join('/')}`,
        schemaPath: `#/${path.map(String).join('/')}/${code}`,
        message,
        // The issue's own fields (an unknown key's `keys` and `knownFields`) for the error handler.
        params: rest,
      })),
    };
  };

/** `['documentIds', 2]` → `documentIds[2]`; `['a', 'b']` → `a.b`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Optimal string alignment distance, case-insensitive: a swap of two letters counts as one edit. */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j += 1) rows[0]![j] = j;
  for (let i = 1; i <= x.length; i += 1)
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  return rows[x.length]![y.length]!;
}

/** The known field a misspelt one most likely meant (as Stripe suggests), or undefined when none is close. */
export function closestField(field: string, known: readonly string[]): string | undefined {
  const allowed = Math.max(1, Math.floor(field.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    // The distance is at least the difference in length: a huge key costs nothing to rule out.
    if (Math.abs(field.length - name.length) > allowed) continue;
    const distance = editDistance(field, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= allowed ? best.name : undefined;
}

const MAX_LISTED = 20;
/** Names shown as they are; any other key (empty, spaces, odd characters) is quoted. */
const FIELD_NAME = /^[A-Za-z_$][\w$]{0,99}$/;

/**
 * The error for unknown fields of the object at `objectPath` ('' for the body itself), field first like
 * every validation message: "parentFolderID is not a known field; did you mean parentFolderId?".
 */
export function unknownFields(
  objectPath: string,
  fields: readonly string[],
  known: readonly string[],
): { message: string; details: { field: string; message: string }[] } {
  const details = fields.slice(0, MAX_LISTED).map((name) => {
    const suggestion = closestField(name, known);
    const shown = FIELD_NAME.test(name) ? name : JSON.stringify(name.slice(0, 100));
    return {
      field: objectPath ? `${objectPath}.${shown}` : shown,
      message: `is not a known field${suggestion ? `; did you mean ${suggestion}?` : ''}`,
    };
  });
  const message =
    details.length === 1
      ? `${details[0]!.field} ${details[0]!.message}`
      : `${details.map((detail) => detail.field).join(', ')}${fields.length > MAX_LISTED ? ` and ${fields.length - MAX_LISTED} more` : ''} are not known fields`;
  return { message, details };
}
