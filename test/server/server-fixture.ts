import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ConfigInput } from '../../src/config/index.js';
import type { ApiScope } from '../../src/engine/accounts/index.js';
import { createAccount, createApiToken } from '../../src/engine/accounts/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { requestExport } from '../../src/engine/requests/index.js';
import { registerSubject } from '../../src/engine/subjects/index.js';
import { createExportType, createPurgeType } from '../../src/engine/types/index.js';
import { runWorker } from '../../src/engine/worker/index.js';
import { createServer, type ServerOptions } from '../../src/server/index.js';
import type { Store } from '../../src/store/index.js';
import { FakeData, fakeItem } from '../engine/fake-items.js';
import { testEngine } from '../support/engine.js';

export type Response = LightMyRequestResponse;

/** Someone calling the API: their credentials are added to every request. */
export interface Caller {
  name: string;
  request(options: InjectOptions): Promise<Response>;
}

export const passwords = {
  admin: 'admin-password',
  dpo: 'dpo-password',
  ann: 'ann-password',
  ben: 'ben-password',
} as const;

export interface ServerFixture {
  app: FastifyInstance;
  engine: Engine;
  data: FakeData;
  anonymous: Caller;
  admin: Caller;
  dpo: Caller;
  /** The self-service account of subject `ann`. */
  ann: Caller;
  /** The self-service account of subject `ben`. */
  ben: Caller;
  /** Logs in again: a new session of the same account. */
  login(username: keyof typeof passwords): Promise<Caller>;
  /** A caller with a new API token holding these scopes. */
  token(scopes: readonly ApiScope[], name?: string): Promise<Caller & { id: number; secret: string }>;
  /** Runs the queue once. */
  work(): Promise<void>;
  close(): Promise<void>;
}

/** The id of the fixture's account with this username. */
export async function accountId(fx: ServerFixture, username: string): Promise<number> {
  const row = await fx.engine.db
    .selectFrom('accounts')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export function caller(app: FastifyInstance, name: string, headers: Record<string, string>): Caller {
  return {
    name,
    request: (options) =>
      app.inject({ ...options, headers: { ...headers, ...(options.headers ?? {}) } } as InjectOptions),
  };
}

/** Logs in through the API; the caller sends the session cookie, and the CSRF token on unsafe methods. */
export async function loginCaller(app: FastifyInstance, username: string, password: string): Promise<Caller> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { username, password },
  });
  if (response.statusCode !== 200) throw new Error(`login of ${username} failed: ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'lethe_session');
  if (!cookie) throw new Error('no session cookie');
  const { csrfToken } = response.json() as { csrfToken: string };
  return caller(app, username, { cookie: `lethe_session=${cookie.value}`, 'x-csrf-token': csrfToken });
}

const itemKeys = ['forum/posts', 'blog/entries', 'profile/names'] as const;

/**
 * An engine with three fake items, subjects ann, ben and cal, an admin, a DPO, and self-service accounts for ann
 * and ben, an export type `mine` (allowSelf) and a manual purge type `tidy` for active subjects; and a server over it.
 */
export async function serverFixture(
  store: Store,
  options: ServerOptions = {},
  config: ConfigInput = {},
): Promise<ServerFixture> {
  const data = new FakeData();
  const items = itemKeys.map((key, i) => {
    const [component, name] = key.split('/') as [string, string];
    return fakeItem(data, component, name, { sortOrder: i });
  });
  const engine = testEngine(store, items, config);
  for (const id of ['ann', 'ben', 'cal']) {
    await registerSubject(engine, 'cli', {
      id,
      username: id,
      email: `${id}@example.org`,
      fullName: id.toUpperCase(),
    });
    for (const key of itemKeys) data.put(key, id, [`${key} of ${id}`]);
  }
  await createExportType(engine, 'cli', {
    idnumber: 'mine',
    name: 'My data',
    allowSelf: true,
    items: ['forum/posts'],
  });
  await createPurgeType(engine, 'cli', {
    idnumber: 'tidy',
    name: 'Tidy forum',
    status: 'active',
    allowManual: true,
    items: [{ key: 'forum/posts', mode: 'delete' }],
  });
  await createAccount(engine, 'cli', {
    username: 'admin',
    password: passwords.admin,
    roles: ['administrator'],
  });
  await createAccount(engine, 'cli', {
    username: 'dpo',
    password: passwords.dpo,
    roles: ['data-protection-officer'],
  });
  await createAccount(engine, 'cli', { username: 'ann', password: passwords.ann, subjectId: 'ann' });
  await createAccount(engine, 'cli', { username: 'ben', password: passwords.ben, subjectId: 'ben' });
  const app = createServer(engine, options);
  const login = (username: keyof typeof passwords) => loginCaller(app, username, passwords[username]);
  const [admin, dpo, ann, ben] = await Promise.all([
    login('admin'),
    login('dpo'),
    login('ann'),
    login('ben'),
  ]);
  return {
    app,
    engine,
    data,
    anonymous: caller(app, 'anonymous', {}),
    admin,
    dpo,
    ann,
    ben,
    login,
    async token(scopes, name = 'test') {
      const { token, secret } = await createApiToken(engine, 'cli', { name, scopes: [...scopes] });
      return {
        ...caller(app, `token(${scopes.join(',')})`, { authorization: `Bearer ${secret}` }),
        id: token.id,
        secret,
      };
    },
    async work() {
      await runWorker(engine, { once: true, jobs: 'none' });
    },
    close: () => app.close(),
  };
}

/** Makes sure a subject has an available export package, and returns its request id and download token. */
export async function availableExport(
  fx: ServerFixture,
  subjectId: string,
): Promise<{ id: number; token: string }> {
  const open = await fx.engine.db
    .selectFrom('requests')
    .select(['id', 'status', 'download_token'])
    .where('subject_id', '=', subjectId)
    .where('kind', '=', 'export')
    .where('status', 'in', ['pending', 'running', 'succeeded'])
    .executeTakeFirst();
  if (open?.status === 'succeeded' && open.download_token)
    return { id: Number(open.id), token: open.download_token };
  if (!open) await requestExport(fx.engine, 'cli', { subjectId, type: 'mine', origin: 'admin' });
  await fx.work();
  return availableExport(fx, subjectId);
}
