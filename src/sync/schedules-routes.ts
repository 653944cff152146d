// Sync schedule routes (docs/api.md "Schedules"). Thin: the service validates and decides.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workspaceOf } from '../http/auth.js';
import { authErrors, ErrorResponseSchema } from '../http/schemas.js';
import type { SchedulesService } from './schedules-service.js';
import {
  ListSchedulesResponseSchema,
  ScheduleBodySchema,
  ScheduleParamsSchema,
  ScheduleSchema,
} from './schedules-schemas.js';

export function schedulesRoutes(schedules: SchedulesService): FastifyPluginAsyncZod {
  return async (app) => {
    const one = { 200: ScheduleSchema, ...authErrors, 404: ErrorResponseSchema };
    app.put(
      '/v2/sync/public/schedules/:name',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['sync'],
          summary: '(ext) Create or replace a sync schedule (cron + timezone)',
          params: ScheduleParamsSchema,
          body: ScheduleBodySchema,
          response: { 200: ScheduleSchema, ...authErrors },
        },
      },
      (request) => schedules.put(workspaceOf(request), request.params.name, request.body),
    );
    app.get(
      '/v2/sync/public/schedules',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['sync'],
          summary: '(ext) The workspace’s sync schedules',
          response: { 200: ListSchedulesResponseSchema, ...authErrors },
        },
      },
      (request) => schedules.list(workspaceOf(request)),
    );
    app.get(
      '/v2/sync/public/schedules/:name',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['sync'],
          summary: '(ext) One sync schedule',
          params: ScheduleParamsSchema,
          response: one,
        },
      },
      (request) => schedules.get(workspaceOf(request), request.params.name),
    );
    app.delete(
      '/v2/sync/public/schedules/:name',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['sync'],
          summary: '(ext) Delete a sync schedule (its runs stay)',
          params: ScheduleParamsSchema,
          response: one,
        },
      },
      (request) => schedules.delete(workspaceOf(request), request.params.name),
    );
  };
}
