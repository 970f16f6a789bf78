import { z } from 'zod';
import { requestPurge } from '../../../engine/purges/index.js';
import {
  cancelRequest,
  deleteExportPackage,
  getRequest,
  listRequests,
  maxExportSelectors,
  requestExport,
  requestKinds,
  requestOrigins,
  requestStatuses,
} from '../../../engine/requests/index.js';
import { LetheError } from '../../../errors/index.js';
import type { Principal } from '../../auth/principal.js';
import { holds, staff } from '../../roles/access.js';
import { idParams, isoDate, queryInt } from '../common-schemas.js';
import type { Api } from '../define-route.js';
import { subjectIdSchema } from '../subjects/subject-schemas.js';
import { requestSchema, requestSummarySchema, withDownloadUrl } from './request-schemas.js';

const typeRef = z.union([z.string().min(1).max(100), z.number().int().min(1).max(2_147_483_647)]);

function originOf(principal: Principal): 'api' | 'admin' {
  return principal.kind === 'token' ? 'api' : 'admin';
}

/** A token sees a request only through the scope of its kind (or reports:read). */
function checkTokenSees(principal: Principal, kind: string, id: number): void {
  if (principal.kind !== 'token') return;
  const scope = kind === 'export' ? 'exports:read' : 'purges:request';
  if (principal.token.scopes.includes('reports:read') || principal.token.scopes.includes(scope)) return;
  throw new LetheError(
    'LETHE_E_FORBIDDEN',
    `Request ${id} is a ${kind}: this needs the scope ${scope} or reports:read.`,
    {
      scopes: [scope, 'reports:read'],
    },
  );
}

/** Requests: exports, purges and dry runs; list, show, cancel; delete an export's package. */
export function registerRequestRoutes(api: Api): void {
  const e = api.engine;

  api.route({
    method: 'GET',
    url: '/api/v1/requests',
    operationId: 'listRequests',
    summary: 'Requests, newest first, filtered and paginated (without item results).',
    tags: ['requests'],
    access: staff(['userdata:viewreports', 'userdata:purgemanual', 'userdata:exportother'], 'reports:read'),
    query: z.strictObject({
      kind: z.enum(requestKinds).optional(),
      status: z.enum(requestStatuses).optional(),
      origin: z.enum(requestOrigins).optional(),
      subjectId: subjectIdSchema.optional(),
      typeId: queryInt(1, 2_147_483_647).optional(),
      since: isoDate.optional(),
      until: isoDate.optional(),
      limit: queryInt(1, 1000).optional(),
      offset: queryInt(0, 1_000_000_000).optional(),
    }),
    response: z.object({ total: z.number().int(), requests: z.array(requestSummarySchema) }),
    handler: async ({ query }) => {
      const page = await listRequests(e, query);
      return { total: page.total, requests: page.requests.map(withDownloadUrl) };
    },
  });

  api.route({
    method: 'GET',
    url: '/api/v1/requests/:id',
    operationId: 'getRequest',
    summary: 'One request with every item’s result and, for an export, its package and download link.',
    tags: ['requests'],
    access: staff(
      ['userdata:viewreports', 'userdata:purgemanual', 'userdata:exportother'],
      ['reports:read', 'exports:read', 'purges:request'],
    ),
    params: idParams,
    response: requestSchema,
    handler: async ({ params, principal }) => {
      const request = await getRequest(e, params.id);
      checkTokenSees(principal, request.kind, request.id);
      return withDownloadUrl(request);
    },
  });

  api.route({
    method: 'POST',
    url: '/api/v1/requests/exports',
    operationId: 'requestExport',
    summary:
      'Export a subject’s data by an export type, or by chosen components and items (one export per subject at a time).',
    description:
      'Give either `type` (an export type’s idnumber or id) or `items` (components such as `forum`, or item keys such as `forum/posts`; a component brings those of its items that can export). An export by items has a `plan` of `export` steps and no type; its package calls its type “Selected items”.',
    tags: ['requests'],
    access: staff('userdata:exportother', 'exports:request'),
    status: 201,
    errors: [404, 409],
    body: z.strictObject({
      subjectId: subjectIdSchema,
      type: typeRef.optional(),
      items: z.array(z.string().min(1).max(255)).min(1).max(maxExportSelectors).optional(),
    }),
    response: requestSchema,
    handler: async ({ body, actor, principal }) =>
      withDownloadUrl(
        await requestExport(e, actor, {
          subjectId: body.subjectId,
          ...(body.type !== undefined ? { type: body.type } : {}),
          ...(body.items !== undefined ? { items: body.items } : {}),
          origin: originOf(principal),
        }),
      ),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/requests/purges',
    operationId: 'requestPurge',
    summary: 'Purge a subject’s data by a purge type, or report what would be erased (dryRun).',
    description:
      'The type must allow manual use and match the subject’s status. Purging an active subject needs confirmActive: true (a dry run does not).',
    tags: ['requests'],
    access: staff('userdata:purgemanual', 'purges:request'),
    status: 201,
    errors: [404, 409],
    body: z.strictObject({
      subjectId: subjectIdSchema,
      type: typeRef,
      dryRun: z.boolean().optional(),
      confirmActive: z.boolean().optional(),
    }),
    response: requestSchema,
    handler: async ({ body, actor, principal }) =>
      withDownloadUrl(await requestPurge(e, actor, { ...body, origin: originOf(principal) })),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/requests/:id/cancel',
    operationId: 'cancelRequest',
    summary: 'Cancel a pending or running request; a running one stops before its next item.',
    tags: ['requests'],
    access: staff(['userdata:purgemanual', 'userdata:exportother'], ['purges:request', 'exports:request']),
    errors: [409],
    params: idParams,
    response: requestSchema,
    handler: async ({ params, actor, principal }) => {
      const request = await getRequest(e, params.id);
      const capability = request.kind === 'export' ? 'userdata:exportother' : 'userdata:purgemanual';
      const scope = request.kind === 'export' ? 'exports:request' : 'purges:request';
      if (!holds(principal, capability, scope)) {
        throw new LetheError(
          'LETHE_E_FORBIDDEN',
          `Cancelling a ${request.kind} needs ${principal.kind === 'token' ? scope : capability}.`,
        );
      }
      return withDownloadUrl(await cancelRequest(e, actor, params.id));
    },
  });

  api.route({
    method: 'DELETE',
    url: '/api/v1/requests/:id/package',
    operationId: 'deleteExportPackage',
    summary: 'Delete an available export package (the request becomes expired), so a new export can be made.',
    tags: ['requests'],
    access: staff('userdata:exportother', 'exports:request'),
    errors: [410],
    status: 204,
    params: idParams,
    response: z.null(),
    handler: async ({ params, actor }) => {
      await deleteExportPackage(e, actor, params.id);
      return null;
    },
  });
}
