// One renderer for every error response, in the format of docs/api.md §1:
// { statusCode, error, message, code, details? } — never a stack trace.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES, type ErrorCode, type ErrorDetail } from '../lib/errors.js';
import { unknownFields } from './zod-messages.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: ErrorCode;
  details?: ErrorDetail[];
}

export function errorBody(code: ErrorCode, message: string, details?: ErrorDetail[]): ErrorBody {
  const statusCode = ERROR_CODES[code];
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    code,
    ...(details ? { details } : {}),
  };
}

const CONTEXT_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'headers',
};

function fieldFromInstancePath(instancePath: string, context: string | undefined): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (parts.length === 0) return CONTEXT_NAMES[context ?? 'body'] ?? 'body';
  return parts.reduce(
    (out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}

function fromValidation(error: FastifyError): ErrorBody {
  const problems = (error.validation ?? []).map((issue) => {
    const field = fieldFromInstancePath(issue.instancePath, error.validationContext);
    const { keys, knownFields } = issue.params as { keys?: unknown; knownFields?: unknown };
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      const objectPath = issue.instancePath.split('/').some(Boolean) ? field : '';
      const known = Array.isArray(knownFields) ? (knownFields as string[]) : [];
      return { unknown: true, ...unknownFields(objectPath, keys as string[], known) };
    }
    const message = issue.message ?? 'is invalid';
    return { unknown: false, message: `${field} ${message}`, details: [{ field, message }] };
  });
  // A misspelt field usually also leaves a required one missing: the unknown field is the real cause.
  problems.sort((a, b) => Number(b.unknown) - Number(a.unknown));
  const details = problems.flatMap((problem) => problem.details);
  return errorBody('VALIDATION', problems[0]?.message ?? 'body is invalid', details);
}

/** Maps Fastify's own errors (body parsing, limits) to our codes; undefined for anything unexpected. */
function fromFastify(error: FastifyError, request: FastifyRequest): ErrorBody | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errorBody('BAD_REQUEST', 'body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errorBody(
        'PAYLOAD_TOO_LARGE',
        `body exceeds the limit of ${request.routeOptions.bodyLimit ?? 1_048_576} bytes`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return errorBody(
        'UNSUPPORTED_MEDIA_TYPE',
        `content-type ${JSON.stringify(request.headers['content-type'] ?? '')} is not supported; send application/json`,
      );
  }
  if (error.statusCode === 413) return errorBody('PAYLOAD_TOO_LARGE', error.message);
  if (error.statusCode === 415) return errorBody('UNSUPPORTED_MEDIA_TYPE', error.message);
  if (error.statusCode === 429) return errorBody('RATE_LIMITED', error.message);
  if (error.statusCode === 503) return errorBody('UNAVAILABLE', error.message);
  // Prototype poisoning, bad URL encoding, invalid content-length and the like.
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    return errorBody('BAD_REQUEST', error.message);
  return undefined;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let body: ErrorBody | undefined;
    if (error instanceof AppError) body = errorBody(error.code, error.message, error.details);
    else if (error.validation) body = fromValidation(error);
    else body = fromFastify(error, request);

    if (!body) {
      request.log.error({ err: error }, 'unhandled error');
      body = errorBody(
        'INTERNAL',
        'internal error; the request id in the x-request-id header identifies it in the logs',
      );
    } else if (body.statusCode >= 500) {
      request.log.error({ err: error }, body.message);
    }
    return reply.status(body.statusCode).send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody('NOT_FOUND', `route ${request.method} ${request.url.split('?')[0]} not found`)),
  );
}
