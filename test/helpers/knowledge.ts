// Factories for folders and articles, through the HTTP edge like a client would make them.
import { expect } from 'vitest';
import type { Article } from '../../src/knowledge/articles-schemas.js';
import type { Folder } from '../../src/knowledge/folders-schemas.js';
import type { TestContext, TestKey } from './app.js';

// The wire shapes are the routes' response schemas: what the tests read is what the API declares.
export type WireFolder = Folder;
export type WireArticle = Article;

export function articleBody(parentFolderId: string, overrides: Record<string, unknown> = {}) {
  return {
    title: 'Canceling your subscription',
    mainKnowledge: 'Customers can cancel from Billing in the dashboard.',
    agentInstruction: 'Use this only for self-serve web plans.',
    questions: ['How do I cancel?', 'Can I end my plan today?'],
    keywords: ['cancel', 'subscription', 'billing'],
    escalation: false,
    parentFolderId,
    ...overrides,
  };
}

export function knowledge(ctx: TestContext, key: TestKey) {
  return {
    async folder(title: string, parentFolderId?: string): Promise<WireFolder> {
      const response = await ctx
        .http()
        .post('/v2/hc-folders/public')
        .set(key.header)
        .send({ title, description: `${title} articles`, ...(parentFolderId ? { parentFolderId } : {}) });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body as WireFolder;
    },

    async article(parentFolderId: string, overrides: Record<string, unknown> = {}): Promise<WireArticle> {
      const response = await ctx
        .http()
        .post('/v2/hc-articles/public')
        .set(key.header)
        .send(articleBody(parentFolderId, overrides));
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body as WireArticle;
    },

    async fork(id: string, body?: Record<string, unknown>): Promise<WireArticle> {
      const request = ctx.http().post(`/v2/hc-articles/${id}/draft/public`).set(key.header);
      const response = await (body ? request.send(body) : request);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body as WireArticle;
    },

    async update(id: string, body: Record<string, unknown>): Promise<WireArticle> {
      const response = await ctx.http().put(`/v2/hc-articles/${id}/public`).set(key.header).send(body);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body as WireArticle;
    },

    /** Assigns the folder to the agent (the junctions route). */
    async assignToAgent(folderId: string, botId: string): Promise<void> {
      await ctx
        .http()
        .post('/v2/hc-bot-folder-junctions/public')
        .set(key.header)
        .send({ junctions: [{ folderId, botId, action: 'ADD' }] })
        .expect(200);
    },

    publish(id: string, body?: Record<string, unknown>) {
      const request = ctx.http().post(`/v2/hc-articles/${id}/publish/public`).set(key.header);
      return body ? request.send(body) : request;
    },

    async get(id: string): Promise<WireArticle | undefined> {
      const response = await ctx
        .http()
        .post('/v2/hc-articles/ids/public')
        .set(key.header)
        .send({ articleIds: [id] });
      expect(response.status).toBe(200);
      return (response.body as WireArticle[])[0];
    },
  };
}
