import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { testTempDir } from '../support/temp-root.js';
import { type LetheProcess, startLethe } from './lethe-process.js';

/**
 * `lethe serve --processes N`, for real: the built CLI forks N HTTP processes (node:cluster) that share one port on
 * a fresh SQLite store; a dead one is replaced, a session made on one is valid on the others, SIGTERM stops them all.
 */

const adminPassword = 'processes-test-password-1';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over a connection of its own (no keep-alive), so that the cluster may hand it to any process. */
function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', agent: false, headers: { connection: 'close', ...options.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The live (not zombie) child processes of `pid`, read from /proc. */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended meanwhile
    }
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === pid && state !== 'Z') found.push(Number(entry));
  }
  return found.sort((a, b) => a - b);
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The pids that logged a request with one of these request ids (each HTTP process logs with its own pid). */
function pidsThatServed(stdout: string, requestIds: readonly string[]): Set<number> {
  const wanted = new Set(requestIds);
  const pids = new Set<number>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { pid?: number; reqId?: string };
      if (entry.reqId && wanted.has(entry.reqId) && entry.pid) pids.add(entry.pid);
    } catch {
      // not a log line
    }
  }
  return pids;
}

/** Makes `count` GETs of `path`, each on a new connection, and returns their statuses. */
async function manyGets(
  url: string,
  path: string,
  count: number,
  label: string,
  headers: Record<string, string> = {},
): Promise<{ statuses: number[]; ids: string[] }> {
  const ids = Array.from({ length: count }, (_, i) => `${label}-${i}`);
  const answers = await Promise.all(
    ids.map((id) => call(`${url}${path}`, { headers: { ...headers, 'x-request-id': id } })),
  );
  return { statuses: answers.map((a) => a.status), ids };
}

/** A config file in `dir` with these `server` settings and a store of its own. */
function configFile(dir: string, server: Record<string, unknown>): string {
  const file = join(dir, 'lethe.config.json');
  writeFileSync(file, JSON.stringify({ store: 'sqlite:lethe.db', files: 'files', server }, null, 2));
  return file;
}

function serve(name: string, dir: string, args: string[]): LetheProcess {
  return startLethe(name, args, {
    LETHE_ADMIN_PASSWORD: adminPassword,
    LETHE_LOG_LEVEL: 'info',
    LETHE_FILES: join(dir, 'files'),
  });
}

describe('lethe serve --processes 2 on an SQLite store', () => {
  let lethe: LetheProcess | undefined;
  let url = '';
  const started = (): LetheProcess => {
    if (!lethe) throw new Error('lethe serve did not start');
    return lethe;
  };

  beforeAll(async () => {
    const dir = testTempDir('lethe-processes-');
    // The config asks for 3: the option beats it.
    const config = configFile(dir, { processes: 3 });
    lethe = serve('serve --processes 2', dir, [
      '--config',
      config,
      'serve',
      '--processes',
      '2',
      '--port',
      '0',
      '--no-worker',
    ]);
    const [, served] = await lethe.waitForOutput(/Lethe is serving at (http:\/\/\S+)/, 30_000);
    url = served ?? '';
  }, 40_000);

  afterAll(async () => {
    const exit = await lethe?.stop(5_000);
    if (exit && (exit.code !== 0 || exit.signal)) console.error(lethe?.describe());
  });

  it('prints its URL once, runs 2 HTTP processes on one port, and every request succeeds', async () => {
    const primary = started();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url.endsWith(':0')).toBe(false);
    expect(primary.stdout.match(/Lethe is serving at/g)).toHaveLength(1);
    expect(childrenOf(primary.child.pid ?? 0)).toHaveLength(2);
    const { statuses, ids } = await manyGets(url, '/healthz', 40, 'health');
    expect(statuses).toEqual(statuses.map(() => 200));
    // The cluster spread the connections: both processes answered.
    await waitFor('the request logs', () =>
      pidsThatServed(primary.stdout, ids).size === 2 ? true : undefined,
    );
  });

  it('a login made through one process is valid in the others (sessions are in the store)', async () => {
    const primary = started();
    const login = await call(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'login-0' },
      body: JSON.stringify({ username: 'admin', password: adminPassword }),
    });
    expect(login.status, login.body).toBe(200);
    const cookie = (login.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.startsWith('lethe_session='));
    expect(cookie).toBeDefined();
    const { statuses, ids } = await manyGets(url, '/api/v1/session', 20, 'session', { cookie: cookie ?? '' });
    expect(statuses).toEqual(statuses.map(() => 200));
    const servedBy = await waitFor('the request logs', () => {
      const pids = pidsThatServed(primary.stdout, ids);
      return pids.size === 2 ? pids : undefined;
    });
    // Both processes accepted the session, wherever the login was made.
    expect([...servedBy].sort((a, b) => a - b)).toEqual(childrenOf(primary.child.pid ?? 0));
  });

  it('replaces a child that dies, and keeps answering', async () => {
    const primary = started();
    const pid = primary.child.pid ?? 0;
    const before = childrenOf(pid);
    expect(before).toHaveLength(2);
    const victim = before[0] ?? 0;
    process.kill(victim, 'SIGKILL');
    const after = await waitFor('a replacement process', () => {
      const now = childrenOf(pid);
      return now.length === 2 && !now.includes(victim) ? now : undefined;
    });
    expect(after).toContain(before[1]);
    await waitFor('the warning', () => (primary.stdout.includes('stopped unexpectedly') ? true : undefined));
    expect(primary.stdout).toMatch(
      new RegExp(`HTTP process \\(pid ${victim}\\) stopped unexpectedly \\(killed by SIGKILL\\)`),
    );
    // The replacement listens on the same port (requests may reach it before it does: the others answer those).
    const { statuses } = await manyGets(url, '/healthz', 40, 'after-kill');
    expect(statuses).toEqual(statuses.map(() => 200));
  });

  it('on SIGTERM stops every child and exits 0', async () => {
    const primary = started();
    const children = childrenOf(primary.child.pid ?? 0);
    expect(children).toHaveLength(2);
    const exit = await primary.stop(20_000);
    expect(exit, primary.describe()).toEqual({ code: 0, signal: null });
    await waitFor('the children to end', () => (children.some(alive) ? undefined : true), 5_000);
    expect(primary.stderr).toBe('');
  });
});

describe('lethe serve with server.processes in the config, and its worker', () => {
  it('forks the configured processes, runs the worker in the primary, and a child never outlives the primary', async () => {
    const dir = testTempDir('lethe-processes-config-');
    const config = configFile(dir, { processes: 2, port: 0 });
    const lethe = serve('serve (config processes 2)', dir, ['--config', config, 'serve']);
    try {
      await lethe.waitForOutput(/Lethe is serving at http:\/\/\S+/, 30_000);
      const pid = lethe.child.pid ?? 0;
      const children = childrenOf(pid);
      expect(children).toHaveLength(2);
      // The primary's worker ran the scheduled jobs (the children run no worker).
      const store = new SqliteDatabase(join(dir, 'lethe.db'), { readonly: true });
      try {
        await waitFor('a scheduled job to run', () => {
          const row = store
            .prepare('select count(*) as n from job_leases where last_run_at is not null')
            .get() as {
            n: number;
          };
          return row.n > 0 ? true : undefined;
        });
      } finally {
        store.close();
      }
      // Killed outright, the primary can't stop its children: they notice the lost channel and end.
      lethe.child.kill('SIGKILL');
      await lethe.exited;
      await waitFor('the children to end', () => (children.some(alive) ? undefined : true), 10_000);
    } finally {
      await lethe.stop(5_000);
    }
  });
});

describe('bad --processes values and children that keep dying', () => {
  it('refuses --processes 0 and abc, and server.processes 0 in the config, naming them', async () => {
    const dir = testTempDir('lethe-processes-bad-');
    const store = `sqlite:${join(dir, 'lethe.db')}`;
    for (const value of ['0', 'abc', '65']) {
      const run = await runCli(['--store', store, 'serve', '--processes', value, '--port', '0']);
      expect({ value, code: run.code }).toEqual({ value, code: 2 });
      expect(run.stderr).toContain(
        `error LETHE_E_INVALID_INPUT: --processes must be a whole number from 1 to 64, not "${value}".`,
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stdout).toBe('');
    }
    const config = configFile(dir, { processes: 0 });
    const run = await runCli(['--config', config, 'serve', '--port', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error LETHE_E_CONFIG_INVALID: .*lethe\.config\.json: server\.processes: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops, and exits 1 with a clear error, when the children keep dying at start (the port is taken)', async () => {
    const dir = testTempDir('lethe-processes-busy-');
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const lethe = serve('serve on a taken port', dir, [
        '--store',
        `sqlite:${join(dir, 'lethe.db')}`,
        'serve',
        '--processes',
        '2',
        '--port',
        String(port),
        '--no-worker',
      ]);
      const exit = await Promise.race([
        lethe.exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`still running\n${lethe.describe()}`)), 30_000),
        ),
      ]).finally(() => lethe.stop(5_000));
      expect(exit, lethe.describe()).toEqual({ code: 1, signal: null });
      expect(lethe.stderr).toContain('EADDRINUSE');
      expect(lethe.stderr).toMatch(
        /error: The HTTP processes keep stopping \(5 within 10 s, or 5 in a row at start, the last with exit code 1\), so Lethe stopped/,
      );
      expect(lethe.stdout).not.toContain('Lethe is serving at');
      // Four were replaced before the fifth death stopped it all.
      expect(lethe.stdout.match(/stopped unexpectedly \(exit code 1\); starting another/g)).toHaveLength(4);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
