import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';
import { createPgSchema, dropPgSchema } from '../support/stores.js';

const pgUrl = process.env['LETHE_TEST_PG'];

/** A PostgreSQL URL naming a schema, with a password that must never be printed. */
function storeUrl(schema: string): string {
  const url = new URL(pgUrl as string);
  url.password = 'demo-store-secret';
  url.searchParams.set('schema', schema);
  return url.toString();
}

async function subjectsIn(schema: string): Promise<number> {
  const store = await openStore(storeUrl(schema));
  try {
    return (await store.db.selectFrom('subjects').select('id').execute()).length;
  } finally {
    await store.close();
  }
}

describe.skipIf(!pgUrl)('lethe demo --store: the demo built into a PostgreSQL store [postgres]', () => {
  const server = pgUrl as string;
  let schema = '';
  let other = '';
  let dir = '';

  beforeAll(async () => {
    schema = await createPgSchema(server);
    other = await createPgSchema(server);
    dir = mkdtempSync(join(tmpdir(), 'lethe-demo-store-'));
  });
  afterAll(async () => {
    await dropPgSchema(server, schema);
    await dropPgSchema(server, other);
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the subjects, types and accounts in that store, and the config file names it', async () => {
    const built = await runCli(
      ['--store', storeUrl(schema), 'demo', '--dir', dir, '--users', '30', '--no-serve', '--json'],
      { timeoutMs: 180_000 },
    );
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    const summary = built.json<{ store: string; configFile: string; subjects: { total: number } }>();
    expect(summary.store).not.toContain('demo-store-secret');
    expect(summary.store).toContain(`schema=${schema}`);
    expect(JSON.parse(readFileSync(summary.configFile, 'utf8')).store).toBe(storeUrl(schema));

    // The campus people, and the anonymous user the demo's types re-attribute content to.
    expect(summary.subjects.total).toBeGreaterThanOrEqual(30);
    expect(await subjectsIn(schema)).toBe(summary.subjects.total + 1);
    // The commands that follow use the demo's config, and so its store.
    const listed = await runCli([
      '--config',
      summary.configFile,
      '--json',
      'subjects',
      'list',
      '--limit',
      '1',
    ]);
    expect(listed.code).toBe(0);
    expect(listed.json<{ total: number }>().total).toBe(summary.subjects.total);
  });

  it('refuses a store that already holds subjects, and changes nothing in it', async () => {
    const before = await subjectsIn(schema);
    const again = await runCli(
      ['--store', storeUrl(schema), 'demo', '--dir', join(dir, 'again'), '--users', '30', '--no-serve'],
      { timeoutMs: 180_000 },
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/LETHE_E_SUBJECT_EXISTS: The store .* already holds subjects/);
    expect(again.stderr).not.toContain('demo-store-secret');
    expect(again.stderr).not.toMatch(/\n\s+at /);
    expect(await subjectsIn(schema)).toBe(before);
  });

  it('takes the store from LETHE_STORE too', async () => {
    const built = await runCli(['demo', '--dir', join(dir, 'env'), '--users', '20', '--no-serve', '--json'], {
      env: { LETHE_STORE: storeUrl(other) },
      timeoutMs: 180_000,
    });
    expect(built.code).toBe(0);
    expect(built.json<{ store: string }>().store).toContain(`schema=${other}`);
  });
});
