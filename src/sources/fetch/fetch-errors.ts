// Why a fetch or an extraction failed, in words a user can act on, and whether trying again can help.
// The ingest worker turns `permanent` into BullMQ's UnrecoverableError and the rest into a retry.

export type FetchFailureReason =
  | 'invalid-url'
  | 'blocked-address'
  | 'dns'
  | 'network'
  | 'tls'
  | 'timeout'
  | 'http-status'
  | 'too-many-redirects'
  | 'too-large'
  | 'robots'
  | 'robots-unreachable'
  | 'unsupported-type'
  | 'empty-content'
  | 'aborted';

const TRANSIENT: ReadonlySet<FetchFailureReason> = new Set([
  'network',
  'timeout',
  'robots-unreachable',
  'aborted',
]);

export class FetchError extends Error {
  readonly permanent: boolean;

  constructor(
    readonly reason: FetchFailureReason,
    message: string,
    options: { permanent?: boolean; cause?: unknown; status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'FetchError';
    this.permanent = options.permanent ?? !TRANSIENT.has(reason);
    this.status = options.status;
  }

  readonly status: number | undefined;
}

export const isFetchError = (error: unknown): error is FetchError => error instanceof FetchError;

/**
 * Raised inside the DNS lookup hook, so a refused address never gets a socket. The message names the host
 * the user wrote, never what it resolved to: that is the operator's internal DNS, and the message is stored
 * in the source's `error` (the address stays on the error object for logs).
 */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_DISTILL_BLOCKED_ADDRESS';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly metadata = false,
  ) {
    const what = host === address ? `the address ${address}` : `the address of ${host}`;
    super(
      metadata
        ? `${what} is a cloud metadata endpoint, which is not public and is never fetched`
        : `${what} is private, loopback, link-local or otherwise not public`,
    );
    this.name = 'BlockedAddressError';
  }
}

export function blockedAddress(error: BlockedAddressError): FetchError {
  return new FetchError(
    'blocked-address',
    error.metadata
      ? `Fetching was blocked: ${error.message}, not even with ALLOW_PRIVATE_URLS=true.`
      : `Fetching was blocked: ${error.message}. Only public addresses can be fetched; set ALLOW_PRIVATE_URLS=true to allow it on a trusted network.`,
    { cause: error },
  );
}
