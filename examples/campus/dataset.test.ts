import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  checkDataset,
  createDatasetItems,
  loadDataset,
  openConnection,
  parseDataset,
  type SqlConnection,
  scanDatabase,
} from '../../src/connectors/sql/index.js';
import { generateCampus } from './generate.js';

const datasetFile = new URL('./dataset.yaml', import.meta.url).pathname;
const hashKey = 'campus-dataset-test-key-0123456789';

describe('examples/campus/dataset.yaml', () => {
  let dir: string;
  let url: string;
  let connection: SqlConnection;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lethe-campus-ds-'));
    await generateCampus(join(dir, 'campus.db'), { users: 60, seed: 7 });
    url = `sqlite:${join(dir, 'campus.db')}`;
    connection = await openConnection(url, { readOnly: true });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('passes check with coverage on a generated campus', async () => {
    const dataset = loadDataset(datasetFile, { databaseOverride: url, hashKey });
    const result = await checkDataset(dataset, connection, { coverage: true });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect((await createDatasetItems(dataset, connection)).length).toBe(dataset.items.length);
  });

  it('fails coverage, naming the columns, when an item is removed', async () => {
    const doc = parse(await import('node:fs').then((fs) => fs.readFileSync(datasetFile, 'utf8')));
    delete doc.components.user.items.contacts;
    const dataset = parseDataset(stringify(doc), {
      file: 'copy.yaml',
      baseDir: dir,
      databaseOverride: url,
      hashKey,
    });
    const result = await checkDataset(dataset, connection, { coverage: true });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.path)).toEqual([
      'coverage.contacts.user_id',
      'coverage.contacts.contact_user_id',
    ]);
  });

  it('scan drafts a dataset that passes check with coverage once its TODO reasons are written', async () => {
    const draft = await scanDatabase(connection, { databaseUrl: url });
    if (process.env['LETHE_SHOW_SCAN']) console.log(draft);
    const asDrafted = parseDataset(draft, { file: 'draft.yaml', baseDir: dir, hashKey });
    expect(asDrafted.subjects).toMatchObject({ table: 'users', id: 'id', email: 'email' });
    const before = await checkDataset(asDrafted, connection, { coverage: true });
    expect(before.problems.length).toBeGreaterThan(0);
    expect(before.problems.every((p) => /still a TODO/.test(p.message))).toBe(true);
    // The documented edit (docs/dataset.md, "Start from a scan"): replace each TODO with the real reason.
    const edited = draft.replace(/"TODO: [^"]*"/g, 'Catalogue data about courses, not about people.');
    const dataset = parseDataset(edited, { file: 'draft.yaml', baseDir: dir, hashKey });
    const result = await checkDataset(dataset, connection, { coverage: true });
    expect(result.problems).toEqual([]);
  });
});
