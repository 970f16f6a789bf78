import { z } from 'zod';
import { listOutbox, outboxStatuses } from '../../../engine/notifications/index.js';
import { staff } from '../../roles/access.js';
import { paging } from '../common-schemas.js';
import type { Api } from '../define-route.js';

/** The notifications Lethe sent, or kept unsent when no SMTP server is configured. */
export function registerOutboxRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/outbox',
    operationId: 'listOutbox',
    summary:
      'Every notification, newest first: sent, queued (no SMTP configured, or waiting for its next try), or failed.',
    tags: ['notifications'],
    access: staff('userdata:config'),
    query: z.strictObject(paging),
    response: z.object({
      total: z.number().int(),
      counts: z.object({
        queued: z.number().int(),
        sent: z.number().int(),
        failed: z.number().int(),
      }),
      messages: z.array(
        z.object({
          id: z.number().int(),
          recipient: z.string(),
          subject: z.string(),
          body: z.string(),
          createdAt: z.string(),
          sentAt: z.string().nullable(),
          error: z.string().nullable(),
          status: z.enum(outboxStatuses),
          attempts: z.number().int(),
          lastAttemptAt: z.string().nullable(),
          nextAttemptAt: z.string().nullable(),
        }),
      ),
    }),
    handler: async ({ query }) => listOutbox(api.engine, query),
  });
}
