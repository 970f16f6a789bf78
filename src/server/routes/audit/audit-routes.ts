import { z } from 'zod';
import { listAudit, verifyAudit } from '../../../engine/audit/index.js';
import { staff } from '../../roles/access.js';
import { isoDate, paging } from '../common-schemas.js';
import type { Api } from '../define-route.js';

const auditAccess = staff('userdata:audit', 'audit:read');

const auditEventSchema = z.object({
  id: z.number().int(),
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

/** The hash-chained audit trail: list it, verify it. */
export function registerAuditRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/audit',
    operationId: 'listAudit',
    summary: 'Audit events, newest first, filtered by actor, action, target and dates.',
    tags: ['audit'],
    access: auditAccess,
    query: z.strictObject({
      actor: z.string().min(1).max(255).optional(),
      action: z.string().min(1).max(100).optional(),
      targetType: z.string().min(1).max(64).optional(),
      targetId: z.string().min(1).max(255).optional(),
      since: isoDate.optional(),
      until: isoDate.optional(),
      ...paging,
    }),
    response: z.object({ total: z.number().int(), events: z.array(auditEventSchema) }),
    handler: async ({ query }) => listAudit(api.engine, query),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/audit/verify',
    operationId: 'verifyAudit',
    summary: 'Walk the whole chain: every changed or deleted event, and a truncated tail, is reported.',
    tags: ['audit'],
    access: auditAccess,
    response: z.object({
      ok: z.boolean(),
      checked: z.number().int(),
      problems: z.array(
        z.object({
          seq: z.number().int(),
          problem: z.enum(['changed', 'missing', 'broken-link', 'head-mismatch']),
          message: z.string(),
        }),
      ),
    }),
    handler: async () => verifyAudit(api.engine),
  });
}
