// Sends one signed webhook request. Signatures follow the Standard Webhooks specification: the key is the
// base64 after `whsec_`, the signed content `${id}.${timestamp}.${body}`, the header `v1,<base64 HMAC-SHA256>`
// (so the `standardwebhooks` and `svix` libraries verify them). The request goes through the same
// SSRF-safe fetcher as ingestion: the address actually connected to is checked, private ones refused
// unless ALLOW_PRIVATE_URLS. A redirect is not followed: an endpoint answers where it was registered.
import { createHmac, randomBytes } from 'node:crypto';
import { FetchError } from '../sources/fetch/fetch-errors.js';
import { createSafeFetcher, type SafeFetchOptions } from '../sources/fetch/safe-fetch.js';

const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes, base64, with the spec's `whsec_` prefix. */
export const generateSecret = (): string => SECRET_PREFIX + randomBytes(32).toString('base64');

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export interface WebhookMessage {
  /** The event id: the same for every attempt and redelivery, so receivers can drop duplicates. */
  id: string;
  body: string;
}

/** A 2xx, or why not: the answer's status, or none (`status` null: timeout, refused, blocked). */
export type SendResult = { status: number; error: null } | { status: number | null; error: string };

export type WebhookSenderOptions = Pick<
  SafeFetchOptions,
  'allowPrivateAddresses' | 'resolver' | 'addressPolicy'
> & { timeoutMs: number };

export function createWebhookSender(options: WebhookSenderOptions) {
  const fetcher = createSafeFetcher({
    userAgent: 'Distill-Webhooks/0.1',
    allowPrivateAddresses: options.allowPrivateAddresses,
    resolver: options.resolver,
    addressPolicy: options.addressPolicy,
    // Receivers' answers are not read, only their status: keep little.
    maxBytes: 64 * 1024,
    timeoutMs: options.timeoutMs,
    maxRedirects: 0,
    maxConcurrentPerHost: 8,
  });

  return {
    async send(
      url: string,
      secret: string,
      message: WebhookMessage,
      signal?: AbortSignal,
    ): Promise<SendResult> {
      const timestamp = Math.floor(Date.now() / 1000);
      try {
        const response = await fetcher.fetch(url, {
          method: 'POST',
          body: message.body,
          truncate: true,
          signal,
          headers: {
            'content-type': 'application/json',
            'webhook-id': message.id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': sign(secret, message.id, timestamp, message.body),
          },
        });
        if (response.status >= 200 && response.status < 300) return { status: response.status, error: null };
        return { status: response.status, error: `the endpoint answered ${response.status}` };
      } catch (error) {
        if (error instanceof FetchError && error.reason === 'too-many-redirects')
          return { status: null, error: `${url} answered with a redirect; register the final URL instead` };
        return { status: null, error: error instanceof Error ? error.message : String(error) };
      }
    },
    close: () => fetcher.close(),
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
