import { z } from 'zod';
import {
  anonymiseSupportUsers,
  deleteSubjectIfClean,
  findMentions,
  personalDataSummary,
  requestErasure,
} from '../../../engine/anonymisation/index.js';
import { eraseModes } from '../../../items/index.js';
import type { Principal } from '../../auth/principal.js';
import { staff } from '../../roles/access.js';
import { queryInt } from '../common-schemas.js';
import type { Api } from '../define-route.js';
import { requestSchema, withDownloadUrl } from '../requests/request-schemas.js';
import { maxBulkIds, subjectIdSchema, subjectSchema } from '../subjects/subject-schemas.js';
import { mentionsSchema, personalDataSummarySchema } from './anonymisation-schemas.js';

const subjectParams = z.strictObject({ id: subjectIdSchema });

function originOf(principal: Principal): 'api' | 'admin' {
  return principal.kind === 'token' ? 'api' : 'admin';
}

/** The personal data summary, "Delete Personal Data", "Anonymize user", and mentions in other people's text. */
export function registerAnonymisationRoutes(api: Api): void {
  const e = api.engine;

  api.route({
    method: 'GET',
    url: '/api/v1/subjects/:id/data',
    operationId: 'personalDataSummary',
    summary: 'A subject’s personal data, component by component: counts, modes allowed now, what was erased.',
    tags: ['personal data'],
    access: staff(['userdata:viewreports', 'userdata:purgemanual', 'userdata:exportother'], 'subjects:read'),
    params: subjectParams,
    response: personalDataSummarySchema,
    handler: async ({ params }) => personalDataSummary(e, params.id),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/requests/erasures',
    operationId: 'requestErasure',
    summary: '“Delete Personal Data”: erase chosen components or items of a deactivated subject in one mode.',
    description:
      'The subject must be suspended or deleted first (409 LETHE_E_SUBJECT_ACTIVE). Items a component holds that cannot be erased in this mode are listed as skipped.',
    tags: ['requests'],
    access: staff('userdata:purgemanual', 'purges:request'),
    status: 201,
    errors: [404, 409],
    body: z.strictObject({
      subjectId: subjectIdSchema,
      items: z.array(z.string().min(1).max(255)).min(1).max(5000),
      mode: z.enum(eraseModes),
      dryRun: z.boolean().optional(),
    }),
    response: z.object({
      request: requestSchema,
      plan: z.array(z.object({ key: z.string(), mode: z.enum(eraseModes) })),
      skipped: z.array(z.object({ key: z.string(), reason: z.string() })),
    }),
    handler: async ({ body, actor, principal }) => {
      const result = await requestErasure(e, actor, { ...body, origin: originOf(principal) });
      return { ...result, request: withDownloadUrl(result.request) };
    },
  });

  api.route({
    method: 'POST',
    url: '/api/v1/requests/anonymisations',
    operationId: 'anonymiseSupportUsers',
    summary:
      '“Anonymize user”: irreversibly anonymise support users (needs userdata:anonymise and confirm: true).',
    tags: ['requests'],
    access: staff('userdata:anonymise'),
    status: 201,
    errors: [404, 409],
    body: z.strictObject({
      subjectIds: z.array(subjectIdSchema).min(1).max(maxBulkIds),
      confirm: z.boolean(),
    }),
    response: z.object({
      results: z.array(
        z.object({
          subjectId: z.string(),
          outcome: z.enum(['queued', 'already-queued', 'already-anonymised']),
          request: requestSchema,
        }),
      ),
    }),
    handler: async ({ body, actor }) => {
      const results = await anonymiseSupportUsers(e, actor, {
        subjectIds: body.subjectIds,
        confirm: body.confirm,
      });
      return { results: results.map((r) => ({ ...r, request: withDownloadUrl(r.request) })) };
    },
  });

  api.route({
    method: 'POST',
    url: '/api/v1/subjects/:id/delete',
    operationId: 'deleteSubjectIfClean',
    summary:
      'The last step of “Delete Personal Data”: mark a deactivated subject deleted once nothing erasable is left.',
    tags: ['personal data'],
    access: staff('userdata:purgemanual', 'purges:request'),
    errors: [409],
    params: subjectParams,
    response: z.object({
      subject: subjectSchema,
      changed: z.boolean(),
      remaining: z.array(z.object({ key: z.string(), count: z.number() })),
    }),
    handler: async ({ params, actor }) => deleteSubjectIfClean(e, actor, params.id),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/subjects/:id/mentions',
    operationId: 'findMentions',
    summary: 'Where a subject’s name, username or email appears in other people’s free text: data to review.',
    tags: ['personal data'],
    access: staff(['userdata:purgemanual', 'userdata:viewreports'], 'reports:read'),
    params: subjectParams,
    query: z.strictObject({ limit: queryInt(1, 10_000).optional() }),
    response: mentionsSchema,
    handler: async ({ params, query }) =>
      findMentions(e, params.id, query.limit ? { limit: query.limit } : {}),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/subjects/:id/mentions/redact',
    operationId: 'redactMentions',
    summary:
      'Replace each mention of the subject in other people’s text with “[redacted]”, leaving the rest.',
    tags: ['personal data'],
    access: staff('userdata:purgemanual', 'purges:request'),
    errors: [409],
    params: subjectParams,
    response: mentionsSchema,
    handler: async ({ params, actor }) => findMentions(e, params.id, { redact: true, actor }),
  });
}
