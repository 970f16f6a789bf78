import { z } from 'zod';
import {
  assignPurgeType,
  changeStatus,
  getSubject,
  importSubjects,
  listSubjects,
  registerSubject,
  statusHistory,
  updateSubject,
} from '../../../engine/subjects/index.js';
import { subjectStatuses } from '../../../items/index.js';
import { configReaders, staff } from '../../roles/access.js';
import { queryBool, queryInt } from '../common-schemas.js';
import type { Api } from '../define-route.js';
import {
  bulkResultSchema,
  importLineBody,
  maxBulkIds,
  registerSubjectBody,
  statusChangeFields,
  subjectIdSchema,
  subjectSchema,
  updateSubjectBody,
} from './subject-schemas.js';

const read = staff(configReaders, 'subjects:read');
const write = staff('userdata:config', 'subjects:write');
const subjectParams = z.strictObject({ id: subjectIdSchema });
const typeRef = z.union([z.string().min(1).max(100), z.number().int().min(1).max(2_147_483_647)]);

/** Subjects: register, update, import, list and search, change status (one or in bulk), assign purge types. */
export function registerSubjectRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/subjects',
    operationId: 'listSubjects',
    summary: 'List subjects; filter by status, kind, legacy; search by id, username, email or name.',
    tags: ['subjects'],
    access: read,
    query: z.strictObject({
      status: z.enum(subjectStatuses).optional(),
      kind: z.string().min(1).max(64).optional(),
      search: z.string().min(1).max(255).optional(),
      legacy: queryBool.optional(),
      includeAnonymous: queryBool.optional(),
      limit: queryInt(1, 1000).optional(),
      offset: queryInt(0, 1_000_000_000).optional(),
    }),
    response: z.object({ total: z.number().int(), subjects: z.array(subjectSchema) }),
    handler: async ({ query }) => listSubjects(api.engine, query),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/subjects',
    operationId: 'registerSubject',
    summary: 'Register a subject.',
    tags: ['subjects'],
    access: write,
    status: 201,
    errors: [409],
    body: registerSubjectBody,
    response: subjectSchema,
    handler: async ({ body, actor }) => registerSubject(api.engine, actor, body),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/subjects/import',
    operationId: 'importSubjects',
    summary:
      'Create or update many subjects by id; each bad entry is reported with its position, the rest import.',
    tags: ['subjects'],
    access: write,
    body: z.strictObject({ subjects: z.array(z.unknown()).min(1).max(maxBulkIds) }),
    response: z.object({
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
    }),
    description: `Each entry has the fields of ${Object.keys(importLineBody.shape).join(', ')}; only id is required, a new subject also needs username, email and fullName.`,
    handler: async ({ body, actor }) =>
      importSubjects(
        api.engine,
        actor,
        body.subjects.map((s) => JSON.stringify(s)),
      ),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/subjects/status',
    operationId: 'changeStatuses',
    summary:
      'Change the status of many subjects at once (the host deleted or suspended users). All or nothing.',
    tags: ['subjects'],
    access: write,
    errors: [404, 409],
    body: z.strictObject({ ids: z.array(subjectIdSchema).min(1).max(maxBulkIds), ...statusChangeFields }),
    response: bulkResultSchema,
    handler: async ({ body, actor }) =>
      changeStatus(api.engine, actor, body.ids, body.status, {
        ...(body.at ? { at: body.at } : {}),
        ...(body.reason ? { reason: body.reason } : {}),
      }),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/subjects/purge-type',
    operationId: 'assignPurgeTypes',
    summary:
      'Assign (or clear, with null) the suspended or deleted purge type of many subjects. All or nothing.',
    tags: ['subjects'],
    access: write,
    errors: [404, 409],
    body: z.strictObject({
      ids: z.array(subjectIdSchema).min(1).max(maxBulkIds),
      status: z.enum(['suspended', 'deleted']),
      purgeType: typeRef.nullable(),
    }),
    response: bulkResultSchema,
    handler: async ({ body, actor }) =>
      assignPurgeType(api.engine, actor, body.ids, body.status, body.purgeType),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/subjects/:id',
    operationId: 'getSubject',
    summary: 'One subject.',
    tags: ['subjects'],
    access: read,
    params: subjectParams,
    response: subjectSchema,
    handler: async ({ params }) => getSubject(api.engine, params.id),
  });

  api.route({
    method: 'PATCH',
    url: '/api/v1/subjects/:id',
    operationId: 'updateSubject',
    summary: 'Change a subject’s username, email, full name, kind or legacy flag (status has its own route).',
    tags: ['subjects'],
    access: write,
    errors: [409],
    params: subjectParams,
    body: updateSubjectBody,
    response: subjectSchema,
    handler: async ({ params, body, actor }) => updateSubject(api.engine, actor, params.id, body),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/subjects/:id/status',
    operationId: 'changeStatus',
    summary: 'Change one subject’s status.',
    tags: ['subjects'],
    access: write,
    errors: [409],
    params: subjectParams,
    body: z.strictObject(statusChangeFields),
    response: bulkResultSchema,
    handler: async ({ params, body, actor }) =>
      changeStatus(api.engine, actor, [params.id], body.status, {
        ...(body.at ? { at: body.at } : {}),
        ...(body.reason ? { reason: body.reason } : {}),
      }),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/subjects/:id/status-history',
    operationId: 'subjectStatusHistory',
    summary: 'Every status a subject has had, oldest first.',
    tags: ['subjects'],
    access: read,
    params: subjectParams,
    response: z.object({
      changes: z.array(
        z.object({
          from: z.enum(subjectStatuses).nullable(),
          to: z.enum(subjectStatuses),
          at: z.string(),
          actor: z.string(),
        }),
      ),
    }),
    handler: async ({ params }) => ({ changes: await statusHistory(api.engine, params.id) }),
  });
}
