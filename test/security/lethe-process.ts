import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lethePath, repoRoot } from '../support/cli.js';

/** One line a process wrote, and where: `serve:stdout`, `worker:stderr`, ... */
export interface LogLine {
  stream: string;
  text: string;
}

/** A long-running `lethe` process (serve, worker) whose every output line is kept. */
export interface LetheProcess {
  name: string;
  child: ChildProcess;
  /** Every line it wrote on stdout and stderr, in order of arrival. */
  lines: LogLine[];
  /** Resolves with the first match of `pattern` in its output (already written, or to come). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code once it has exited. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts the built CLI (`npm run build` first) with these arguments and environment, keeping all it writes. */
export function startLethe(name: string, args: string[], env: NodeJS.ProcessEnv): LetheProcess {
  if (!existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  }
  const child = spawn(process.execPath, [lethePath, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const collect = (stream: string) => {
    let rest = '';
    return (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const text of parts) {
        lines.push({ stream: `${name}:${stream}`, text });
        for (const w of [...waiters]) {
          const match = w.pattern.exec(text);
          if (match) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(match);
          }
        }
      }
    };
  };
  child.stdout?.on('data', collect('stdout'));
  child.stderr?.on('data', collect('stderr'));
  return {
    name,
    child,
    lines,
    waitFor(pattern, timeoutMs = 60_000) {
      for (const line of lines) {
        const match = pattern.exec(line.text);
        if (match) return Promise.resolve(match);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `${name} did not print ${pattern} within ${timeoutMs} ms:\n${lines.map((l) => l.text).join('\n')}`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          pattern,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(
            new Error(
              `${name} exited (${code}) before printing ${pattern}:\n${lines.map((l) => l.text).join('\n')}`,
            ),
          );
        });
      });
    },
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}
