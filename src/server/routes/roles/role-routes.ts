import { z } from 'zod';
import {
  apiScopes,
  capabilities,
  capabilityDescriptions,
  createRole,
  createRoleSchema,
  deleteRole,
  getRole,
  listRoles,
  updateRole,
  updateRoleSchema,
} from '../../../engine/accounts/index.js';
import { configReaders, staff } from '../../roles/access.js';
import { roleSchema } from '../accounts/account-schemas.js';
import { noContent } from '../common-schemas.js';
import type { Api } from '../define-route.js';

const manage = staff('userdata:config');
const roleParams = z.strictObject({ shortname: z.string().min(1).max(100) });

/** Roles and the capabilities they grant. Editing them needs userdata:config. */
export function registerRoleRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/capabilities',
    operationId: 'listCapabilities',
    summary: 'Every capability (granted to roles) and every API token scope.',
    tags: ['roles'],
    access: staff(configReaders),
    response: z.object({
      capabilities: z.array(z.object({ name: z.enum(capabilities), description: z.string() })),
      scopes: z.array(z.enum(apiScopes)),
    }),
    handler: async () => ({
      capabilities: capabilities.map((name) => ({ name, description: capabilityDescriptions[name] })),
      scopes: [...apiScopes],
    }),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/roles',
    operationId: 'listRoles',
    summary: 'Every role, with its capabilities and how many accounts have it.',
    tags: ['roles'],
    access: manage,
    response: z.object({ roles: z.array(roleSchema) }),
    handler: async () => ({ roles: await listRoles(api.engine) }),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/roles',
    operationId: 'createRole',
    summary: 'Create a role with capabilities.',
    tags: ['roles'],
    access: manage,
    refusedWhileActing: 'create roles',
    status: 201,
    errors: [409],
    body: createRoleSchema,
    response: roleSchema,
    handler: async ({ body, actor }) => createRole(api.engine, actor, body),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/roles/:shortname',
    operationId: 'getRole',
    summary: 'One role.',
    tags: ['roles'],
    access: manage,
    params: roleParams,
    response: roleSchema,
    handler: async ({ params }) => getRole(api.engine, params.shortname),
  });

  api.route({
    method: 'PATCH',
    url: '/api/v1/roles/:shortname',
    operationId: 'updateRole',
    summary: 'Rename a role, or set its capabilities (built-in roles too).',
    tags: ['roles'],
    access: manage,
    refusedWhileActing: 'change roles or their capabilities',
    errors: [409],
    params: roleParams,
    body: updateRoleSchema,
    response: roleSchema,
    handler: async ({ params, body, actor }) => updateRole(api.engine, actor, params.shortname, body),
  });

  api.route({
    method: 'DELETE',
    url: '/api/v1/roles/:shortname',
    operationId: 'deleteRole',
    summary: 'Delete a role that is not built in.',
    tags: ['roles'],
    access: manage,
    refusedWhileActing: 'delete roles',
    errors: [409],
    status: 204,
    params: roleParams,
    response: noContent,
    handler: async ({ params, actor }) => {
      await deleteRole(api.engine, actor, params.shortname);
      return null;
    },
  });
}
