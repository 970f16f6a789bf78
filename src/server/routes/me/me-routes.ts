import { z } from 'zod';
import { personalDataSummary } from '../../../engine/anonymisation/index.js';
import {
  deleteExportPackage,
  getRequest,
  listRequests,
  requestExport,
} from '../../../engine/requests/index.js';
import { getSettings } from '../../../engine/settings/index.js';
import { getSubject } from '../../../engine/subjects/index.js';
import { listExportTypes } from '../../../engine/types/index.js';
import { LetheError } from '../../../errors/index.js';
import { requireSession } from '../../auth/principal.js';
import { selfAccess } from '../../roles/access.js';
import { accountSchema } from '../accounts/account-schemas.js';
import { personalDataSummarySchema } from '../anonymisation/anonymisation-schemas.js';
import { idParams } from '../common-schemas.js';
import type { Api } from '../define-route.js';
import { ownExportSchema, toOwnExport } from '../requests/request-schemas.js';
import { subjectSchema } from '../subjects/subject-schemas.js';

function ownSubjectId(principal: Parameters<typeof requireSession>[0]): string {
  const { account } = requireSession(principal);
  if (account.subjectId === null) throw new LetheError('LETHE_E_FORBIDDEN', 'This account has no subject.');
  return account.subjectId;
}

/** The self-service page: a subject's own account, its exports, and nothing of anyone else's. */
export function registerMeRoutes(api: Api): void {
  const e = api.engine;

  /** The subject's own export request, or LETHE_E_REQUEST_UNKNOWN: another subject's looks like no request. */
  async function ownExport(subjectId: string, id: number) {
    const request = await getRequest(e, id).catch((error: unknown) => {
      throw error instanceof LetheError && error.code === 'LETHE_E_REQUEST_UNKNOWN'
        ? new LetheError('LETHE_E_REQUEST_UNKNOWN', `You have no export ${id}.`, { id })
        : error;
    });
    if (request.subjectId !== subjectId || request.kind !== 'export') {
      throw new LetheError('LETHE_E_REQUEST_UNKNOWN', `You have no export ${id}.`, { id });
    }
    return request;
  }

  api.route({
    method: 'GET',
    url: '/api/v1/me',
    operationId: 'me',
    summary: 'Your account and the subject it belongs to.',
    tags: ['self-service'],
    access: selfAccess,
    response: z.object({ account: accountSchema, subject: subjectSchema }),
    handler: async ({ principal }) => {
      const { account } = requireSession(principal);
      return { account, subject: await getSubject(e, ownSubjectId(principal)) };
    },
  });

  api.route({
    method: 'GET',
    url: '/api/v1/me/data',
    operationId: 'myPersonalData',
    summary: 'Your personal data, component by component: what Lethe holds of you, and what was erased.',
    tags: ['self-service'],
    access: selfAccess,
    response: personalDataSummarySchema,
    handler: async ({ principal }) => personalDataSummary(e, ownSubjectId(principal)),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/me/export-types',
    operationId: 'myExportTypes',
    summary: 'The export types you may use on your own data, and whether self-service exports are on.',
    tags: ['self-service'],
    access: selfAccess,
    response: z.object({
      allowSelfExport: z.boolean(),
      exportTypes: z.array(
        z.object({
          id: z.number().int(),
          idnumber: z.string(),
          name: z.string(),
          description: z.string(),
          includeFiles: z.boolean(),
        }),
      ),
    }),
    handler: async () => {
      const settings = await getSettings(e);
      const types = settings.allowSelfExport ? (await listExportTypes(e)).filter((t) => t.allowSelf) : [];
      return {
        allowSelfExport: settings.allowSelfExport,
        exportTypes: types.map((t) => ({
          id: t.id,
          idnumber: t.idnumber,
          name: t.name,
          description: t.description,
          includeFiles: t.includeFiles,
        })),
      };
    },
  });

  api.route({
    method: 'GET',
    url: '/api/v1/me/exports',
    operationId: 'myExports',
    summary: 'Your exports, newest first.',
    tags: ['self-service'],
    access: selfAccess,
    response: z.object({ exports: z.array(ownExportSchema) }),
    handler: async ({ principal }) => {
      const page = await listRequests(e, { subjectId: ownSubjectId(principal), kind: 'export', limit: 100 });
      return { exports: page.requests.map(toOwnExport) };
    },
  });

  api.route({
    method: 'POST',
    url: '/api/v1/me/exports',
    operationId: 'requestMyExport',
    summary: 'Export your own data by a type that allows it (one export at a time).',
    tags: ['self-service'],
    access: selfAccess,
    status: 201,
    errors: [404, 409],
    body: z.strictObject({
      type: z.union([z.string().min(1).max(100), z.number().int().min(1).max(2_147_483_647)]),
    }),
    response: ownExportSchema,
    handler: async ({ principal, body, actor }) =>
      toOwnExport(
        await requestExport(e, actor, {
          subjectId: ownSubjectId(principal),
          type: body.type,
          origin: 'self',
        }),
      ),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/me/exports/:id',
    operationId: 'myExport',
    summary: 'One of your exports.',
    tags: ['self-service'],
    access: selfAccess,
    params: idParams,
    response: ownExportSchema,
    handler: async ({ principal, params }) =>
      toOwnExport(await ownExport(ownSubjectId(principal), params.id)),
  });

  api.route({
    method: 'DELETE',
    url: '/api/v1/me/exports/:id/package',
    operationId: 'deleteMyExportPackage',
    summary: 'Delete your available export package, so that you can make a new one.',
    tags: ['self-service'],
    access: selfAccess,
    errors: [410],
    status: 204,
    params: idParams,
    response: z.null(),
    handler: async ({ principal, params, actor }) => {
      await ownExport(ownSubjectId(principal), params.id);
      await deleteExportPackage(e, actor, params.id);
      return null;
    },
  });
}
