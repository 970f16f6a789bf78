import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDataset,
  createDatasetItems,
  parseDataset,
  scanDatabase,
} from '../../src/connectors/sql/index.js';
import { databaseChecksum } from './support/checksum.js';
import { type ContractContext, openContract, testHashKey } from './support/contract-context.js';
import { seedFixture } from './support/fixture.js';
import { standardData } from './support/fixture-data.js';
import { dialectTargets } from './support/test-databases.js';

for (const target of dialectTargets()) {
  describe(`dataset scan [${target.dialect}]`, () => {
    let c: ContractContext;
    beforeAll(async () => {
      c = await openContract(target);
      await seedFixture(c.connection, standardData());
    });
    afterAll(async () => {
      await c?.close();
    });

    it('drafts a dataset that loads, checks with coverage, and builds items, without writing', async () => {
      const file = target.dialect === 'sqlite' ? c.db.url.slice('sqlite:'.length) : undefined;
      const before = await databaseChecksum(c.connection, file);
      const draft = await scanDatabase(c.connection, { databaseUrl: c.db.url });
      expect(await databaseChecksum(c.connection, file)).toBe(before);
      if (process.env['LETHE_SHOW_SCAN']) console.log(draft);
      expect(draft).toMatch(/^# A first draft of a Lethe dataset/);
      expect(draft).toMatch(/# guessed: users \(its name, an email column, \d+ foreign keys point at it\)/);
      const dataset = parseDataset(draft, { file: 'draft.yaml', baseDir: c.filesRoot, hashKey: testHashKey });
      expect(dataset.subjects).toMatchObject({
        table: 'users',
        id: 'id',
        username: 'username',
        email: 'email',
      });
      expect(dataset.subjects.fullName).toEqual(['firstname', 'lastname']);
      const byTable = (table: string) => dataset.items.filter((i) => i.table === table);
      expect(byTable('messages')[0]?.links.map((l) => (l.kind === 'column' ? l.column : l.kind))).toEqual([
        'sender_id',
        'recipient_id',
      ]);
      expect(byTable('email_attachments')[0]?.links[0]).toMatchObject({
        kind: 'path',
        hops: [
          { column: 'email_id', table: 'helpdesk_emails' },
          { column: 'issue_id', table: 'helpdesk_issues' },
        ],
        column: 'reporter_id',
      });
      expect(byTable('system_emails')[0]?.links).toEqual([
        expect.objectContaining({ kind: 'text', column: 'recipient', match: 'equals' }),
        expect.objectContaining({ kind: 'text', column: 'body', match: 'contains' }),
      ]);
      expect(dataset.ignore.get('courses.name')).toMatch(/^TODO/);
      const todo = await checkDataset(dataset, c.connection, { coverage: true });
      expect(todo.problems).toEqual([
        {
          path: 'ignore.courses.name',
          line: expect.any(Number),
          message: expect.stringMatching(/still a TODO/),
        },
      ]);
      const edited = parseDataset(draft.replace(/"TODO: [^"]*"/, 'Course titles.'), {
        file: 'draft.yaml',
        baseDir: c.filesRoot,
        hashKey: testHashKey,
      });
      const result = await checkDataset(edited, c.connection, { coverage: true });
      expect(result.problems).toEqual([]);
      expect((await createDatasetItems(edited, c.connection)).length).toBe(dataset.items.length);
    });
  });
}
