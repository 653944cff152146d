// PostgreSQL text cannot hold the NUL character (U+0000): a body or query value carrying one would fail
// deep in a query with a 500. Refused at the edge instead, with a 400 naming the field.
import type { FastifyInstance } from 'fastify';
import { validationError } from '../lib/errors.js';
import { formatPath } from './zod-messages.js';

const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

/** The path of the first key or string value that holds U+0000, or undefined. */
export function findNul(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findNul(value[index], [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      if (name.includes('\u0000')) return [...path, name];
      const found = findNul(item, [...path, name]);
      if (found) return found;
    }
  }
  return undefined;
}

export function nulError(path: (string | number)[], whole: string) {
  return validationError(formatPath(path) || whole, NUL_MESSAGE);
}

/** Refuses NUL in query strings (bodies are checked by the JSON parser, see app.ts). */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found = findNul(request.query);
    if (found) throw nulError(found, 'query');
  });
}
