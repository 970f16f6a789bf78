import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, scanDatabase } from '../../src/connectors/sql/index.js';
import { openStore } from '../../src/store/index.js';
import { repoRoot, runCli } from '../support/cli.js';
import { readZipEntries } from '../support/read-zip-entries.js';
import { closedPort, startSmtp, type TestSmtp } from '../support/smtp.js';
import { createPgSchema, dropPgSchema } from '../support/stores.js';
import { type LetheProcess, type LogLine, startLethe } from './lethe-process.js';
import { findSecrets, type Secret, type SecretHit, secretForms } from './secret-variants.js';

/**
 * Issue 8: secrets (the HMAC key, the SMTP password, API tokens, passwords, session cookies, download tokens, store
 * and database URL passwords) never appear in logs or exports. A full scenario runs against real `lethe serve` and
 * `lethe worker` processes at the most verbose log level, including failing calls, and then every line they wrote,
 * the export package, the mail and every row of the store are searched for each secret in its usual encodings.
 */

type BuildDemo = typeof import('../../examples/campus/demo/build-demo.js').buildDemo;

interface Subject {
  id: string;
  username: string;
  email: string;
  status: string;
}

interface RequestView {
  id: number;
  status: string;
  error: string | null;
  downloadUrl: string | null;
}

/** A distinctive value: `label` then random hex, so that any trace of it is unmistakable. */
function distinctive(label: string, extra = ''): string {
  return `${label}${extra}${randomBytes(12).toString('hex')}`;
}

const dialects = process.env['LETHE_TEST_PG'] ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

/**
 * Where a secret is on purpose, as it is: the CSRF token is compared as it is; the download token is the download
 * link, which staff and the host application see on the request, and which the export-ready mail of `lethe serve`'s
 * worker holds (in the outbox too). The link works only for the package's owner, logged in, or staff.
 */
const onPurpose: { where: string; secret: string }[] = [
  { where: 'sessions.csrf_token', secret: 'csrf token' },
  { where: 'requests.download_token', secret: 'download token' },
  { where: 'outbox.body', secret: 'download token' },
  { where: 'mail to ', secret: 'download token' },
  { where: 'GET /api/v1/outbox', secret: 'download token' },
  { where: 'GET /api/v1/requests/', secret: 'download token' },
];

/** The hits that are not on purpose. */
function unexpected(hits: SecretHit[]): SecretHit[] {
  return hits.filter(
    (h) => !(h.form === 'raw' && onPurpose.some((p) => h.where.startsWith(p.where) && h.secret === p.secret)),
  );
}

/** A mail's text with its quoted-printable soft line breaks and escapes undone, so that nothing hides in them. */
function unquote(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

for (const dialect of dialects) {
  describe(`secrets stay out of logs, exports and the store [${dialect}]`, () => {
    const secrets = {
      hashKey: distinctive('hmac-key-'),
      smtpPass: distinctive('smtp-pass-', ' +/=&%'),
      adminPass: distinctive('admin pw ', '+/=&%'),
      wrongPass: distinctive('typo pw ', '+/'),
      accountPass: distinctive('dpo-pass-', '?&='),
      storePass: distinctive('store-pass-'),
      databasePass: distinctive('database-pass-'),
      wrongToken: `lethe_${randomBytes(32).toString('base64url')}`,
      wrongCsrf: distinctive('csrf-guess-'),
      bogusSession: distinctive('session-guess-'),
    };
    const smtpUser = 'lethe-mailer';
    // Learned during the scenario.
    let apiToken = '';
    let firstSession = { cookie: '', csrf: '' };
    let sessionCookie = '';
    let csrfToken = '';
    let downloadToken = '';

    let dir = '';
    let pgSchema: string | undefined;
    let smtp: TestSmtp;
    let serve: LetheProcess | undefined;
    let worker: LetheProcess | undefined;
    const cliLines: LogLine[] = [];
    let packageEntries = new Map<string, string>();
    let storeRows: { table: string; column: string; value: string }[] = [];
    let purged: { before: string; after: string } | undefined;
    let refusedMailError = '';
    /** What the API answered to reads that must never show a secret (settings, tokens, audit, outbox, ...). */
    const apiAnswers: { path: string; body: string }[] = [];
    /** Drafts that `dataset scan` wrote from URLs with a password. */
    const drafts: { where: string; text: string }[] = [];
    const serveLogs = { levels: new Set<number>(), status: new Set<number>() };

    function allSecrets(): Secret[] {
      const list: Secret[] = [
        { name: 'hash key', value: secrets.hashKey },
        {
          name: 'smtp password',
          value: secrets.smtpPass,
          // AUTH PLAIN sends base64("\0user\0pass"); AUTH LOGIN sends base64(pass) alone.
          extra: [Buffer.from(`\u0000${smtpUser}\u0000${secrets.smtpPass}`).toString('base64')],
        },
        {
          name: 'admin password',
          value: secrets.adminPass,
          extra: [Buffer.from(`admin:${secrets.adminPass}`).toString('base64')],
        },
        { name: 'mistyped password', value: secrets.wrongPass },
        { name: 'new account password', value: secrets.accountPass },
        { name: 'store URL password', value: secrets.storePass },
        { name: 'database URL password', value: secrets.databasePass },
        { name: 'unknown api token', value: secrets.wrongToken },
        { name: 'guessed csrf token', value: secrets.wrongCsrf },
        { name: 'guessed session', value: secrets.bogusSession },
      ];
      if (apiToken) list.push({ name: 'api token', value: apiToken });
      if (firstSession.cookie) list.push({ name: 'session cookie', value: firstSession.cookie });
      if (firstSession.csrf) list.push({ name: 'csrf token', value: firstSession.csrf });
      if (sessionCookie) list.push({ name: 'session cookie', value: sessionCookie });
      if (csrfToken) list.push({ name: 'csrf token', value: csrfToken });
      if (downloadToken) list.push({ name: 'download token', value: downloadToken });
      return list;
    }

    function logLines(): LogLine[] {
      return [...(serve?.lines ?? []), ...(worker?.lines ?? []), ...cliLines];
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lethe-secrets-'));
      smtp = await startSmtp({ auth: { user: smtpUser, pass: secrets.smtpPass } });
      // The first send fails at the login, so that the failure, its error and its retry are all exercised.
      smtp.refuseLogins = true;

      let store: string | undefined;
      if (dialect === 'postgres') {
        const base = process.env['LETHE_TEST_PG'] ?? '';
        pgSchema = await createPgSchema(base);
        // The test server trusts local connections, so the password is sent nowhere, but Lethe holds it all along.
        const url = new URL(base);
        url.password = secrets.storePass;
        url.searchParams.set('schema', pgSchema);
        store = url.toString();
      }
      // The built demo (as `lethe demo` builds it), with this scenario's secrets and quick scheduled jobs.
      const buildDemoModule = join(repoRoot, 'dist', 'examples', 'campus', 'demo', 'build-demo.js');
      if (!existsSync(buildDemoModule)) throw new Error('Lethe is not built: run `npm run build` first.');
      const built = (await import(buildDemoModule)) as {
        buildDemo: BuildDemo;
      };
      const demo = await built.buildDemo({
        dir,
        users: 30,
        seed: 8,
        config: {
          hashKey: secrets.hashKey,
          smtp: {
            host: '127.0.0.1',
            port: smtp.port,
            user: smtpUser,
            pass: secrets.smtpPass,
            from: 'lethe@campus.example',
            maxAttempts: 5,
            retrySeconds: 0.2,
          },
          worker: { purgeScanInterval: 1, maintenanceInterval: 1, pollMs: 100 },
          ...(store ? { store } : {}),
        },
      });
      const config = demo.configFile;
      const env = {
        ...process.env,
        LETHE_STORE: '',
        LETHE_CONFIG: '',
        PORT: '',
        LETHE_LOG_LEVEL: 'trace',
        LETHE_DEBUG: '1',
      };
      // `lethe serve` runs a worker of its own (its events are logged at debug level); `lethe worker` is another.
      serve = startLethe('serve', ['--config', config, 'serve', '--port', '0'], env);
      worker = startLethe('worker', ['--config', config, 'worker'], env);
      const base = (await serve.waitFor(/Lethe is serving at (http:\/\/\S+)/))[1] as string;

      const api = async (
        method: string,
        path: string,
        options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
      ) => {
        const headers: Record<string, string> = { ...options.headers };
        let body: string | undefined;
        if (options.raw !== undefined) body = options.raw;
        else if (options.body !== undefined) body = JSON.stringify(options.body);
        if (body !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(`${base}${path}`, { method, headers, ...(body ? { body } : {}) });
        const type = response.headers.get('content-type') ?? '';
        const data: unknown = type.includes('json') ? await response.json() : await response.arrayBuffer();
        return { status: response.status, data, headers: response.headers };
      };
      const json = <T>(r: { data: unknown }) => r.data as T;
      const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

      // --- An administrator: the demo password becomes a secret one; failed logins on the way.
      const first = await api('POST', '/api/v1/session', {
        body: { username: demo.logins.admin.username, password: demo.logins.admin.password },
      });
      expect(first.status).toBe(200);
      firstSession = {
        cookie: /lethe_session=([^;]+)/.exec(first.headers.get('set-cookie') ?? '')?.[1] ?? '',
        csrf: json<{ csrfToken: string }>(first).csrfToken,
      };
      const demoSession = {
        cookie: `lethe_session=${firstSession.cookie}`,
        'x-csrf-token': firstSession.csrf,
      };
      expect(
        (
          await api('POST', '/api/v1/session/password', {
            body: { currentPassword: demo.logins.admin.password, newPassword: secrets.adminPass },
            headers: demoSession,
          })
        ).status,
      ).toBe(204);
      expect((await api('DELETE', '/api/v1/session', { headers: demoSession })).status).toBe(204);
      expect(
        (await api('POST', '/api/v1/session', { body: { username: 'admin', password: secrets.wrongPass } }))
          .status,
      ).toBe(401);
      // Bodies that do not parse, or do not fit the schema, with the password in them.
      expect(
        (
          await api('POST', '/api/v1/session', {
            raw: `{"username":"admin","password":"${secrets.adminPass}"`,
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await api('POST', '/api/v1/session', {
            raw: `{"username":"admin","password":${secrets.adminPass}}`,
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await api('POST', '/api/v1/session', {
            body: { username: 'admin', password: secrets.adminPass, remember: secrets.adminPass },
          })
        ).status,
      ).toBe(400);
      // Basic authentication is not how Lethe logs in.
      expect(
        (
          await api('GET', '/api/v1/session', {
            headers: {
              authorization: `Basic ${Buffer.from(`admin:${secrets.adminPass}`).toString('base64')}`,
            },
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await api('GET', '/api/v1/session', {
            headers: { cookie: `lethe_session=${secrets.bogusSession}` },
          })
        ).status,
      ).toBe(401);

      const login = await api('POST', '/api/v1/session', {
        body: { username: 'admin', password: secrets.adminPass },
      });
      expect(login.status).toBe(200);
      sessionCookie = /lethe_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
      csrfToken = json<{ csrfToken: string }>(login).csrfToken;
      expect(sessionCookie).not.toBe('');
      const session = { cookie: `lethe_session=${sessionCookie}`, 'x-csrf-token': csrfToken };
      expect(
        (
          await api('POST', '/api/v1/tokens', {
            body: { name: 'refused', scopes: ['subjects:read'] },
            headers: { ...session, 'x-csrf-token': secrets.wrongCsrf },
          })
        ).status,
      ).toBe(403);

      // --- An account with a password, and one whose password is refused (too long).
      expect(
        (
          await api('POST', '/api/v1/accounts', {
            body: {
              username: 'dpo',
              displayName: 'DPO',
              password: secrets.accountPass,
              roles: ['data-protection-officer'],
            },
            headers: session,
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await api('POST', '/api/v1/accounts', {
            body: { username: 'dpo2', password: secrets.accountPass.repeat(10) },
            headers: session,
          })
        ).status,
      ).toBe(400);

      // --- An API token for the host application, used in the Authorization header.
      const created = await api('POST', '/api/v1/tokens', {
        body: {
          name: 'campus',
          scopes: [
            'subjects:read',
            'subjects:write',
            'exports:request',
            'exports:read',
            'purges:request',
            'reports:read',
          ],
        },
        headers: session,
      });
      expect(created.status).toBe(201);
      apiToken = json<{ secret: string; token: { id: number } }>(created).secret;
      const tokenId = json<{ token: { id: number } }>(created).token.id;
      const host = bearer(apiToken);

      expect((await api('GET', '/api/v1/subjects', { headers: bearer(secrets.wrongToken) })).status).toBe(
        401,
      );
      expect(
        (await api('GET', '/api/v1/subjects', { headers: { authorization: `Token ${apiToken}` } })).status,
      ).toBe(401);
      const learners = json<{ subjects: Subject[] }>(
        await api('GET', '/api/v1/subjects?status=active&kind=learner&limit=50', { headers: host }),
      ).subjects.filter((s) => s.email !== '');
      expect(learners.length).toBeGreaterThanOrEqual(3);
      const [exported, deleted, cleaned] = learners as [Subject, Subject, Subject];

      // Bad payloads from the host application.
      expect(
        (
          await api('POST', '/api/v1/requests/exports', {
            body: { subjectId: 'nobody', type: 'all-data' },
            headers: host,
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await api('POST', '/api/v1/requests/exports', {
            body: { subjectId: exported.id, type: 'all-data', token: apiToken },
            headers: host,
          })
        ).status,
      ).toBe(400);
      expect(
        (await api('POST', '/api/v1/requests/exports', { raw: `{"subjectId": ${apiToken}}`, headers: host }))
          .status,
      ).toBe(400);
      expect(
        (
          await api('POST', `/api/v1/subjects/${deleted.id}/status`, {
            body: { status: 'gone' },
            headers: host,
          })
        ).status,
      ).toBe(400);

      // --- A purge with `hash` (user/username, for deleted users), an active user's manual purge, and an export.
      expect(
        (
          await api('POST', `/api/v1/subjects/${deleted.id}/status`, {
            body: { status: 'deleted', reason: 'left the campus' },
            headers: host,
          })
        ).status,
      ).toBe(200);
      const manual = await api('POST', '/api/v1/requests/purges', {
        body: { subjectId: cleaned.id, type: 'forum-cleanup', confirmActive: true },
        headers: host,
      });
      expect(manual.status).toBe(201);
      const exportRequest = await api('POST', '/api/v1/requests/exports', {
        body: { subjectId: exported.id, type: 'all-data' },
        headers: host,
      });
      expect(exportRequest.status).toBe(201);
      const exportId = json<RequestView>(exportRequest).id;

      const finished = (id: number) => async () => {
        const r = json<RequestView>(await api('GET', `/api/v1/requests/${id}`, { headers: host }));
        return ['succeeded', 'failed', 'cancelled', 'timed-out'].includes(r.status) ? r : undefined;
      };
      const exportDone = await until('the export', finished(exportId), 90_000);
      expect(exportDone.status, exportDone.error ?? '').toBe('succeeded');
      expect((await until('the manual purge', finished(json<RequestView>(manual).id), 90_000)).status).toBe(
        'succeeded',
      );
      const automatic = await until(
        'the automatic purge',
        async () => {
          const page = json<{ requests: RequestView[] }>(
            await api('GET', `/api/v1/requests?kind=purge&subjectId=${encodeURIComponent(deleted.id)}`, {
              headers: host,
            }),
          );
          return page.requests.find((r) => r.status === 'succeeded');
        },
        90_000,
      );
      expect(automatic.status).toBe('succeeded');
      const campus = new SqliteDatabase(join(dir, 'campus.db'), { readonly: true });
      try {
        const row = campus.prepare('select username from users where id = ?').get(Number(deleted.id)) as {
          username: string;
        };
        purged = { before: deleted.username, after: row.username };
      } finally {
        campus.close();
      }

      // --- The mail: its first try fails at the login, the retry job sends it once logins work.
      const refused = await until('the refused mail in the outbox', async () => {
        const page = json<{
          messages: { id: number; recipient: string; status: string; error: string | null }[];
        }>(await api('GET', '/api/v1/outbox', { headers: session }));
        return page.messages.find((m) => m.recipient === exported.email && m.error !== null);
      });
      refusedMailError = refused.error ?? '';
      smtp.refuseLogins = false;
      // A refused login is retried by the outbox-retry job; had its tries run out, the administrator requeues it.
      if (refused.status === 'failed') {
        expect(
          (await api('POST', '/api/v1/outbox/retry', { body: { allFailed: true }, headers: session })).status,
        ).toBe(200);
      }
      await until('the export-ready mail', async () =>
        smtp.received.some((m) => m.to.includes(exported.email)) ? true : undefined,
      );

      // --- The download, by the host application's token; then wrong links.
      expect(exportDone.downloadUrl).toMatch(/^\/api\/v1\/downloads\/[0-9a-f]{64}$/);
      downloadToken = (exportDone.downloadUrl ?? '').split('/').pop() ?? '';
      const zip = await api('GET', exportDone.downloadUrl ?? '', { headers: host });
      expect(zip.status).toBe(200);
      const zipFile = join(dir, 'downloaded.zip');
      writeFileSync(zipFile, Buffer.from(zip.data as ArrayBuffer));
      packageEntries = await readZipEntries(zipFile);
      expect(
        (
          await api('GET', `/api/v1/downloads/${downloadToken}`, {
            headers: bearer(secrets.wrongToken),
          })
        ).status,
      ).toBe(401);
      expect(
        (await api('GET', `/api/v1/downloads/${downloadToken.slice(0, 40)}x`, { headers: host })).status,
      ).toBe(404);

      // --- What the console and the host read back: never a secret (nor the token's secret, nor SMTP's password).
      for (const path of [
        '/api/v1/settings',
        '/api/v1/tokens',
        '/api/v1/accounts',
        '/api/v1/audit?limit=500',
        '/api/v1/outbox',
        '/api/v1/items',
        `/api/v1/requests/${exportId}`,
      ]) {
        const read = await api('GET', path, { headers: session });
        expect(read.status, path).toBe(200);
        apiAnswers.push({ path, body: JSON.stringify(read.data) });
      }

      // --- The token is revoked and refused; the administrator logs out.
      expect((await api('DELETE', `/api/v1/tokens/${tokenId}`, { headers: session })).status).toBe(200);
      expect((await api('GET', '/api/v1/subjects', { headers: host })).status).toBe(401);
      expect((await api('DELETE', '/api/v1/session', { headers: session })).status).toBe(204);

      // --- Stores and host databases that cannot be reached, with passwords in their URLs.
      const port = await closedPort();
      for (const args of [
        ['--store', `postgres://lethe:${secrets.storePass}@127.0.0.1:${port}/lethe`, 'subjects', 'list'],
        // a URL that does not parse (its port), and one of a kind the store does not support
        ['--store', `postgres://lethe:${secrets.storePass}@127.0.0.1:99999/lethe`, 'subjects', 'list'],
        ['--store', `mysql://lethe:${secrets.storePass}@127.0.0.1/lethe`, '--json', 'subjects', 'list'],
        [
          '--store',
          `postgres://lethe:${secrets.storePass}@127.0.0.1:${port}/lethe`,
          '--json',
          'subjects',
          'list',
        ],
        ['dataset', 'scan', '--db', `postgres://lethe:${secrets.databasePass}@127.0.0.1:${port}/campus`],
        ['dataset', 'scan', '--db', `mysql://lethe:${secrets.databasePass}@127.0.0.1:${port}/campus`],
        [
          '--config',
          config,
          'dataset',
          'check',
          join(dir, 'dataset.yaml'),
          '--db',
          `mysql://lethe:${secrets.databasePass}@127.0.0.1:${port}/campus`,
        ],
      ]) {
        const run = await runCli(args, { env: { LETHE_DEBUG: '1', LETHE_LOG_LEVEL: 'trace' } });
        expect(run.code, `${args.join(' ')}: ${run.stdout}${run.stderr}`).not.toBe(0);
        for (const text of run.stdout.split('\n'))
          cliLines.push({ stream: `cli ${args[2] ?? ''}:stdout`, text });
        for (const text of run.stderr.split('\n'))
          cliLines.push({ stream: `cli ${args[2] ?? ''}:stderr`, text });
      }

      // A draft dataset from a URL with a password: the password is not written into it.
      const connection = await openConnection(`sqlite:${join(dir, 'campus.db')}`, { readOnly: true });
      try {
        drafts.push({
          where: 'scanDatabase draft',
          text: await scanDatabase(connection, {
            databaseUrl: `postgres://campus:${secrets.databasePass}@db.campus.example/campus`,
          }),
        });
      } finally {
        await connection.close();
      }
      if (pgSchema) {
        const url = new URL(process.env['LETHE_TEST_PG'] ?? '');
        url.password = secrets.databasePass;
        url.searchParams.set('schema', pgSchema);
        const draftFile = join(dir, 'draft.yaml');
        const scan = await runCli(['dataset', 'scan', '--db', url.toString(), '--output', draftFile]);
        expect(scan.code, scan.stderr).toBe(0);
        cliLines.push(...[scan.stdout, scan.stderr].map((text) => ({ stream: 'cli dataset scan', text })));
        drafts.push({ where: 'dataset scan --output', text: readFileSync(draftFile, 'utf8') });
      }

      // Graceful stops, so that shutdown logs are kept too.
      await Promise.all([serve.stop(), worker.stop()]);

      for (const line of serve.lines) {
        if (!line.text.startsWith('{')) continue;
        const entry = JSON.parse(line.text) as { level?: number; res?: { statusCode?: number } };
        if (entry.level) serveLogs.levels.add(entry.level);
        if (entry.res?.statusCode) serveLogs.status.add(entry.res.statusCode);
      }

      // Every row of every table of the store.
      const opened = await openStore(store ?? `sqlite:${join(dir, 'lethe.db')}`, { migrate: false });
      try {
        const tables = (await opened.db.introspection.getTables()).filter(
          (t) => !t.isView && (opened.schema === undefined || t.schema === opened.schema),
        );
        expect(tables.map((t) => t.name)).toEqual(
          expect.arrayContaining(['audit_events', 'outbox', 'requests']),
        );
        storeRows = [];
        for (const table of tables) {
          const rows = (await sql`select * from ${sql.table(table.name)}`.execute(opened.db)).rows as Record<
            string,
            unknown
          >[];
          for (const row of rows) {
            for (const [column, value] of Object.entries(row)) {
              if (value === null || value === undefined) continue;
              storeRows.push({
                table: table.name,
                column,
                value: Buffer.isBuffer(value) ? value.toString('utf8') : String(value),
              });
            }
          }
        }
      } finally {
        await opened.close();
      }
    }, 300_000);

    afterAll(async () => {
      await Promise.all([serve?.stop(2000), worker?.stop(2000)]);
      await smtp?.close();
      if (pgSchema) await dropPgSchema(process.env['LETHE_TEST_PG'] ?? '', pgSchema);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('ran the whole scenario: verbose logs, failed calls, a hashed purge, a failed then sent mail, a download', () => {
      const lines = logLines();
      // LETHE_LOG_LEVEL=trace: debug lines (the worker's events) are logged, not only info and above
      expect([...serveLogs.levels]).toEqual(expect.arrayContaining([20, 30]));
      expect([...serveLogs.status]).toEqual(expect.arrayContaining([200, 201, 204, 400, 401, 403, 404]));
      expect(
        lines.some((l) => /\(export\) succeeded|"kind":"export","status":"succeeded"/.test(l.text)),
      ).toBe(true);
      expect(worker?.lines.some((l) => /^job [\w-]+: /.test(l.text))).toBe(true);
      expect(lines.filter((l) => l.stream.startsWith('cli')).some((l) => /LETHE_E_\w+/.test(l.text))).toBe(
        true,
      );
      // the purge hashed the username with the configured key
      expect(purged?.after).toBe(
        createHmac('sha256', secrets.hashKey)
          .update(purged?.before ?? '')
          .digest('hex'),
      );
      expect(smtp.logins).toEqual({ accepted: expect.any(Number), refused: expect.any(Number) });
      expect(smtp.logins.refused).toBeGreaterThan(0);
      expect(smtp.logins.accepted).toBeGreaterThan(0);
      expect(refusedMailError).toMatch(/535|login|auth/i);
      expect(apiAnswers.map((a) => a.path)).toContain('/api/v1/settings');
      expect(drafts.every((d) => /^database: \S+:\*\*\*@/m.test(d.text))).toBe(true);
      expect(packageEntries.has('manifest.json')).toBe(true);
      expect(packageEntries.has('data.json')).toBe(true);
      expect(apiToken).toMatch(/^lethe_/);
      expect(downloadToken).toMatch(/^[0-9a-f]{64}$/);
    });

    it('finds a secret that is there, in any of its forms (the search itself works)', () => {
      const secret: Secret = { name: 'planted', value: secrets.adminPass };
      for (const { text } of secretForms(secret)) {
        expect(findSecrets('planted', `{"msg":"x ${text} y"}`, [secret])).not.toEqual([]);
      }
      expect(findSecrets('clean', 'nothing to see', allSecrets())).toEqual([]);
    });

    it('writes no secret to any log line of serve, worker or the CLI', () => {
      const hits: SecretHit[] = [];
      for (const line of logLines()) hits.push(...findSecrets(line.stream, line.text, allSecrets()));
      expect(unexpected(hits)).toEqual([]);
    });

    it('shows no secret in what the API answers to reads, nor in the error of the refused mail', () => {
      const hits: SecretHit[] = [];
      for (const answer of apiAnswers)
        hits.push(...findSecrets(`GET ${answer.path}`, answer.body, allSecrets()));
      hits.push(...findSecrets('outbox error of the refused mail', refusedMailError, allSecrets()));
      expect(unexpected(hits)).toEqual([]);
    });

    it('writes no database password into a dataset draft', () => {
      const hits: SecretHit[] = [];
      for (const draft of drafts) hits.push(...findSecrets(draft.where, draft.text, allSecrets()));
      expect(unexpected(hits)).toEqual([]);
    });

    it('puts no secret in the export package', () => {
      const hits: SecretHit[] = [];
      for (const [name, text] of packageEntries)
        hits.push(...findSecrets(`package ${name}`, text, allSecrets()));
      expect(unexpected(hits)).toEqual([]);
    });

    it('puts no secret in the mail it sent', () => {
      const hits: SecretHit[] = [];
      for (const mail of smtp.received) {
        hits.push(...findSecrets(`mail to ${mail.to}`, mail.raw, allSecrets()));
        hits.push(...findSecrets(`mail to ${mail.to} (decoded)`, unquote(mail.raw), allSecrets()));
      }
      expect(unexpected(hits)).toEqual([]);
    });

    it('keeps no secret in the store (audit trail, outbox, sessions, ...), but for the columns that are the secret', () => {
      const hits: SecretHit[] = [];
      for (const row of storeRows)
        hits.push(...findSecrets(`${row.table}.${row.column}`, row.value, allSecrets()));
      expect(unexpected(hits)).toEqual([]);
      const audit = storeRows.filter((r) => r.table === 'audit_events');
      expect(audit.length).toBeGreaterThan(0);
      expect(storeRows.some((r) => r.table === 'outbox')).toBe(true);
    });
  });
}
