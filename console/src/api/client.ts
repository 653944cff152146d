// The console's only way to the server: the public HTTP API with the pasted key. Every failure becomes
// an ApiError carrying the API's `message`, which the console shows where the action was taken.
import { readSse } from './sse.js';
import type {
  Article,
  ArticleContent,
  ArticleVersions,
  DeepCrawlResponse,
  ErrorBody,
  IngestResponse,
  Job,
  KeyInfo,
  Operation,
  Source,
  SourceList,
  TreeSnapshot,
} from './types.js';
import type { Batch, BatchList, DiffWithLive, ReviewFilters, ReviewList } from './review-types.js';
import type {
  CreatedWebhook,
  ScheduleBody,
  SourceHealth,
  SyncBody,
  SyncRun,
  SyncSchedule,
  Webhook,
  WebhookBody,
  WebhookDelivery,
} from './sync-types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly body?: ErrorBody,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as ErrorBody;
    if (typeof body.message === 'string') return new ApiError(response.status, body.message, body.code, body);
  } catch {
    // not the API's JSON error body: a proxy or a network failure
  }
  return new ApiError(
    response.status,
    text.trim() || `HTTP ${response.status} ${response.statusText}`,
    'HTTP',
  );
}

export interface BulkOptions {
  restrictedOps?: Operation[];
  isDraft?: boolean;
  instructions?: string;
}

export class ApiClient {
  constructor(
    private readonly key: string,
    private readonly baseUrl = '',
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    { signal, keepalive }: { signal?: AbortSignal; keepalive?: boolean } = {},
  ): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        // keepalive: a request sent while the page unloads still reaches the server
        ...(keepalive ? { keepalive } : {}),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'The server cannot be reached: check that Distill is running.', 'NETWORK');
    }
    if (!response.ok) throw await toApiError(response);
    // A delete may answer 204 with no body.
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  me = () => this.request<KeyInfo>('GET', '/v2/keys/public/me');

  // Review
  reviewQueue = (filters: ReviewFilters, cursor?: string, limit = 50, signal?: AbortSignal) =>
    this.request<ReviewList>(
      'GET',
      `/v2/hc-articles/review/public${queryString({ ...filters, cursor, limit })}`,
      undefined,
      { signal },
    );
  articles = (ids: string[]) =>
    this.request<Article[]>('POST', '/v2/hc-articles/ids/public', { articleIds: ids });
  article = async (id: string): Promise<Article | undefined> => (await this.articles([id]))[0];
  diff = (id: string) => this.request<DiffWithLive>('GET', `/v2/hc-articles/${id}/diff/public`);
  updateArticle = (id: string, content: ArticleContent) =>
    this.request<Article>('PUT', `/v2/hc-articles/${id}/public`, content);
  publish = (id: string, options: { force?: boolean; keepalive?: boolean } = {}) =>
    this.request<Article>(
      'POST',
      `/v2/hc-articles/${id}/publish/public`,
      options.force ? { force: true } : {},
      { keepalive: options.keepalive },
    );
  reject = (id: string, reason?: string) =>
    this.request<Article>('POST', `/v2/hc-articles/${id}/reject/public`, reason ? { reason } : {});
  listArticles = (query: {
    type?: 'live' | 'draft';
    parentFolderId?: string;
    cursor?: string;
    limit?: number;
  }) =>
    this.request<{ articles: Article[]; hasMore: boolean }>(
      'GET',
      `/v2/hc-articles/public${queryString(query)}`,
    );
  versions = (id: string) => this.request<ArticleVersions>('GET', `/v2/hc-articles/${id}/versions/public`);
  rollback = (id: string, version: number) =>
    this.request<Article>('POST', `/v2/hc-articles/${id}/rollback/public`, { version });
  tree = () => this.request<TreeSnapshot>('GET', '/v2/hc-folders/public');

  // Sources
  source = (id: string) => this.request<Source>('GET', `/v2/documents/public/${id}`);
  sources = (query: {
    changed?: boolean;
    success?: boolean;
    gone?: boolean;
    suspect?: boolean;
    title?: string;
    url?: string;
    cursor?: string;
    limit?: number;
  }) =>
    this.request<{ documents: (SourceList['documents'][number] & SourceHealth)[]; hasMore: boolean }>(
      'GET',
      `/v2/documents/public${queryString(query)}`,
    );
  ingest = (urls: string[]) =>
    this.request<IngestResponse>('POST', '/v2/documents/public', { source: 'web', documentIdsToAdd: urls });
  refresh = (ids: string[]) =>
    this.request<string[]>('POST', '/v2/documents/public/refresh', { documentIds: ids });
  deepCrawl = (links: string[], limit = 250) =>
    this.request<DeepCrawlResponse>('POST', '/v2/documents/public/deep-crawl/links', { links, limit });

  // Generation and batches
  bulk = (documentIds: string[], options: BulkOptions = {}) =>
    this.request<{ jobs: { documentId: string; backgroundJobId: string }[]; batchId: string }>(
      'POST',
      '/v2/knowledge/public/bulk',
      { documentIds, origin: 'sources', ...options },
    );
  job = (id: string) => this.request<Job>('GET', `/v2/knowledge/public/jobs/${id}`);
  batches = (cursor?: string, limit = 20) =>
    this.request<BatchList>('GET', `/v2/knowledge/public/batches${queryString({ cursor, limit })}`);
  batch = (id: string) => this.request<Batch>('GET', `/v2/knowledge/public/batches/${id}`);
  batchJobs = (id: string, status?: Job['jobStatus'], cursor?: string) =>
    this.request<{ jobs: Job[]; hasMore: boolean }>(
      'GET',
      `/v2/knowledge/public/batches/${id}/jobs${queryString({ status, cursor, limit: 200 })}`,
    );
  retryBatch = (id: string) => this.request<Batch>('POST', `/v2/knowledge/public/batches/${id}/retry`);

  // Sync runs, schedules and webhooks
  sync = (body: SyncBody = {}) => this.request<{ syncRunId: string }>('POST', '/v2/sync/public', body);
  syncRuns = (cursor?: string, limit = 20) =>
    this.request<{ runs: SyncRun[]; hasMore: boolean }>(
      'GET',
      `/v2/sync/public/runs${queryString({ cursor, limit })}`,
    );
  syncRun = (id: string) => this.request<SyncRun>('GET', `/v2/sync/public/runs/${id}`);
  schedules = () => this.request<{ schedules: SyncSchedule[] }>('GET', '/v2/sync/public/schedules');
  putSchedule = (name: string, body: ScheduleBody) =>
    this.request<SyncSchedule>('PUT', `/v2/sync/public/schedules/${encodeURIComponent(name)}`, body);
  deleteSchedule = (name: string) =>
    this.request<unknown>('DELETE', `/v2/sync/public/schedules/${encodeURIComponent(name)}`);
  webhooks = (cursor?: string) =>
    this.request<{ webhooks: Webhook[]; hasMore: boolean }>(
      'GET',
      `/v2/webhooks/public${queryString({ cursor })}`,
    );
  createWebhook = (body: WebhookBody) => this.request<CreatedWebhook>('POST', '/v2/webhooks/public', body);
  deleteWebhook = (id: string) => this.request<unknown>('DELETE', `/v2/webhooks/public/${id}`);
  deliveries = (id: string, cursor?: string) =>
    this.request<{ deliveries: WebhookDelivery[]; hasMore: boolean }>(
      'GET',
      `/v2/webhooks/public/${id}/deliveries${queryString({ cursor })}`,
    );
  redeliver = (id: string, deliveryId: string) =>
    this.request<WebhookDelivery>('POST', `/v2/webhooks/public/${id}/deliveries/${deliveryId}/redeliver`);

  /** Follows a batch live until it finishes (or `signal` aborts): `onBatch` gets every state. */
  async followBatch(id: string, onBatch: (batch: Batch) => void, signal: AbortSignal): Promise<void> {
    const response = await this.fetchImpl(`${this.baseUrl}/v2/knowledge/public/batches/${id}/events`, {
      headers: { authorization: `Bearer ${this.key}`, accept: 'text/event-stream' },
      signal,
    });
    if (!response.ok) throw await toApiError(response);
    await readSse(response, (event) => {
      if (event.event === 'batch') onBatch(JSON.parse(event.data) as Batch);
    });
  }
}
