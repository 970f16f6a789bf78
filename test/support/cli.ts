import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const lethePath = join(repoRoot, 'bin', 'lethe.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON. */
  json<T = unknown>(): T;
}

/** Runs the built `lethe` CLI as a subprocess (`npm run build` first), the way scripts use it. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  if (!existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [lethePath, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, LETHE_STORE: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout is not JSON:\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Builds the campus demo with the real CLI (`demo --no-serve`) in a new temporary folder; returns its config file. */
export async function buildDemoWithCli(
  prefix: string,
  options: { users: number; seed: number },
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const built = await runCli([
    'demo',
    '--dir',
    dir,
    '--users',
    String(options.users),
    '--seed',
    String(options.seed),
    '--no-serve',
    '--json',
  ]);
  if (built.code !== 0) throw new Error(`lethe demo failed (${built.code}):\n${built.stderr}`);
  return built.json<{ configFile: string }>().configFile;
}

/** A copy of a config file, beside it under `name`, with these `smtp` settings; returns the copy's path. */
export function configWithSmtp(configFile: string, name: string, smtp: Record<string, unknown>): string {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  config['smtp'] = smtp;
  const file = join(dirname(configFile), name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
