import { z } from 'zod';
import {
  createApiToken,
  createApiTokenSchema,
  getApiToken,
  listApiTokens,
  revokeApiToken,
} from '../../../engine/accounts/index.js';
import { staff } from '../../roles/access.js';
import { apiTokenSchema } from '../accounts/account-schemas.js';
import { idParams } from '../common-schemas.js';
import type { Api } from '../define-route.js';

const manage = staff('userdata:config');

/** API tokens for host applications. Managing them needs userdata:config and a logged-in account. */
export function registerTokenRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/tokens',
    operationId: 'listTokens',
    summary: 'Every API token (never its secret).',
    tags: ['tokens'],
    access: manage,
    response: z.object({ tokens: z.array(apiTokenSchema) }),
    handler: async () => ({ tokens: await listApiTokens(api.engine) }),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/tokens',
    operationId: 'createToken',
    summary: 'Create an API token with scopes. The secret is in this response only: it is stored hashed.',
    tags: ['tokens'],
    access: manage,
    refusedWhileActing: 'create API tokens',
    status: 201,
    body: createApiTokenSchema,
    response: z.object({ token: apiTokenSchema, secret: z.string() }),
    handler: async ({ body, actor }) => createApiToken(api.engine, actor, body),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/tokens/:id',
    operationId: 'getToken',
    summary: 'One API token.',
    tags: ['tokens'],
    access: manage,
    params: idParams,
    response: apiTokenSchema,
    handler: async ({ params }) => getApiToken(api.engine, params.id),
  });

  api.route({
    method: 'DELETE',
    url: '/api/v1/tokens/:id',
    operationId: 'revokeToken',
    summary: 'Revoke an API token at once.',
    tags: ['tokens'],
    access: manage,
    refusedWhileActing: 'revoke API tokens',
    params: idParams,
    response: apiTokenSchema,
    handler: async ({ params, actor }) => revokeApiToken(api.engine, actor, params.id),
  });
}
