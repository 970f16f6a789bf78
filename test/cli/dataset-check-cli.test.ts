import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { repoRoot, runCli } from '../support/cli.js';

const campusDataset = join(repoRoot, 'examples', 'campus', 'dataset.yaml');

interface CheckResult {
  ok: boolean;
  problems: Array<{ path: string; message: string }>;
  columns?: Array<{ table: string; column: string; coveredBy: string[]; ignored?: string }>;
}

interface DemoConfig {
  items: Array<{ dataset?: string; database?: string; module?: string; options?: Record<string, unknown> }>;
}

/** The "done when": the campus dataset file checks out, with coverage, on a demo built in D. */
describe('lethe dataset check on the campus demo', () => {
  let dir: string;
  const campusUrl = () => `sqlite:${join(dir, 'campus.db')}`;
  // Run from the demo folder, with its lethe.config.json; the test below also runs without any config.
  const check = (file: string, ...extra: string[]) =>
    runCli(['dataset', 'check', file, '--db', campusUrl(), '--coverage', ...extra], { cwd: dir });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lethe-dataset-cli-'));
    const built = await runCli([
      'demo',
      '--dir',
      dir,
      '--users',
      '80',
      '--seed',
      '3',
      '--no-serve',
      '--json',
    ]);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
  }, 120_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the demo on the dataset file, plus the campus code items that must stay in code', () => {
    const config = JSON.parse(readFileSync(join(dir, 'lethe.config.json'), 'utf8')) as DemoConfig;
    const [dataset, code] = config.items;
    expect(dataset).toEqual({ dataset: join(dir, 'dataset.yaml'), database: campusUrl() });
    expect(code?.options).toMatchObject({ database: campusUrl(), set: 'code-only' });
    // The demo's dataset file is the campus one; only the editor's schema hint is rewritten.
    const body = (text: string) =>
      text.split('\n').filter((l) => !/^# (yaml-language-server|Copied by)/.test(l));
    expect(body(readFileSync(join(dir, 'dataset.yaml'), 'utf8'))).toEqual(
      body(readFileSync(campusDataset, 'utf8')),
    );
  });

  it('checks the file on its own, from anywhere: a check needs no hashKey', async () => {
    const run = await runCli(['dataset', 'check', campusDataset, '--db', campusUrl(), '--coverage'], {
      cwd: repoRoot,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('passes with --coverage, listing every column it looked at', async () => {
    const run = await check(campusDataset);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('checks out, and covers every personal column.');
    const json = (await check(campusDataset, '--json')).json<CheckResult>();
    expect(json.ok).toBe(true);
    expect(json.problems).toEqual([]);
    const covered = (table: string, column: string) =>
      json.columns?.find((c) => c.table === table && c.column === column)?.coveredBy;
    expect(covered('forum_posts', 'author_id')).toContain('forum/posts');
    expect(covered('job_assignments', 'manager_id')).toContain('job/managed');
    // Covered by the campus code items, so the file ignores it with the reason.
    expect(json.columns?.find((c) => c.table === 'user_info_data' && c.column === 'user_id')).toMatchObject({
      coveredBy: [],
      ignored: expect.stringContaining('user/custom-fields-visible'),
    });
  });

  it('fails once an item is removed from a copy, naming the columns nothing covers any more', async () => {
    const doc = parseDocument(readFileSync(campusDataset, 'utf8'));
    expect(doc.deleteIn(['components', 'user', 'items', 'devices'])).toBe(true);
    const copy = join(mkdtempSync(join(tmpdir(), 'lethe-dataset-copy-')), 'campus-copy.yaml');
    writeFileSync(copy, doc.toString());
    const run = await check(copy);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /user_devices\.user_id \(INTEGER\) is not covered by any item: a foreign key points at users/,
    );
    expect(run.stdout).toMatch(
      /user_devices\.name \(TEXT\) is not covered by any item: its name looks personal/,
    );
    expect(run.stdout).toContain('2 problem(s).');
    const json = (await check(copy, '--json')).json<CheckResult>();
    expect(json.ok).toBe(false);
    expect(json.problems.map((p) => p.path)).toEqual([
      'coverage.user_devices.user_id',
      'coverage.user_devices.name',
    ]);
  });
});
