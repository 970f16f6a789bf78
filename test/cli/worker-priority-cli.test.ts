import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type LetheProcess, startLethe } from '../scale/lethe-process.js';
import { lethePath, repoRoot, runCli } from '../support/cli.js';
import { testTempDir } from '../support/temp-root.js';

/** A process's niceness, from /proc/<pid>/stat (the 19th field). */
function nicenessOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** Waits until the process's niceness is `expected` (it is set once the config is read), or fails after 20 s. */
async function nicenessBecomes(pid: number, expected: number): Promise<number> {
  const until = Date.now() + 20_000;
  let seen = nicenessOf(pid);
  while (seen !== expected && Date.now() < until) {
    await sleep(100);
    seen = nicenessOf(pid);
  }
  return seen;
}

function configFile(worker: Record<string, unknown>): string {
  const dir = testTempDir('lethe-worker-priority-');
  const file = join(dir, 'lethe.config.json');
  writeFileSync(file, JSON.stringify({ store: 'sqlite:lethe.db', files: 'files', worker }));
  return file;
}

async function stopped(worker: LetheProcess) {
  const exit = await worker.stop();
  expect(exit, worker.describe()).toEqual({ code: 0, signal: null });
}

describe('lethe worker: its CPU priority (worker.niceness)', () => {
  it('lowers itself to the configured niceness, so that it yields the CPU to serve', async () => {
    const worker = startLethe('worker', ['--config', configFile({ niceness: 12 }), 'worker'], {});
    try {
      expect(await nicenessBecomes(worker.child.pid as number, 12), worker.describe()).toBe(12);
    } finally {
      await stopped(worker);
    }
  });

  it('never raises its priority: started at niceness 15, it stays there', async () => {
    const config = configFile({ niceness: 5 });
    const child = spawn('nice', ['-n', '15', process.execPath, lethePath, '--config', config, 'worker'], {
      cwd: repoRoot,
      env: { ...process.env, LETHE_STORE: '', LETHE_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      // Once the worker has opened its store (the file exists), it has applied its setting.
      const until = Date.now() + 20_000;
      while (Date.now() < until) {
        try {
          readFileSync(join(config, '..', 'lethe.db'));
          break;
        } catch {
          await sleep(100);
        }
      }
      await sleep(500);
      expect(nicenessOf(child.pid as number), output).toBe(15);
    } finally {
      child.kill('SIGTERM');
      expect(await exited, output).toBe(0);
    }
  });

  it('refuses a niceness outside 0 to 19, naming the setting', async () => {
    const run = await runCli(['--config', configFile({ niceness: 20 }), 'worker', '--once']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/LETHE_E_CONFIG_INVALID.*worker\.niceness/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
