import { z } from 'zod';
import {
  changeOwnPassword,
  createAccount,
  createAccountSchema,
  deleteAccount,
  getAccount,
  listAccounts,
  unlockAccount,
  updateAccount,
  updateAccountSchema,
} from '../../../engine/accounts/index.js';
import { requireSession } from '../../auth/principal.js';
import { accountAccess, staff } from '../../roles/access.js';
import { idParams, noContent, paging } from '../common-schemas.js';
import type { Api } from '../define-route.js';
import { accountSchema } from './account-schemas.js';

const manage = staff('userdata:config');

/** Staff and self-service accounts. Managing them needs userdata:config; API tokens cannot. */
export function registerAccountRoutes(api: Api): void {
  api.route({
    method: 'GET',
    url: '/api/v1/accounts',
    operationId: 'listAccounts',
    summary: 'List accounts, newest last; search by username, name or email.',
    tags: ['accounts'],
    access: manage,
    query: z.strictObject({
      search: z.string().min(1).max(255).optional(),
      kind: z.enum(['staff', 'subject']).optional(),
      ...paging,
    }),
    response: z.object({ total: z.number().int(), accounts: z.array(accountSchema) }),
    handler: async ({ query }) => listAccounts(api.engine, query),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/accounts',
    operationId: 'createAccount',
    summary: 'Create a staff account, or a self-service account for a subject (subjectId).',
    tags: ['accounts'],
    access: manage,
    refusedWhileActing: 'create accounts',
    status: 201,
    errors: [409],
    body: createAccountSchema,
    response: accountSchema,
    handler: async ({ body, actor }) => createAccount(api.engine, actor, body),
  });

  api.route({
    method: 'GET',
    url: '/api/v1/accounts/:id',
    operationId: 'getAccount',
    summary: 'One account, with its roles and capabilities.',
    tags: ['accounts'],
    access: manage,
    params: idParams,
    response: accountSchema,
    handler: async ({ params }) => getAccount(api.engine, params.id),
  });

  api.route({
    method: 'PATCH',
    url: '/api/v1/accounts/:id',
    operationId: 'updateAccount',
    summary: 'Change an account: name, email, password, roles, disabled. Disabling ends its sessions.',
    tags: ['accounts'],
    access: manage,
    refusedWhileActing: 'change accounts, their passwords or roles',
    errors: [409],
    params: idParams,
    body: updateAccountSchema,
    response: accountSchema,
    handler: async ({ params, body, actor }) => updateAccount(api.engine, actor, params.id, body),
  });

  api.route({
    method: 'DELETE',
    url: '/api/v1/accounts/:id',
    operationId: 'deleteAccount',
    summary: 'Delete an account and its sessions (not the last one that can manage accounts).',
    tags: ['accounts'],
    access: manage,
    refusedWhileActing: 'delete accounts',
    errors: [409],
    status: 204,
    params: idParams,
    response: noContent,
    handler: async ({ params, actor }) => {
      await deleteAccount(api.engine, actor, params.id);
      return null;
    },
  });

  api.route({
    method: 'POST',
    url: '/api/v1/accounts/:id/unlock',
    operationId: 'unlockAccount',
    summary: 'End a lockout: forget the account’s failed logins.',
    tags: ['accounts'],
    access: manage,
    refusedWhileActing: 'unlock accounts',
    params: idParams,
    response: accountSchema,
    handler: async ({ params, actor }) => unlockAccount(api.engine, actor, params.id),
  });

  api.route({
    method: 'POST',
    url: '/api/v1/session/password',
    operationId: 'changeOwnPassword',
    summary: 'Change your own password (the current one is required). Your other sessions end.',
    tags: ['session'],
    access: accountAccess,
    refusedWhileActing: 'change a password',
    status: 204,
    body: z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().max(1024) }),
    response: noContent,
    handler: async ({ principal, body }) => {
      const { session } = requireSession(principal);
      await changeOwnPassword(api.engine, session.account.id, { ...body, keepSessionId: session.id });
      return null;
    },
  });
}
