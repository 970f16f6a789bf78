import { z } from 'zod';
import { getAnonymousUser, getSettings, updateSettings } from '../../../engine/settings/index.js';
import { configReaders, staff } from '../../roles/access.js';
import type { Api } from '../define-route.js';
import { subjectSchema } from '../subjects/subject-schemas.js';

const typeRef = z.union([z.string().min(1).max(100), z.number().int().min(1).max(2_147_483_647)]).nullable();

const settingsSchema = z.object({
  defaultSuspendedPurgeTypeId: z.number().int().nullable(),
  defaultDeletedPurgeTypeId: z.number().int().nullable(),
  defaultSuspendedPurgeType: z.string().nullable(),
  defaultDeletedPurgeType: z.string().nullable(),
  allowSelfExport: z.boolean(),
  exportRetentionDays: z.number().int(),
  anonymousUserId: z.string().nullable(),
});

/** The settings and the anonymous user. */
export function registerSettingsRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/settings',
    operationId: 'getSettings',
    summary: 'The settings: default purge types, self-service exports, export retention, the anonymous user.',
    tags: ['settings'],
    access: staff(configReaders, 'config:read'),
    response: settingsSchema,
    handler: async () => getSettings(api.engine),
  });

  api.route({
    method: 'PATCH',
    url: '/api/v1/settings',
    operationId: 'updateSettings',
    summary:
      'Change settings. Default purge types by idnumber or id (null clears); each must match its status.',
    tags: ['settings'],
    access: staff('userdata:config', 'config:write'),
    errors: [404],
    body: z.strictObject({
      defaultSuspendedPurgeType: typeRef.optional(),
      defaultDeletedPurgeType: typeRef.optional(),
      allowSelfExport: z.boolean().optional(),
      exportRetentionDays: z.number().int().min(1).max(3650).optional(),
      anonymousUserId: z.string().min(1).max(255).nullable().optional(),
    }),
    response: settingsSchema,
    handler: async ({ body, actor }) => updateSettings(api.engine, actor, body),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/settings/anonymous-user',
    operationId: 'getAnonymousUser',
    summary: 'The anonymous user that anonymised content is attributed to (created on first use).',
    tags: ['settings'],
    access: staff(configReaders, 'config:read'),
    response: subjectSchema,
    handler: async ({ actor }) => getAnonymousUser(api.engine, actor),
  });
}
