import type { InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import { apiScopes, createAccount, createApiToken, createRole } from '../../src/engine/accounts/index.js';
import { notify } from '../../src/engine/notifications/index.js';
import { requestPurge } from '../../src/engine/purges/index.js';
import { deleteExportPackage } from '../../src/engine/requests/index.js';
import { registerSubject } from '../../src/engine/subjects/index.js';
import { createExportType, createPurgeType } from '../../src/engine/types/index.js';
import type { OpenApiDocument } from '../../src/server/index.js';
import { describeEachStore } from '../support/stores.js';
import {
  accountId,
  availableExport,
  type Caller,
  type ServerFixture,
  serverFixture,
} from './server-fixture.js';

/** The principals every route is tried with, in this order (the allowed ones last, as they may change state). */
const principals = ['anonymous', 'self', 'tokenWithout', 'dpo', 'tokenWith', 'admin'] as const;
type Who = (typeof principals)[number];
type Expected = Record<Who, number>;

interface Call {
  params?: Record<string, string | number>;
  query?: Record<string, string>;
  body?: unknown;
}

interface Entry {
  expect: Expected;
  /** Builds the request for one principal; called once per principal, so it can make a fresh target each time. */
  call?: (fx: ServerFixture, who: Who) => Promise<Call> | Call;
  /** Session principals use a throwaway session (for logout). */
  freshSession?: boolean;
}

const e = (
  anonymous: number,
  self: number,
  tokenWithout: number,
  dpo: number,
  tokenWith: number,
  admin: number,
): Expected => ({
  anonymous,
  self,
  tokenWithout,
  dpo,
  tokenWith,
  admin,
});
/** Anyone. */
const everyone = (s: number) => e(s, s, s, s, s, s);
/** A logged-in account of any kind; never a token. */
const accounts = (s: number) => e(401, s, 403, s, 403, s);
/** userdata:config, no tokens: administrators only. */
const adminsOnly = (s: number) => e(401, 403, 403, 403, 403, s);
/** userdata:config, or a token with the scope. */
const configWrite = (s: number) => e(401, 403, 403, 403, s, s);
/** Any staff capability (the DPO has one), or a token with the scope. */
const staffRead = (s: number) => e(401, 403, 403, s, s, s);
/** Any staff capability, no tokens. */
const staffOnly = (s: number) => e(401, 403, 403, s, 403, s);
/** A self-service account only. */
const selfOnly = (s: number) => e(401, s, 403, 403, 403, 403);

let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}${Date.now().toString(36)}`;

async function freshSubject(fx: ServerFixture, status: 'active' | 'suspended' = 'active'): Promise<string> {
  const id = unique('s');
  await registerSubject(fx.engine, 'cli', {
    id,
    username: id,
    email: `${id}@example.org`,
    fullName: id,
    status,
  });
  return id;
}

async function throwawayAccount(fx: ServerFixture): Promise<number> {
  return (await createAccount(fx.engine, 'cli', { username: unique('u') })).id;
}

async function annExport(fx: ServerFixture, want: 'available' | 'none'): Promise<number | undefined> {
  if (want === 'available') return (await availableExport(fx, 'ann')).id;
  const open = await fx.engine.db
    .selectFrom('requests')
    .select(['id', 'status'])
    .where('subject_id', '=', 'ann')
    .where('kind', '=', 'export')
    .where('status', 'in', ['pending', 'running', 'succeeded'])
    .executeTakeFirst();
  if (open?.status === 'succeeded') await deleteExportPackage(fx.engine, 'cli', Number(open.id));
  else if (open) await fx.work();
  return undefined;
}

/** A message that failed for good, as after its last try. */
async function failedMessage(fx: ServerFixture): Promise<number> {
  const message = await notify(fx.engine, { to: `${unique('m')}@example.org`, subject: 'Failed', body: 'b' });
  await fx.engine.db
    .updateTable('outbox')
    .set({ attempts: 5, error: '550 Mailbox unavailable', next_attempt_at: null })
    .where('id', '=', message.id)
    .execute();
  return message.id;
}

/**
 * THE authorisation matrix: every route of the OpenAPI document × every principal -> the status it must get.
 * A route missing from this table fails the test, and so does an entry for a route that no longer exists.
 */
const matrix: Record<string, Entry> = {
  'GET /healthz': { expect: everyone(200) },
  'GET /readyz': { expect: everyone(200) },
  'GET /api/v1/openapi.json': { expect: everyone(200) },
  'GET /api/docs': { expect: everyone(200) },

  'POST /api/v1/session': {
    expect: everyone(200),
    call: () => ({ body: { username: 'ben', password: 'ben-password' } }),
  },
  'GET /api/v1/session': { expect: accounts(200) },
  'DELETE /api/v1/session': { expect: accounts(204), freshSession: true },
  // userdata:loginas: administrators only, never a token; a fresh session, as the admin's then acts as ben
  'POST /api/v1/session/act-as': {
    expect: adminsOnly(200),
    freshSession: true,
    call: async (fx) => ({ body: { accountId: await accountId(fx, 'ben') } }),
  },
  // any session may stop acting (it is then authorised as the acted-as account); not acting is no error
  'DELETE /api/v1/session/act-as': { expect: accounts(200) },
  'POST /api/v1/session/password': {
    expect: accounts(204),
    call: (_fx, who) => {
      const password = who === 'self' ? 'ann-password' : who === 'dpo' ? 'dpo-password' : 'admin-password';
      return { body: { currentPassword: password, newPassword: password } };
    },
  },

  'GET /api/v1/accounts': { expect: adminsOnly(200) },
  'POST /api/v1/accounts': { expect: adminsOnly(201), call: () => ({ body: { username: unique('new') } }) },
  'GET /api/v1/accounts/{id}': {
    expect: adminsOnly(200),
    call: async (fx) => ({ params: { id: await accountId(fx, 'ben') } }),
  },
  'PATCH /api/v1/accounts/{id}': {
    expect: adminsOnly(200),
    call: async (fx) => ({ params: { id: await throwawayAccount(fx) }, body: { displayName: 'Renamed' } }),
  },
  'DELETE /api/v1/accounts/{id}': {
    expect: adminsOnly(204),
    call: async (fx) => ({ params: { id: await throwawayAccount(fx) } }),
  },
  'POST /api/v1/accounts/{id}/unlock': {
    expect: adminsOnly(200),
    call: async (fx) => ({ params: { id: await accountId(fx, 'ben') } }),
  },

  'GET /api/v1/capabilities': { expect: staffOnly(200) },
  'GET /api/v1/roles': { expect: adminsOnly(200) },
  'POST /api/v1/roles': {
    expect: adminsOnly(201),
    call: () => ({ body: { shortname: unique('role-'), name: 'A role', capabilities: ['userdata:audit'] } }),
  },
  'GET /api/v1/roles/{shortname}': {
    expect: adminsOnly(200),
    call: () => ({ params: { shortname: 'authenticated' } }),
  },
  'PATCH /api/v1/roles/{shortname}': {
    expect: adminsOnly(200),
    call: () => ({ params: { shortname: 'authenticated' }, body: { description: 'Self-service users.' } }),
  },
  'DELETE /api/v1/roles/{shortname}': {
    expect: adminsOnly(204),
    call: async (fx) => {
      const role = await createRole(fx.engine, 'cli', { shortname: unique('gone-'), name: 'Gone' });
      return { params: { shortname: role.shortname } };
    },
  },

  'GET /api/v1/tokens': { expect: adminsOnly(200) },
  'POST /api/v1/tokens': {
    expect: adminsOnly(201),
    call: () => ({ body: { name: 'host', scopes: ['subjects:write'] } }),
  },
  'GET /api/v1/tokens/{id}': {
    expect: adminsOnly(200),
    call: async (fx) => ({
      params: {
        id: (await createApiToken(fx.engine, 'cli', { name: 't', scopes: ['audit:read'] })).token.id,
      },
    }),
  },
  'DELETE /api/v1/tokens/{id}': {
    expect: adminsOnly(200),
    call: async (fx) => ({
      params: {
        id: (await createApiToken(fx.engine, 'cli', { name: 't', scopes: ['audit:read'] })).token.id,
      },
    }),
  },

  'GET /api/v1/items': { expect: staffRead(200) },
  'GET /api/v1/items/for-status': { expect: staffRead(200), call: () => ({ query: { status: 'deleted' } }) },

  'GET /api/v1/subjects': { expect: staffRead(200), call: () => ({ query: { search: 'an', limit: '10' } }) },
  'POST /api/v1/subjects': {
    expect: configWrite(201),
    call: () => {
      const id = unique('new');
      return { body: { id, username: id, email: `${id}@example.org`, fullName: 'New Person' } };
    },
  },
  'POST /api/v1/subjects/import': {
    expect: configWrite(200),
    call: () => ({
      body: { subjects: [{ id: unique('imp'), username: 'i', email: 'i@example.org', fullName: 'I' }] },
    }),
  },
  'POST /api/v1/subjects/status': {
    expect: configWrite(200),
    call: async (fx) => ({
      body: { ids: [await freshSubject(fx), await freshSubject(fx)], status: 'deleted' },
    }),
  },
  'POST /api/v1/subjects/purge-type': {
    expect: configWrite(200),
    call: async (fx) => ({ body: { ids: [await freshSubject(fx)], status: 'deleted', purgeType: null } }),
  },
  'GET /api/v1/subjects/{id}': { expect: staffRead(200), call: () => ({ params: { id: 'ann' } }) },
  'PATCH /api/v1/subjects/{id}': {
    expect: configWrite(200),
    call: async (fx) => ({ params: { id: await freshSubject(fx) }, body: { fullName: 'Changed' } }),
  },
  'POST /api/v1/subjects/{id}/status': {
    expect: configWrite(200),
    call: async (fx) => ({
      params: { id: await freshSubject(fx) },
      body: { status: 'suspended', reason: 'test' },
    }),
  },
  'GET /api/v1/subjects/{id}/status-history': {
    expect: staffRead(200),
    call: () => ({ params: { id: 'ann' } }),
  },

  'GET /api/v1/export-types': { expect: staffRead(200) },
  'POST /api/v1/export-types': {
    expect: configWrite(201),
    call: () => ({ body: { idnumber: unique('et-'), name: 'An export type', items: ['blog/entries'] } }),
  },
  'GET /api/v1/export-types/{ref}': { expect: staffRead(200), call: () => ({ params: { ref: 'mine' } }) },
  'PATCH /api/v1/export-types/{ref}': {
    expect: configWrite(200),
    call: () => ({ params: { ref: 'mine' }, body: { description: 'Your forum posts.' } }),
  },
  'DELETE /api/v1/export-types/{ref}': {
    expect: configWrite(204),
    call: async (fx) => {
      const type = await createExportType(fx.engine, 'cli', { idnumber: unique('del-'), name: 'To delete' });
      return { params: { ref: type.idnumber } };
    },
  },
  'POST /api/v1/export-types/{ref}/duplicate': {
    expect: configWrite(201),
    call: () => ({ params: { ref: 'mine' }, body: { idnumber: unique('copy-') } }),
  },
  'GET /api/v1/purge-types': { expect: staffRead(200), call: () => ({ query: { status: 'active' } }) },
  'POST /api/v1/purge-types': {
    expect: configWrite(201),
    call: () => ({
      body: {
        idnumber: unique('pt-'),
        name: 'A purge type',
        status: 'deleted',
        items: [{ key: 'blog/entries', mode: 'delete' }],
      },
    }),
  },
  'GET /api/v1/purge-types/{ref}': { expect: staffRead(200), call: () => ({ params: { ref: 'tidy' } }) },
  'PATCH /api/v1/purge-types/{ref}': {
    expect: configWrite(200),
    call: () => ({ params: { ref: 'tidy' }, body: { description: 'Forum clean-ups.' } }),
  },
  'DELETE /api/v1/purge-types/{ref}': {
    expect: configWrite(204),
    call: async (fx) => {
      const type = await createPurgeType(fx.engine, 'cli', {
        idnumber: unique('del-'),
        name: 'To delete',
        status: 'deleted',
      });
      return { params: { ref: type.idnumber } };
    },
  },
  'POST /api/v1/purge-types/{ref}/duplicate': {
    expect: configWrite(201),
    call: () => ({ params: { ref: 'tidy' }, body: { idnumber: unique('copy-') } }),
  },
  'POST /api/v1/purge-types/{ref}/reapply': {
    expect: configWrite(200),
    call: () => ({ params: { ref: 'tidy' } }),
  },
  'GET /api/v1/types/new-items': { expect: staffRead(200) },

  'GET /api/v1/settings': { expect: staffRead(200) },
  'PATCH /api/v1/settings': { expect: configWrite(200), call: () => ({ body: { exportRetentionDays: 5 } }) },
  'GET /api/v1/settings/anonymous-user': { expect: staffRead(200) },

  'GET /api/v1/requests': { expect: staffRead(200), call: () => ({ query: { kind: 'export' } }) },
  'GET /api/v1/requests/{id}': {
    expect: staffRead(200),
    call: async (fx) => ({ params: { id: (await availableExport(fx, 'cal')).id } }),
  },
  'POST /api/v1/requests/exports': {
    expect: e(401, 403, 403, 201, 201, 201),
    // by a type for some, by chosen items for others: the same access either way
    call: async (fx, who) => ({
      body:
        who === 'dpo'
          ? { subjectId: await freshSubject(fx), items: ['forum', 'blog/entries'] }
          : { subjectId: await freshSubject(fx), type: 'all-data' },
    }),
  },
  'POST /api/v1/requests/purges': {
    expect: e(401, 403, 403, 201, 201, 201),
    call: () => ({ body: { subjectId: 'cal', type: 'tidy', dryRun: true } }),
  },
  'POST /api/v1/requests/{id}/cancel': {
    expect: e(401, 403, 403, 200, 200, 200),
    call: async (fx) => {
      const request = await requestPurge(fx.engine, 'cli', {
        subjectId: await freshSubject(fx),
        type: 'tidy',
        confirmActive: true,
      });
      return { params: { id: request.id } };
    },
  },
  'DELETE /api/v1/requests/{id}/package': {
    expect: e(401, 403, 403, 204, 204, 204),
    call: async (fx) => ({ params: { id: (await availableExport(fx, await freshSubject(fx))).id } }),
  },

  'GET /api/v1/subjects/{id}/data': { expect: staffRead(200), call: () => ({ params: { id: 'ann' } }) },
  'POST /api/v1/requests/erasures': {
    expect: e(401, 403, 403, 201, 201, 201),
    call: async (fx) => ({
      body: { subjectId: await freshSubject(fx, 'suspended'), items: ['forum'], mode: 'delete' },
    }),
  },
  // userdata:anonymise belongs to no role until an administrator grants it
  'POST /api/v1/requests/anonymisations': {
    expect: e(401, 403, 403, 403, 403, 403),
    call: () => ({ body: { subjectIds: ['cal'], confirm: true } }),
  },
  'POST /api/v1/subjects/{id}/delete': {
    expect: e(401, 403, 403, 200, 200, 200),
    call: async (fx) => ({ params: { id: await freshSubject(fx, 'suspended') } }),
  },
  'GET /api/v1/subjects/{id}/mentions': { expect: staffRead(200), call: () => ({ params: { id: 'ann' } }) },
  'POST /api/v1/subjects/{id}/mentions/redact': {
    expect: e(401, 403, 403, 200, 200, 200),
    call: () => ({ params: { id: 'cal' } }),
  },
  'GET /api/v1/reports/exports': {
    expect: staffRead(200),
    call: () => ({ query: { sort: 'createdAt:desc' } }),
  },
  'GET /api/v1/reports/purges': { expect: staffRead(200), call: () => ({ query: { dryRun: 'false' } }) },
  'GET /api/v1/reports/deleted': { expect: staffRead(200), call: () => ({ query: { format: 'csv' } }) },
  'GET /api/v1/reports/dashboard': { expect: staffRead(200), call: () => ({ query: { days: '7' } }) },

  'GET /api/v1/outbox': { expect: adminsOnly(200), call: () => ({ query: { limit: '10' } }) },
  'POST /api/v1/outbox/{id}/retry': {
    expect: adminsOnly(200),
    call: async (fx) => ({ params: { id: await failedMessage(fx) } }),
  },
  'POST /api/v1/outbox/retry': {
    expect: adminsOnly(200),
    call: async (fx) => ({ body: { ids: [await failedMessage(fx)] } }),
  },

  'GET /api/v1/me': { expect: selfOnly(200) },
  'GET /api/v1/me/data': { expect: selfOnly(200) },
  'GET /api/v1/me/export-types': { expect: selfOnly(200) },
  'GET /api/v1/me/exports': { expect: selfOnly(200) },
  'POST /api/v1/me/exports': {
    expect: selfOnly(201),
    call: async (fx) => {
      await annExport(fx, 'none');
      return { body: { type: 'mine' } };
    },
  },
  'GET /api/v1/me/exports/{id}': {
    expect: selfOnly(200),
    call: async (fx) => ({ params: { id: (await annExport(fx, 'available')) ?? 0 } }),
  },
  'DELETE /api/v1/me/exports/{id}/package': {
    expect: selfOnly(204),
    call: async (fx) => ({ params: { id: (await annExport(fx, 'available')) ?? 0 } }),
  },
  'GET /api/v1/downloads/{token}': {
    // the owner, userdata:exportother (the DPO, the admin) and exports:read (another subject: 404, see isolation)
    expect: e(401, 200, 403, 200, 200, 200),
    call: async (fx) => ({ params: { token: (await availableExport(fx, 'ann')).token } }),
  },

  'GET /api/v1/audit': { expect: staffRead(200), call: () => ({ query: { limit: '5' } }) },
  'GET /api/v1/audit/verify': { expect: staffRead(200) },
};

function fill(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${path}: no value for {${name}}`);
    return encodeURIComponent(String(value));
  });
}

describeEachStore('the authorisation matrix', ({ store }) => {
  it('gives every route × principal the status in the table', async () => {
    const fx = await serverFixture(store());
    const doc = (await fx.anonymous.request({ url: '/api/v1/openapi.json' })).json() as OpenApiDocument;
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path}`,
        path,
        method,
        op,
      })),
    );
    expect(
      routes.map((r) => r.key).filter((key) => !(key in matrix)),
      'routes missing from the matrix',
    ).toEqual([]);
    expect(
      Object.keys(matrix).filter((key) => !routes.some((r) => r.key === key)),
      'matrix entries with no route',
    ).toEqual([]);

    const failures: string[] = [];
    for (const route of routes) {
      const entry = matrix[route.key] as Entry;
      const access = route.op['x-lethe-access'];
      const accepted = access.kind === 'staff' || access.kind === 'owner-or' ? access.scopes : [];
      for (const who of principals) {
        let as: Caller;
        switch (who) {
          case 'anonymous':
            as = fx.anonymous;
            break;
          case 'self':
            as = entry.freshSession ? await fx.login('ann') : fx.ann;
            break;
          case 'dpo':
            as = entry.freshSession ? await fx.login('dpo') : fx.dpo;
            break;
          case 'admin':
            as = entry.freshSession ? await fx.login('admin') : fx.admin;
            break;
          case 'tokenWith':
            as = await fx.token(accepted.length > 0 ? accepted : apiScopes);
            break;
          case 'tokenWithout':
            // every scope but the ones the route accepts
            as = await fx.token(apiScopes.filter((s) => !accepted.includes(s)));
            break;
        }
        const call = (await entry.call?.(fx, who)) ?? {};
        const options: InjectOptions = {
          method: route.method.toUpperCase() as InjectOptions['method'],
          url: fill(route.path, call.params),
          ...(call.query ? { query: call.query } : {}),
          ...(call.body !== undefined ? { payload: call.body as InjectOptions['payload'] } : {}),
        };
        const response = await as.request(options);
        if (response.statusCode !== entry.expect[who]) {
          failures.push(
            `${route.key} as ${who}: expected ${entry.expect[who]}, got ${response.statusCode} ${response.body.slice(0, 200)}`,
          );
        }
        if (response.statusCode >= 400) {
          expect(response.json(), `${route.key} as ${who}: the error envelope`).toMatchObject({
            error: {
              code: expect.stringMatching(/^LETHE_E_/),
              message: expect.any(String),
              details: expect.any(Object),
            },
          });
        }
      }
    }
    expect(failures).toEqual([]);
    await fx.close();
  });
});
