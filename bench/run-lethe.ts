// Finding and running the built `lethe` CLI from the benchmarks, as scripts do: a real process through bin/lethe.js.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bin/lethe.js, found upwards from this file (bench/ in the sources, dist/bench once built). */
export function lethePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++) {
    const candidate = join(dir, 'bin', 'lethe.js');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('bin/lethe.js not found above bench/: run the benchmarks from the repository.');
}

export interface LetheRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lethe ARGS` to the end (LETHE_STORE, LETHE_FILES and LETHE_CONFIG cleared, so only ARGS decide). */
export function runLethe(args: string[]): Promise<LetheRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [lethePath(), ...args], {
      env: { ...process.env, LETHE_STORE: '', LETHE_FILES: '', LETHE_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs `lethe ARGS`; its stdout, or an error with the end of its stderr when it fails. */
export async function runLetheOk(args: string[]): Promise<string> {
  const run = await runLethe(args);
  if (run.code !== 0)
    throw new Error(`lethe ${args.join(' ')} exited ${run.code}: ${run.stderr.slice(-2000)}`);
  return run.stdout;
}
