// A local webhook receiver for delivery tests: records every request (headers, raw body, arrival time)
// and answers as the test says — a status per request, or no answer within the sender's timeout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** What to do with the n-th request (0-based) for a path: answer `status`, or `hang` (never answer). */
export type ReceiverBehaviour = (request: { path: string; index: number }) => number | 'hang';

export interface WebhookReceiver {
  url(path?: string): string;
  received(path?: string): ReceivedWebhook[];
  /** Parsed bodies for a path, in arrival order. */
  events(path?: string): { type: string; timestamp: string; data: Record<string, unknown> }[];
  behave(behaviour: ReceiverBehaviour): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let behaviour: ReceiverBehaviour = () => 200;
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0]!;
      const index = received.filter((entry) => entry.path === path).length;
      received.push({
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      });
      const answer = behaviour({ path, index });
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const forPath = (path?: string) => (path ? received.filter((entry) => entry.path === path) : received);
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received: forPath,
    events: (path) => forPath(path).map((entry) => JSON.parse(entry.body)),
    behave(next) {
      behaviour = next;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
