import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lethePath, repoRoot } from '../../support/cli.js';

export interface CliProcess {
  child: ChildProcess;
  /** When it was started (Date.now()). */
  startedAt: number;
  /** Resolves when it has ended: its exit code or signal, when, and what it printed. */
  exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    endedAt: number;
    stdout: string;
    stderr: string;
  }>;
  /** Whether it has ended already. */
  ended(): boolean;
}

/**
 * Starts the built `lethe` CLI (`npm run build` first) as a process of its own that a test can kill, unlike
 * runCli, which only waits for it. LETHE_STORE is emptied, so the config file names the store.
 */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): CliProcess {
  if (!existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  }
  const child = spawn(process.execPath, [lethePath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, LETHE_STORE: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const startedAt = Date.now();
  let stdout = '';
  let stderr = '';
  let done = false;
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<Awaited<CliProcess['exited']>>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal, endedAt: Date.now(), stdout, stderr });
    });
  });
  return {
    child,
    startedAt,
    exited,
    ended: () => done || child.exitCode !== null || child.signalCode !== null,
  };
}
