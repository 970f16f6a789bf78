import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { WorkerEvent } from '../../src/engine/worker/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');

export interface FaultWorker {
  child: ChildProcess;
  /** The worker events printed so far. */
  events(): WorkerEvent[];
  stderr(): string;
  /** Resolves when the process has ended, with how and what it printed last (its summary, if any). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; summary: unknown }>;
  /** Waits for the process to end by itself (SIGKILL after `ms`). */
  ended(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; summary: unknown }>;
  /** SIGTERM, then the exit (SIGKILL after `ms` if it does not end). */
  stop(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; summary: unknown }>;
}

/** Starts test/faults/fault-worker.ts in its own Node process (TypeScript through tsx). */
export function startFaultWorker(env: Record<string, string>): FaultWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fault-worker.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event?: WorkerEvent; summary?: unknown });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; summary: unknown }>(
    (resolve) =>
      child.on('close', (code, signal) =>
        resolve({ code, signal, summary: lines().find((l) => l.summary !== undefined)?.summary }),
      ),
  );
  const endWithin = async (ms: number) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    child,
    events: () => lines().flatMap((l) => (l.event ? [l.event] : [])),
    stderr: () => err,
    exited,
    ended: (ms = 30_000) => endWithin(ms),
    stop(ms = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return endWithin(ms);
    },
  };
}

/** A PostgreSQL application_name of its own, so that a test can find (and cut) only its worker's sessions. */
export function faultAppName(what: string): string {
  return `lethe_fault_${what}_${randomBytes(4).toString('hex')}`;
}

/** The store URL a fault worker opens: the server's URL with the store's schema and an application_name. */
export function faultStoreUrl(serverUrl: string, schema: string, applicationName: string): string {
  const url = new URL(serverUrl);
  url.searchParams.set('schema', schema);
  url.searchParams.set('application_name', applicationName);
  return url.toString();
}

/** Ends every session with this application_name (and no other); returns how many it ended. */
export async function terminateSessions(serverUrl: string, applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const result = await client.query<{ ended: boolean }>(
      `select pg_terminate_backend(pid) as ended from pg_stat_activity
        where application_name = $1 and pid <> pg_backend_pid()`,
      [applicationName],
    );
    return result.rows.filter((r) => r.ended).length;
  } finally {
    await client.end();
  }
}
