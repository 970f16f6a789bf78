import { z } from 'zod';
import { listOutbox, outboxStatuses, requeueOutbox } from '../../../engine/notifications/index.js';
import { LetheError } from '../../../errors/index.js';
import { staff } from '../../roles/access.js';
import { idParams, maxId, paging } from '../common-schemas.js';
import type { Api } from '../define-route.js';

/** The most message ids one retry request may name. */
export const maxRetryIds = 1000;

const requeueSchema = z.object({
  requeued: z
    .array(z.number().int())
    .describe('The messages put back in the queue: due now, with a fresh set of tries (attempts from 0).'),
  alreadyQueued: z
    .array(z.number().int())
    .describe('Messages named that were still queued: left as they were.'),
});

const requeueDescription =
  'A failed message (no tries left, or refused for good by the server) gets a fresh set of tries, its attempts ' +
  'counted again from 0, and is due at once: the outbox-retry job sends it at its next run once SMTP is ' +
  'configured. A message still queued is left as it is and listed in alreadyQueued. All or nothing: an unknown ' +
  'id (404 LETHE_E_NOT_FOUND) or a message already sent (409 LETHE_E_OUTBOX_SENT) changes nothing. Audited as ' +
  'outbox.requeue.';

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

  api.route({
    method: 'POST',
    url: '/api/v1/outbox/:id/retry',
    operationId: 'retryOutboxMessage',
    summary: 'Put a failed message back in the queue, due now, with a fresh set of tries.',
    description: requeueDescription,
    tags: ['notifications'],
    access: staff('userdata:config'),
    errors: [404, 409],
    params: idParams,
    response: requeueSchema,
    handler: async ({ params, actor }) => requeueOutbox(api.engine, actor, { ids: [params.id] }),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/outbox/retry',
    operationId: 'retryOutboxMessages',
    summary:
      'Put failed messages back in the queue, due now, with a fresh set of tries: by id, or all failed.',
    description: `Give either \`ids\` (at most ${maxRetryIds}) or \`allFailed: true\`. ${requeueDescription}`,
    tags: ['notifications'],
    access: staff('userdata:config'),
    errors: [404, 409],
    body: z.strictObject({
      ids: z.array(z.number().int().min(1).max(maxId)).min(1).max(maxRetryIds).optional(),
      allFailed: z.literal(true).optional(),
    }),
    response: requeueSchema,
    handler: async ({ body, actor }) => {
      if ((body.ids === undefined) === (body.allFailed === undefined)) {
        throw new LetheError(
          'LETHE_E_INVALID_INPUT',
          'Give either ids or allFailed: true, not both or neither.',
          {
            in: 'body',
            field: body.ids === undefined ? 'ids' : 'allFailed',
          },
        );
      }
      return requeueOutbox(api.engine, actor, body.ids ? { ids: body.ids } : { allFailed: true });
    },
  });
}
