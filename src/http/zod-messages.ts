// Error messages phrased to follow the field name ("documentIds must contain at least 1 item"), so every
// validation error names the field at fault (API.md §1). They belong to the HTTP validator only: set per
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
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}`;
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
      error: result.error.issues.map((issue) => ({
        keyword: issue.code,
        instancePath: `/${issue.path.map(String).join('/')}`,
        schemaPath: `#/${issue.path.map(String).join('/')}/${issue.code}`,
        message: issue.message,
        params: {},
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
