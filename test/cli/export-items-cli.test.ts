import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readZipEntry } from '../engine/read-zip-entry.js';
import { runCli } from '../support/cli.js';

interface CliRequest {
  id: number;
  status: string;
  typeIdnumber: string | null;
  plan: { key: string; mode: string }[] | null;
  items: { itemKey: string; mode: string; status: string }[];
  package?: { path: string | null } | null;
}

describe('lethe export by items, on the campus demo', () => {
  let config: string;
  const lethe = (...args: string[]) => runCli(['--config', config, ...args]);
  let active: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-cli-items-'));
    const built = await runCli([
      'demo',
      '--dir',
      dir,
      '--users',
      '60',
      '--seed',
      '2',
      '--no-serve',
      '--json',
    ]);
    expect(built.code, built.stderr).toBe(0);
    config = built.json<{ configFile: string }>().configFile;
    const list = await lethe('subjects', 'list', '--status', 'active', '--kind', 'learner', '--json');
    active = list.json<{ subjects: { id: string }[] }>().subjects.map((s) => s.id);
    expect(active.length).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('--items and --component export just those, in catalogue order, and --wait prints the package', async () => {
    const subject = active[0] as string;
    const run = await lethe(
      'export',
      subject,
      '--items',
      'blog/posts,forum/posts',
      '--component',
      'badges',
      '--items',
      'forum/posts',
      '--wait',
      '--json',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const request = run.json<CliRequest>();
    expect(request.status).toBe('succeeded');
    expect(request.typeIdnumber).toBeNull();
    const keys = request.plan?.map((s) => s.key) ?? [];
    const catalogue = (await lethe('items', 'list', '--json')).json<{ key: string }[]>().map((i) => i.key);
    expect(keys).toEqual(catalogue.filter((k) => ['badges/issued', 'blog/posts', 'forum/posts'].includes(k)));
    expect(request.plan?.every((s) => s.mode === 'export')).toBe(true);
    expect(request.items.map((i) => i.itemKey)).toEqual(keys);
    expect(request.items.every((i) => i.status === 'success')).toBe(true);

    const path = request.package?.path ?? '';
    expect(existsSync(path)).toBe(true);
    const manifest = JSON.parse((await readZipEntry(path, 'manifest.json')) ?? '{}') as {
      exportType: { idnumber: string };
      items: { key: string }[];
    };
    expect(manifest.exportType.idnumber).toBe('selected-items');
    expect(manifest.items.map((i) => i.key)).toEqual(keys);

    // The same, for people: the items' results and the package.
    const text = await lethe('requests', 'show', String(request.id));
    expect(text.stdout).toContain('forum/posts');
    expect(text.stdout).not.toContain('user/names');
  });

  it('without --wait queues the plan for a worker', async () => {
    const subject = active[1] as string;
    const run = await lethe('export', subject, '--component', 'blog,forum', '--json');
    expect(run.code).toBe(0);
    const queued = run.json<CliRequest>();
    expect(queued.status).toBe('pending');
    expect(queued.plan?.map((s) => s.key)).toContain('blog/posts');
    expect(queued.plan?.map((s) => s.key)).toContain('forum/posts');
    // A component brings only those of its items that can export (forum/mentions cannot).
    expect(queued.plan?.map((s) => s.key)).not.toContain('forum/mentions');
    const human = await lethe('export', active[2] as string, '--items', 'user/email');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Queued request \d+/);
    expect((await lethe('worker', '--once', '--json')).code).toBe(0);
    const done = (await lethe('requests', 'show', String(queued.id), '--json')).json<CliRequest>();
    expect(done.status).toBe('succeeded');
  });

  it('refuses a bad choice with a coded error, exit code 2 and no stack trace', async () => {
    const subject = active[3] as string;
    const cases: Array<[string[], string, RegExp]> = [
      [['--items', 'forum/nope,zzz'], 'LETHE_E_ITEM_UNKNOWN', /"forum\/nope", "zzz"/],
      [['--component', 'nowhere'], 'LETHE_E_ITEM_UNKNOWN', /"nowhere"/],
      [['--items', 'user/password'], 'LETHE_E_INVALID_INPUT', /user\/password/],
      [['--items', ','], 'LETHE_E_INVALID_INPUT', /at least one/],
      [['--component', ''], 'LETHE_E_INVALID_INPUT', /at least one/],
      [['--type', 'all-data', '--items', 'forum/posts'], 'LETHE_E_INVALID_INPUT', /--type.*not both/],
      [['--type', 'all-data', '--component', 'forum'], 'LETHE_E_INVALID_INPUT', /not both/],
      [[], 'LETHE_E_INVALID_INPUT', /Give --type/],
      [['--component', 'forum/posts'], 'LETHE_E_INVALID_INPUT', /--component takes components/],
      [['--items', 'forum', '--origin', 'self'], 'LETHE_E_TYPE_NOT_SELF', /export type/],
    ];
    for (const [args, code, message] of cases) {
      const run = await lethe('export', subject, ...args);
      const label = args.join(' ') || '(nothing)';
      expect(run.code, label).toBe(2);
      expect(run.stderr, label).toContain(code);
      expect(run.stderr, label).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const json = await lethe('export', subject, ...args, '--json', '--wait');
      expect(json.code, label).toBe(2);
      expect(json.json<{ error: { code: string } }>().error.code, label).toBe(code);
    }
    // Nothing was queued by any of them.
    const listed = await lethe('requests', 'list', '--subject', subject, '--json');
    expect(listed.json<{ total: number }>().total).toBe(0);
  });
});
