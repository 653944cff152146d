// How a failing model call surfaces and what it becomes: the SDK's fetch that logs error statuses and
// refuses to sleep through a long Retry-After, and the sorting of SDK errors into WriterError kinds (retry,
// pause the queue, give up; docs/architecture.md §4, failures). Part of the `openai` writer (openai-writer.ts).
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { Logger } from '../lib/logger.js';
import { WriterError } from './writer.js';

/** `retry-after-ms` (milliseconds), else `retry-after` (seconds or an HTTP date), as the SDK reads them. */
export function parseRetryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers?.get('retry-after');
  if (!after) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The SDK's fetch, wrapped: every error status is logged (the SDK's own log stays at `warn`, which
 * hides its retries), and a response asking for a longer wait than `maxWaitMs` gets `x-should-retry:
 * false`, which the SDK obeys, so it throws at once instead of sleeping.
 */
export function fetchThatSurfacesLongWaits(maxWaitMs: number, logger: Logger): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.ok) return response;
    const retryAfterMs = parseRetryAfterMs(response.headers);
    const tooLong = retryAfterMs !== undefined && retryAfterMs > maxWaitMs;
    logger.warn(
      { status: response.status, retryAfterMs, surfaced: tooLong },
      `model endpoint answered ${response.status}${tooLong ? ', waiting is left to the job queue' : ''}`,
    );
    if (!tooLong) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

function providerMessage(error: APIError): string {
  const body: { message?: unknown } | undefined = error.error;
  if (body && typeof body.message === 'string' && body.message !== '') return body.message;
  // The SDK's message starts with the status; drop it, it is added back below.
  return error.message.replace(/^\d{3}\s*/u, '') || 'no message';
}

const CONNECTION_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'its host name does not resolve',
  EAI_AGAIN: 'its host name could not be resolved right now',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  ECONNRESET: 'the connection was dropped',
  UND_ERR_SOCKET: 'the connection was dropped',
  EHOSTUNREACH: 'its host is unreachable',
  ENETUNREACH: 'its network is unreachable',
};

/**
 * What went wrong with the connection, in words and without the address: the error codes of Node's net
 * and DNS layers (and undici's) are looked up along the cause chain; the full error stays in `cause`.
 */
function connectionProblem(error: Error): string {
  for (let cause: unknown = error.cause, depth = 0; cause instanceof Error && depth < 5; depth += 1) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code && CONNECTION_PROBLEMS[code]) return CONNECTION_PROBLEMS[code];
    if (code?.startsWith('ERR_TLS') || /certificate/i.test(cause.message))
      return 'its TLS certificate was not accepted';
    cause = cause.cause;
  }
  return 'the connection failed';
}

/** Sorts an SDK failure into a WriterError kind. The API key never appears in a message. */
export function toWriterError(
  error: unknown,
  context: { apiKey: string; baseURL: string; timeoutMs: number },
): unknown {
  if (error instanceof WriterError || !(error instanceof APIError)) return error;
  const redact = (text: string) =>
    context.apiKey.length >= 8 ? text.replaceAll(context.apiKey, '[redacted]') : text;
  if (error instanceof APIUserAbortError) {
    return new WriterError('transient', 'the model call was aborted (shutdown or job cancelled)', undefined, {
      cause: error,
    });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new WriterError(
      'transient',
      `the model endpoint did not answer within ${context.timeoutMs} ms`,
      undefined,
      {
        cause: error,
      },
    );
  }
  if (error instanceof APIConnectionError) {
    // The message becomes the job's error, which API clients read: it names the setting, not the address.
    return new WriterError(
      'transient',
      `could not reach the model endpoint (OPENAI_BASE_URL): ${connectionProblem(error)}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  // `instanceof` leaves the SDK's generic parameters as `any`; these are their documented types.
  const apiError = error as APIError<
    number | undefined,
    Headers | undefined,
    { message?: unknown } | undefined
  >;
  const status = apiError.status ?? 0;
  const message = redact(`model endpoint answered ${status}: ${providerMessage(apiError)}`);
  const retryAfterMs = parseRetryAfterMs(apiError.headers);
  // OpenAI sends 429 for an exhausted quota too; waiting does not fix billing.
  if (status === 429 && apiError.code === 'insufficient_quota') {
    return new WriterError('permanent', message, undefined, { cause: error });
  }
  if (status === 429) return new WriterError('rate-limited', message, retryAfterMs, { cause: error });
  if (status === 408 || status === 409 || status >= 500) {
    return new WriterError('transient', message, retryAfterMs, { cause: error });
  }
  return new WriterError('permanent', message, undefined, { cause: error });
}
