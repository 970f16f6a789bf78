import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testEngine } from '../../../test/support/engine.js';
import { registerSubject } from '../../engine/subjects/index.js';
import { createPurgeType } from '../../engine/types/index.js';
import { openStore } from '../../store/index.js';
import { registerReportsCommand } from './reports-command.js';

let dir: string;
let storeUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lethe-reports-cli-'));
  storeUrl = `sqlite:${join(dir, 'lethe.db')}`;
  const store = await openStore(storeUrl);
  const engine = testEngine(store);
  await registerSubject(engine, 'cli', {
    id: 'd1',
    username: 'dora',
    email: 'dora@x.test',
    fullName: 'Dora, "D"',
    status: 'deleted',
  });
  await registerSubject(engine, 'cli', {
    id: 'd2',
    username: 'dave',
    email: 'dave@x.test',
    fullName: 'Dave',
    status: 'deleted',
    legacy: true,
  });
  const type = await createPurgeType(engine, 'cli', { idnumber: 'gone', name: 'Gone', status: 'deleted' });
  const base = {
    kind: 'purge',
    origin: 'automatic:deleted',
    requested_by: 'system',
    subject_status: 'deleted',
    purge_type_id: type.id,
    export_type_id: null,
    plan: null,
    dry_run: 0,
    started_at: null,
    finished_at: null,
    attempts: 1,
    max_attempts: 3,
    lease_owner: null,
    lease_expires_at: null,
    error: null,
    file_path: null,
    file_size: null,
    file_sha256: null,
    expires_at: null,
    download_token: null,
  };
  const { id } = await engine.db
    .insertInto('requests')
    .values({ ...base, subject_id: 'd1', status: 'failed', created_at: '2024-01-01T00:00:00.000Z' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await engine.db
    .insertInto('request_items')
    .values([
      { request_id: id, item_key: 'forum/posts', mode: 'delete', status: 'success', count: 4, message: null },
      {
        request_id: id,
        item_key: 'blog/entries',
        mode: 'delete',
        status: 'error',
        count: 0,
        message: 'no,\n"way"',
      },
    ])
    .execute();
  await engine.db
    .insertInto('requests')
    .values({ ...base, subject_id: 'd2', status: 'succeeded', created_at: '2024-01-02T00:00:00.000Z' })
    .execute();
  await store.close();
});

afterAll(() => {
  process.exitCode = 0;
});

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('lethe')
    .option('--config <file>')
    .option('--store <url>')
    .option('--json')
    .exitOverride();
  registerReportsCommand(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'lethe', '--store', storeUrl, ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout, stderr };
}

describe('lethe reports', () => {
  it('prints one page as JSON with --json, items included', async () => {
    const result = await run('--json', 'reports', 'purges', '--status', 'failed');
    expect(result.code).toBe(0);
    const page = JSON.parse(result.stdout) as {
      total: number;
      rows: { subjectId: string; items: unknown[] }[];
    };
    expect(page.total).toBe(1);
    expect(page.rows[0]?.subjectId).toBe('d1');
    expect(page.rows[0]?.items).toHaveLength(2);
  });

  it('prints a table, with the items that did not succeed', async () => {
    const result = await run('reports', 'purges');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 error, 1 success');
    expect(result.stdout).toContain('blog/entries error: no, "way"');
    expect(result.stdout).toContain('2 of 2 purge requests');
    const deleted = await run('reports', 'deleted', '--legacy', 'yes');
    expect(deleted.stdout).toContain('legacy');
    expect(deleted.stdout).toContain('1 of 1 deleted subjects');
  });

  it('streams the whole report as CSV to stdout', async () => {
    const result = await run(
      'reports',
      'purges',
      '--format',
      'csv',
      '--sort',
      'createdAt:asc',
      '--limit',
      '1',
    );
    expect(result.code).toBe(0);
    const records = result.stdout.split(/\r\n(?=(?:[^"]*"[^"]*")*[^"]*$)/).filter((l) => l !== '');
    expect(records).toHaveLength(4);
    expect(records[0]?.startsWith('request_id,')).toBe(true);
    expect(result.stdout).toContain('"no,\n""way"""');
    expect(result.stdout).toContain('"Dora, ""D"""');
  });

  it('writes JSON lines to --output, and only a complete file', async () => {
    const file = join(dir, 'deleted.jsonl');
    const result = await run('--json', 'reports', 'deleted', '--format', 'json', '--output', file);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ output: file, format: 'json', rows: 2 });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { subjectId: string }).subjectId).sort()).toEqual(['d1', 'd2']);
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('refuses bad input with exit code 2 and a coded error', async () => {
    const sort = await run('--json', 'reports', 'exports', '--sort', 'password');
    expect(sort.code).toBe(2);
    const error = (JSON.parse(sort.stdout) as { error: { code: string; details: { field: string } } }).error;
    expect(error).toMatchObject({ code: 'LETHE_E_INVALID_INPUT', details: { field: 'sort' } });
    const format = await run('reports', 'exports', '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('LETHE_E_INVALID_INPUT');
    const date = await run('reports', 'purges', '--format', 'csv', '--from', 'last week');
    expect(date.code).toBe(2);
    expect(date.stdout).toBe('');
    expect(date.stderr).toContain("'from'");
    const type = await run('reports', 'purges', '--type', 'nope');
    expect(type.code).toBe(2);
    expect(type.stderr).toContain('LETHE_E_TYPE_UNKNOWN');
    const output = await run('reports', 'exports', '--format', 'table', '--output', join(dir, 'x.txt'));
    expect(output.code).toBe(2);
  });
});
