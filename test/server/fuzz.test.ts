import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import { hashPassword } from '../../src/engine/accounts/index.js';
import type { OpenApiDocument } from '../../src/server/index.js';
import { describeEachStore } from '../support/stores.js';
import { type Caller, loginCaller, passwords, type ServerFixture, serverFixture } from './server-fixture.js';

const runs = Number(process.env['LETHE_FUZZ_RUNS'] ?? 12);

/** Values that reach deeper than random ones: real ids and names, edge numbers, long, empty and odd strings. */
const interesting = fc.constantFrom<unknown>(
  'ann',
  'ben',
  'tidy',
  'mine',
  'all-data',
  'active',
  'suspended',
  'deleted',
  'forum/posts',
  'delete',
  'anonymise',
  'userdata:config',
  'audit:read',
  '2024-01-01T00:00:00Z',
  '',
  ' ',
  'x'.repeat(300),
  '\u0000',
  '../../etc/passwd',
  "'; drop table subjects; --",
  1,
  0,
  -1,
  2 ** 31,
  2 ** 53,
  1.5,
  null,
  true,
  [],
  {},
);
const anyValue = fc.oneof(
  interesting,
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return 'x';
  }
}

const pathValue = fc.oneof(
  fc.constantFrom(
    'ann',
    'tidy',
    'mine',
    'authenticated',
    '1',
    '2',
    '0',
    '-1',
    '99999999999',
    '%',
    '..',
    'a/b',
    '%00',
  ),
  fc.string({ maxLength: 30 }),
  fc.integer().map(String),
);

function requestFor(path: string, method: string, op: OpenApiDocument['paths'][string][string]) {
  const bodySchema = op.requestBody?.content['application/json']?.schema as
    | { properties?: Record<string, unknown> }
    | undefined;
  const bodyNames = Object.keys(bodySchema?.properties ?? {});
  const queryNames = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const pathNames = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  const body = fc.oneof(
    fc.constant(undefined),
    anyValue,
    fc.dictionary(fc.constantFrom(...bodyNames, 'extra', '__proto__', 'constructor'), anyValue, {
      maxKeys: bodyNames.length + 1,
    }),
    fc.record(Object.fromEntries(bodyNames.map((n) => [n, anyValue]))),
  );
  const query = fc.dictionary(
    fc.constantFrom(...queryNames, 'zz'),
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('1', '-1', 'true', '2024-01-01', 'deleted'),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
    ),
    { maxKeys: queryNames.length + 1 },
  );
  const raw = fc.oneof(fc.constant('{"a":'), fc.constant('[1,2'), fc.string({ maxLength: 20 }));
  return fc
    .record({
      params: fc.tuple(...pathNames.map(() => pathValue)),
      query,
      body,
      raw: fc.option(raw, { freq: 8 }),
      who: fc.constantFrom('admin', 'admin', 'admin', 'anonymous', 'ann', 'token'),
    })
    .map((c): { who: string; options: InjectOptions } => {
      let i = 0;
      const url = path.replace(/\{[^}]+\}/g, () => safeEncode(c.params[i++] ?? 'x'));
      const options: InjectOptions = {
        method: method.toUpperCase() as InjectOptions['method'],
        url,
        query: c.query as Record<string, string>,
      };
      if (c.raw !== null) {
        options.payload = c.raw;
        options.headers = { 'content-type': 'application/json' };
      } else if (c.body !== undefined) {
        options.payload = JSON.stringify(c.body);
        options.headers = { 'content-type': 'application/json' };
      }
      return { who: c.who, options };
    });
}

/** Fuzzing as the admin may disable, lock out or log out the admin: put it back so the fuzz keeps reaching handlers. */
async function repairAdmin(fx: ServerFixture): Promise<Caller> {
  await fx.engine.db
    .updateTable('accounts')
    .set({ disabled: 0, password_hash: await hashPassword(passwords.admin) })
    .where('username', '=', 'admin')
    .execute();
  await fx.engine.db.deleteFrom('login_attempts').execute();
  return loginCaller(fx.app, 'admin', passwords.admin);
}

describeEachStore('fuzzing every route', ({ store }) => {
  it('never answers 500 to random input, and every error is an envelope', {
    timeout: Math.max(60_000, runs * 1500),
  }, async () => {
    // no API rate limit: with many runs the admin would get only 429s, and the fuzz would stop reaching handlers
    const fx = await serverFixture(store(), { rateLimit: { enabled: false } });
    const doc = (await fx.anonymous.request({ url: '/api/v1/openapi.json' })).json() as OpenApiDocument;
    const token = await fx.token([
      'subjects:read',
      'subjects:write',
      'exports:request',
      'exports:read',
      'purges:request',
      'reports:read',
      'config:read',
      'config:write',
      'audit:read',
    ]);
    let admin = fx.admin;
    const callers = (who: string): Caller =>
      who === 'admin' ? admin : who === 'ann' ? fx.ann : who === 'token' ? token : fx.anonymous;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        await fc.assert(
          fc.asyncProperty(requestFor(path, method, op), async ({ who, options }) => {
            const response = await callers(who).request(options);
            const where = `${method.toUpperCase()} ${options.url} as ${who}: ${String(options.payload ?? '').slice(0, 200)}`;
            expect(response.statusCode, `${where}\n${response.body.slice(0, 300)}`).toBeLessThan(500);
            if (response.statusCode >= 400) {
              expect(response.json(), where).toMatchObject({
                error: { code: expect.stringMatching(/^LETHE_E_/), message: expect.any(String) },
              });
              expect(response.body, where).not.toMatch(/\n\s+at /);
            }
            if (who === 'admin' && response.statusCode === 401) admin = await repairAdmin(fx);
          }),
          { numRuns: runs },
        );
      }
    }
    await fx.close();
  });
});
