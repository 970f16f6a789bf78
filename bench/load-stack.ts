// The load bench's processes: `lethe serve --no-worker` and `lethe worker`s on one demo folder, each a real process
// started through bin/lethe.js, with its output in a log file; and an admin session on the server.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lethePath } from './run-lethe.js';

export interface LetheProcess {
  name: string;
  child: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

/** Starts `lethe --config <config> <args>` with its stdout and stderr in `log`. LETHE_STORE and LETHE_FILES are cleared. */
export function startLethe(name: string, config: string, args: string[], log: string): LetheProcess {
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, [lethePath(), '--config', config, ...args], {
    env: { ...process.env, LETHE_STORE: '', LETHE_FILES: '', LETHE_CONFIG: '' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  return { name, child, log, exited };
}

/** The last `chars` characters of a process's log. */
export function logTail(p: LetheProcess, chars = 2000): string {
  try {
    return readFileSync(p.log, 'utf8').slice(-chars);
  } catch {
    return '';
  }
}

/** Stops a process with SIGTERM (it finishes the work in hand), then SIGKILL after `graceMs`. */
export async function stopLethe(p: LetheProcess, graceMs = 15_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** CPU seconds (user and system) one process id has used so far, from /proc/<pid>/stat (100 ticks a second). */
function pidCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The ids of the processes whose parent is `pid` (the HTTP processes of `serve --processes N`). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // it ended meanwhile
    }
  }
  return out;
}

/**
 * CPU seconds (user and system) a process and its live children have used so far, from /proc (Linux); undefined
 * elsewhere. A child that ended meanwhile (a replaced HTTP process) takes its seconds with it: the bench checks
 * that none did.
 */
export function cpuSeconds(p: LetheProcess): number | undefined {
  const pid = p.child.pid;
  if (pid === undefined) return undefined;
  const own = pidCpuSeconds(pid);
  if (own === undefined) return undefined;
  return childPids(pid).reduce((sum, child) => sum + (pidCpuSeconds(child) ?? 0), own);
}

/**
 * CPU seconds (user and system) that the PostgreSQL server's processes on this machine have used so far (each
 * process named `postgres` in /proc); undefined when there are none (PostgreSQL elsewhere, or not Linux). A backend
 * that ended meanwhile takes its seconds with it, so this is a floor.
 */
export function postgresCpuSeconds(): number | undefined {
  let total: number | undefined;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      total = (total ?? 0) + (pidCpuSeconds(Number(entry)) ?? 0);
    } catch {
      // it ended meanwhile
    }
  }
  return total;
}

/** Waits until `lethe --json serve` has printed its URL. */
export async function serverUrl(p: LetheProcess, timeoutMs = 60_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const match = /"url": "(http:\/\/[^"]+)"/.exec(logTail(p, 1_000_000));
    if (match?.[1]) return match[1];
    if (p.child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`lethe serve did not start:\n${logTail(p)}`);
}

/** A logged-in console session: its cookie and CSRF token. */
export interface AdminSession {
  base: string;
  cookie: string;
  csrf: string;
}

export async function login(base: string, username: string, password: string): Promise<AdminSession> {
  const response = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok)
    throw new Error(`login as ${username} failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { csrfToken: string };
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { base, cookie, csrf: body.csrfToken };
}

/** One API call with the session; returns the status and the parsed body (undefined when not JSON). */
export async function api<T = unknown>(
  session: AdminSession,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${session.base}${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      ...(method === 'GET' ? {} : { 'x-csrf-token': session.csrf, 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed as T };
}

/** How many requests of a kind have a status, from the requests list's total. */
export async function countRequests(session: AdminSession, kind: string, status: string): Promise<number> {
  const r = await api<{ total: number }>(
    session,
    'GET',
    `/api/v1/requests?kind=${kind}&status=${status}&limit=1`,
  );
  if (r.status !== 200) throw new Error(`GET /api/v1/requests answered ${r.status}`);
  return r.body.total;
}

/** The server and its workers, with the admin session. */
export interface Stack {
  server: LetheProcess;
  workers: LetheProcess[];
  session: AdminSession;
}

/** `lethe --json serve --no-worker --port 0`, with `--processes N` when N > 1; its log is `<dir>/<name>.log`. */
export function startServe(dir: string, config: string, processes: number, name = 'serve'): LetheProcess {
  return startLethe(
    name,
    config,
    [
      '--json',
      'serve',
      '--no-worker',
      '--port',
      '0',
      ...(processes > 1 ? ['--processes', String(processes)] : []),
    ],
    join(dir, `${name}.log`),
  );
}

export async function startStack(
  dir: string,
  config: string,
  workers: number,
  admin: { username: string; password: string },
  processes = 1,
): Promise<Stack> {
  const server = startServe(dir, config, processes);
  const started: LetheProcess[] = [];
  try {
    const base = await serverUrl(server);
    for (let i = 1; i <= workers; i++) {
      started.push(startLethe(`worker ${i}`, config, ['worker'], join(dir, `worker-${i}.log`)));
    }
    const session = await login(base, admin.username, admin.password);
    return { server, workers: started, session };
  } catch (error) {
    await Promise.all([...started, server].map((p) => stopLethe(p, 2000)));
    throw error;
  }
}

export async function stopStack(stack: Stack): Promise<void> {
  await Promise.all(stack.workers.map((w) => stopLethe(w)));
  await stopLethe(stack.server);
}

/** The error lines (pino level 50 and up) of the server's log, shortened. */
export function serverErrors(p: LetheProcess): string[] {
  return logTail(p, 50_000_000)
    .split('\n')
    .filter((line) => /^\{"level":(5|6)\d/.test(line))
    .map((line) => line.slice(0, 1500));
}

/** What a worker's log says: requests finished (by status), and error lines (failed jobs, worker errors). */
export function workerLogSummary(p: LetheProcess): { finished: Record<string, number>; errors: string[] } {
  const text = logTail(p, 50_000_000);
  const finished: Record<string, number> = {};
  for (const m of text.matchAll(/^request \d+ \((?:purge|export)\) ([a-z-]+)/gm)) {
    const status = m[1] as string;
    finished[status] = (finished[status] ?? 0) + 1;
  }
  const errors = text
    .split('\n')
    .filter(
      (line) => /^(error: |job [a-z-]+ failed)/.test(line) || /SQLITE_BUSY|database is locked/.test(line),
    );
  return { finished, errors };
}
