import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, release, totalmem, type } from 'node:os';
import pg from 'pg';
import type { MachineDescription } from './results-report.js';

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The commit checked out in `root`, with `-dirty` when its working tree has changes (other than bench/RESULTS.md,
 * which each run rewrites); "unknown" outside git.
 */
export function describeCommit(root: string): string {
  const head = git(root, ['rev-parse', 'HEAD']);
  if (!head) return 'unknown';
  const status = git(root, ['status', '--porcelain', '--', '.', ':(exclude)bench/RESULTS.md']);
  return status ? `${head}-dirty` : head;
}

function osName(): string {
  const kernel = `${type()} ${release()} ${arch()}`;
  if (!existsSync('/etc/os-release')) return kernel;
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  return pretty ? `${pretty} (${kernel})` : kernel;
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ version: string }>('select version()');
    return result.rows[0]?.version ?? 'unknown';
  } finally {
    await client.end();
  }
}

/** The commit, the date, and the machine the benchmarks run on (PostgreSQL's version when a URL is given). */
export async function describeMachine(
  root: string,
  startedAt: Date,
  postgresUrl: string | undefined,
): Promise<MachineDescription> {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return {
    commit: describeCommit(root),
    date: startedAt.toISOString(),
    os: osName(),
    cpu,
    cpus: availableParallelism(),
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    postgres: postgresUrl ? await postgresVersion(postgresUrl) : undefined,
    load: undefined,
  };
}
