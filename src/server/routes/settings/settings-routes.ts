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
  /** The SMTP server notifications go through, from the configuration (never its user or password). */
  smtp: z.object({
    configured: z.boolean(),
    host: z.string().optional(),
    port: z.number().int().optional(),
    secure: z.boolean().optional(),
    from: z.string().optional(),
  }),
});

/** The configuration's SMTP server as the settings show it: where, and from whom, never the credentials. */
function smtpView(engine: Api['engine']): z.input<typeof settingsSchema>['smtp'] {
  const smtp = engine.config.smtp;
  if (!smtp) return { configured: false };
  return { configured: true, host: smtp.host, port: smtp.port, secure: smtp.secure, from: smtp.from };
}

/** The settings and the anonymous user. */
export function registerSettingsRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/settings',
    operationId: 'getSettings',
    summary:
      'The settings: default purge types, self-service exports, export retention, the anonymous user; and the SMTP server from the configuration (without credentials).',
    tags: ['settings'],
    access: staff(configReaders, 'config:read'),
    response: settingsSchema,
    handler: async () => ({ ...(await getSettings(api.engine)), smtp: smtpView(api.engine) }),
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
    handler: async ({ body, actor }) => ({
      ...(await updateSettings(api.engine, actor, body)),
      smtp: smtpView(api.engine),
    }),
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
