import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lethePath, repoRoot } from '../support/cli.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One long-running `lethe` process (`serve`, `worker`), started from the built CLI the way an operator starts it. */
export interface LetheProcess {
  name: string;
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  exited: Promise<Exit>;
  /** Resolves with the first match of `pattern` in stdout, or fails when the process ends or `timeoutMs` passes. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends SIGTERM and waits for the exit (SIGKILL after `timeoutMs`, and then the exit says so). */
  stop(timeoutMs?: number): Promise<Exit>;
  /** What it printed, for a failure message. */
  describe(): string;
}

export function startLethe(name: string, args: string[], env: NodeJS.ProcessEnv): LetheProcess {
  if (!existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  }
  const child = spawn(process.execPath, [lethePath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, LETHE_STORE: '', LETHE_CONFIG: '', PORT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let ended: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      ended = { code, signal };
      for (const listener of listeners) listener();
      resolve(ended);
    });
  });
  const describe = () => `${name} (pid ${child.pid}):\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
  return {
    name,
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    describe,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const done = () => {
          listeners.delete(check);
          clearTimeout(timer);
        };
        const check = () => {
          const match = stdout.match(pattern);
          if (match) {
            done();
            resolve(match);
          } else if (ended) {
            done();
            reject(
              new Error(`${name} ended (${JSON.stringify(ended)}) before printing ${pattern}\n${describe()}`),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms\n${describe()}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async stop(timeoutMs = 20_000) {
      if (!ended) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
