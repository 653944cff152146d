// Webhook endpoint routes (docs/api.md "Webhooks"): create with a secret shown once, list without it,
// delete, the delivery log with cursor paging, redelivery; errors name the field; scopes; the address guard.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, emitEvent } from '../src/webhooks/events.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';

let ctx: TestContext;
let guarded: TestContext;
beforeAll(async () => {
  ctx = await startTestApp();
  // The production default: private addresses refused; example.test resolves to a private address.
  guarded = await startTestApp(
    { ALLOW_PRIVATE_URLS: 'false' },
    {
      web: {
        resolver: (hostname, _options, callback) =>
          hostname === 'public.test'
            ? callback(null, [{ address: '93.184.216.34', family: 4 }])
            : callback(null, [{ address: '10.0.0.7', family: 4 }]),
      },
    },
  );
});
afterAll(async () => {
  await ctx.close();
  await guarded.close();
});

async function create(key: TestKey, body: object, app = ctx) {
  return app.http().post('/v2/webhooks/public').set(key.header).send(body);
}

describe('POST /v2/webhooks/public', () => {
  it('creates an endpoint and shows its whsec_ secret once', async () => {
    const key = await ctx.createKey();
    const created = await create(key, {
      url: 'http://127.0.0.1:9/hook',
      events: ['job.completed', 'source.changed', 'job.completed'],
      description: 'CI',
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      events: ['job.completed', 'source.changed'],
      description: 'CI',
      disabledAt: null,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const list = await ctx.http().get('/v2/webhooks/public').set(key.header);
    expect(list.status).toBe(200);
    expect(list.body.webhooks).toHaveLength(1);
    expect(list.body.webhooks[0].id).toBe(created.body.id);
    expect(list.text).not.toContain(created.body.secret);
    expect(list.body.webhooks[0]).not.toHaveProperty('secret');
  });

  it('names the field at fault, and lists the valid event types for an unknown one', async () => {
    const key = await ctx.createKey();
    const unknown = await create(key, {
      url: 'http://127.0.0.1:9/',
      events: ['job.completed', 'job.exploded'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('VALIDATION');
    expect(unknown.body.message).toContain('events');
    expect(unknown.body.message).toContain('"job.exploded"');
    for (const type of EVENT_TYPES) expect(unknown.body.message).toContain(type);

    const empty = await create(key, { url: 'http://127.0.0.1:9/', events: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain('events');

    for (const url of ['not a url', 'ftp://127.0.0.1/x', 'http://user:pw@127.0.0.1/']) {
      const bad = await create(key, { url, events: ['job.failed'] });
      expect(bad.status, url).toBe(400);
      expect(bad.body.message, url).toMatch(/^url /);
    }
    const missing = await create(key, { events: ['job.failed'] });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('url');
    const list = await ctx.http().get('/v2/webhooks/public').set(key.header);
    expect(list.body.webhooks).toEqual([]);
  });

  it('refuses private addresses unless ALLOW_PRIVATE_URLS, literal or resolved', async () => {
    const key = await guarded.createKey();
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://[::1]/hook',
      'http://169.254.169.254/',
      'https://inside.test/hook',
    ]) {
      const refused = await create(key, { url, events: ['job.failed'] }, guarded);
      expect(refused.status, url).toBe(400);
      expect(refused.body.message, url).toMatch(/^url points to .* not public/);
    }
    const allowed = await create(key, { url: 'https://public.test/hook', events: ['job.failed'] }, guarded);
    expect(allowed.status, allowed.text).toBe(200);
  });
});

describe('scopes and unknown IDs', () => {
  it('needs write to create, delete and redeliver, and read to list', async () => {
    const owner = await ctx.createKey();
    const readOnly = await ctx.createKey({ scopes: ['read'], workspaceName: owner.workspaceName });
    const writeOnly = await ctx.createKey({ scopes: ['write'], workspaceName: owner.workspaceName });
    const hook = await create(owner, { url: 'http://127.0.0.1:9/', events: ['job.failed'] });
    const id = hook.body.id as string;
    const delivery = randomUUID();

    expect((await create(readOnly, { url: 'http://127.0.0.1:9/', events: ['job.failed'] })).status).toBe(403);
    expect((await ctx.http().delete(`/v2/webhooks/public/${id}`).set(readOnly.header)).status).toBe(403);
    expect(
      (
        await ctx
          .http()
          .post(`/v2/webhooks/public/${id}/deliveries/${delivery}/redeliver`)
          .set(readOnly.header)
      ).status,
    ).toBe(403);
    expect((await ctx.http().get('/v2/webhooks/public').set(writeOnly.header)).status).toBe(403);
    expect((await ctx.http().get(`/v2/webhooks/public/${id}/deliveries`).set(writeOnly.header)).status).toBe(
      403,
    );
    expect((await ctx.http().get('/v2/webhooks/public')).status).toBe(401);
  });

  it('answers 404 for unknown endpoints and deliveries, 400 for malformed IDs', async () => {
    const key = await ctx.createKey();
    const nowhere = randomUUID();
    expect((await ctx.http().delete(`/v2/webhooks/public/${nowhere}`).set(key.header)).status).toBe(404);
    expect((await ctx.http().get(`/v2/webhooks/public/${nowhere}/deliveries`).set(key.header)).status).toBe(
      404,
    );
    const hook = await create(key, { url: 'http://127.0.0.1:9/', events: ['job.failed'] });
    const redeliver = await ctx
      .http()
      .post(`/v2/webhooks/public/${hook.body.id}/deliveries/${nowhere}/redeliver`)
      .set(key.header);
    expect(redeliver.status).toBe(404);
    expect(redeliver.body.message).toContain(nowhere);
    const malformed = await ctx.http().delete('/v2/webhooks/public/nope').set(key.header);
    expect(malformed.status).toBe(400);
  });
});

describe('deliveries, paging, redelivery and delete', () => {
  it('lists an endpoint’s deliveries newest first with a cursor, redelivers one, and deletes the endpoint', async () => {
    const key = await ctx.createKey();
    const hook = await create(key, { url: 'http://127.0.0.1:9/', events: ['job.completed'] });
    const other = await create(key, { url: 'http://127.0.0.1:9/other', events: ['job.failed'] });
    for (let n = 0; n < 3; n++) await emitEvent(ctx.deps.pool, key.workspaceId, 'job.completed', { n });

    const first = await ctx
      .http()
      .get(`/v2/webhooks/public/${hook.body.id}/deliveries?limit=2`)
      .set(key.header);
    expect(first.status, first.text).toBe(200);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.deliveries).toHaveLength(2);
    expect(first.body.deliveries[0]).toMatchObject({
      eventType: 'job.completed',
      status: 'PENDING',
      attempts: 0,
      responseCode: null,
      nextRetryAt: null,
      manual: false,
    });
    const last = first.body.deliveries[1].id as string;
    const second = await ctx
      .http()
      .get(`/v2/webhooks/public/${hook.body.id}/deliveries?limit=2&cursor=${last}`)
      .set(key.header);
    expect(second.body.hasMore).toBe(false);
    expect(second.body.deliveries).toHaveLength(1);
    // Not subscribed to job.completed: nothing for the other endpoint.
    const none = await ctx.http().get(`/v2/webhooks/public/${other.body.id}/deliveries`).set(key.header);
    expect(none.body.deliveries).toEqual([]);
    const foreignCursor = await ctx
      .http()
      .get(`/v2/webhooks/public/${other.body.id}/deliveries?cursor=${last}`)
      .set(key.header);
    expect(foreignCursor.status).toBe(400);
    expect(foreignCursor.body.message).toMatch(/^cursor /);

    const again = await ctx
      .http()
      .post(`/v2/webhooks/public/${hook.body.id}/deliveries/${last}/redeliver`)
      .set(key.header);
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({
      manual: true,
      status: 'PENDING',
      eventId: first.body.deliveries[1].eventId,
    });
    expect(again.body.id).not.toBe(last);

    const deleted = await ctx.http().delete(`/v2/webhooks/public/${hook.body.id}`).set(key.header);
    expect(deleted.status).toBe(200);
    expect(deleted.body.id).toBe(hook.body.id);
    const gone = await ctx.http().get(`/v2/webhooks/public/${hook.body.id}/deliveries`).set(key.header);
    expect(gone.status).toBe(404);
    const list = await ctx.http().get('/v2/webhooks/public').set(key.header);
    expect(list.body.webhooks.map((w: { id: string }) => w.id)).toEqual([other.body.id]);
  });

  it('stores no event for a workspace with no subscribed endpoint, and none for a rolled-back change', async () => {
    const key = await ctx.createKey();
    await emitEvent(ctx.deps.pool, key.workspaceId, 'job.completed', {});
    await create(key, { url: 'http://127.0.0.1:9/', events: ['job.completed'] });
    const client = await ctx.deps.pool.connect();
    try {
      await client.query('BEGIN');
      await emitEvent(client, key.workspaceId, 'job.completed', { rolledBack: true });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    const { rows } = await ctx.deps.pool.query(
      'SELECT count(*)::int AS n FROM webhook_events WHERE workspace_id = $1',
      [key.workspaceId],
    );
    expect(rows[0].n).toBe(0);
  });
});
