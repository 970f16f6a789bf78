import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

interface ListedItem {
  key: string;
  component: string;
  modes: Record<string, { statuses: string[] }>;
}

describe('the lethe CLI on the campus demo', () => {
  let dir: string;
  let config: string;
  const lethe = (...args: string[]) => runCli(['--config', config, ...args]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lethe-cli-'));
    const built = await runCli([
      'demo',
      '--dir',
      dir,
      '--users',
      '200',
      '--seed',
      '1',
      '--no-serve',
      '--json',
    ]);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    config = built.json<{ configFile: string }>().configFile;
  }, 120_000);

  it('lists at least 25 items in at least 8 components, with their modes and statuses', async () => {
    const run = await lethe('items', 'list', '--json');
    expect(run.code).toBe(0);
    const items = run.json<ListedItem[]>();
    expect(items.length).toBeGreaterThanOrEqual(25);
    expect(new Set(items.map((i) => i.component)).size).toBeGreaterThanOrEqual(8);
    // Names live in the users row, which is never deleted: the dataset anonymises them, once the user is deleted.
    const names = items.find((i) => i.key === 'user/names');
    expect(names?.modes['anonymise']?.statuses).toEqual(['deleted']);
    expect(names?.modes['delete']).toBeUndefined();
    expect(items.find((i) => i.key === 'forum/posts')?.modes['anonymise']?.statuses).toContain('suspended');
  });

  it('starts with the types and defaults a real site would have', async () => {
    const purge = (await lethe('purge-types', 'list', '--json')).json<
      Array<{ idnumber: string; status: string }>
    >();
    expect(purge.map((t) => [t.idnumber, t.status]).sort()).toEqual([
      ['forum-cleanup', 'active'],
      ['purge-deleted', 'deleted'],
      ['suspended-keep-training', 'suspended'],
    ]);
    const settings = (await lethe('settings', 'get', '--json')).json<Record<string, unknown>>();
    expect(settings['defaultDeletedPurgeType']).toBe('purge-deleted');
    expect(settings['defaultSuspendedPurgeType']).toBe('suspended-keep-training');
    const legacy = (await lethe('subjects', 'list', '--legacy', '--json')).json<{ total: number }>();
    expect(legacy.total).toBeGreaterThan(0);
    const suspended = (await lethe('subjects', 'list', '--status', 'suspended', '--json')).json<{
      total: number;
    }>();
    expect(suspended.total).toBeGreaterThan(0);
  });

  it('refuses bad input with a coded error and exit code 2, without a stack trace', async () => {
    const cases: Array<[string[], string]> = [
      [['export-types', 'create', 'x1', '--items', 'nope/never'], 'LETHE_E_ITEM_UNKNOWN'],
      [['export-types', 'create', 'all-data'], 'LETHE_E_TYPE_DUPLICATE'],
      [
        ['purge-types', 'create', 'x2', '--status', 'suspended', '--items', 'user/email:anonymise'],
        'LETHE_E_STATUS_NOT_ALLOWED',
      ],
      [
        ['purge-types', 'create', 'x4', '--status', 'deleted', '--items', 'user/email:delete'],
        'LETHE_E_MODE_UNSUPPORTED',
      ],
      [['purge-types', 'delete', 'purge-deleted'], 'LETHE_E_TYPE_IN_USE'],
      [['export-types', 'delete', 'all-data'], 'LETHE_E_TYPE_INITIAL'],
      [['subjects', 'status', 'gone', '3'], 'LETHE_E_STATUS_INVALID'],
      [['subjects', 'show', 'no-such-subject'], 'LETHE_E_SUBJECT_UNKNOWN'],
      [['settings', 'set', 'retentionForever', '3'], 'LETHE_E_SETTING_UNKNOWN'],
      [['subjects', 'list', '--limit', 'lots'], 'LETHE_E_INVALID_INPUT'],
    ];
    for (const [args, code] of cases) {
      const run = await lethe(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(code);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const json = await lethe(...args, '--json');
      expect(json.json<{ error: { code: string } }>().error.code).toBe(code);
    }
    // The item the status does not allow is named.
    const named = await lethe(
      'purge-types',
      'create',
      'x3',
      '--status',
      'suspended',
      '--items',
      'user/email:anonymise',
    );
    expect(named.stderr).toContain('user/email');
  });

  it('names a bad config value', async () => {
    const run = await runCli(['--config', join(dir, 'missing.json'), 'items', 'list']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('LETHE_E_CONFIG_INVALID');
  });

  it('records every change, and audit verify catches an event edited in the database', async () => {
    const created = await lethe(
      'export-types',
      'create',
      'auditors',
      '--items',
      'user/names,user/email',
      '--json',
    );
    expect(created.code).toBe(0);
    const ok = await lethe('audit', 'verify', '--json');
    expect(ok.code).toBe(0);
    expect(ok.json<{ ok: boolean }>().ok).toBe(true);
    const events = (await lethe('audit', 'list', '--action', 'export-type.create', '--json')).json<{
      events: Array<{ seq: number; details: Record<string, unknown> }>;
    }>();
    expect(events.events[0]?.details).toMatchObject({ idnumber: 'auditors' });

    const db = new Database(join(dir, 'lethe.db'));
    db.prepare("update audit_events set actor = 'mallory' where seq = ?").run(events.events[0]?.seq);
    db.close();
    const broken = await lethe('audit', 'verify', '--json');
    expect(broken.code).toBe(1);
    expect(
      broken.json<{ ok: boolean; problems: Array<{ seq: number; problem: string }> }>().problems,
    ).toEqual([expect.objectContaining({ seq: events.events[0]?.seq, problem: 'changed' })]);
  });
});
