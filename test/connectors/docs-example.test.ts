import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDataset,
  createDatasetItems,
  openConnection,
  parseDataset,
  type SqlConnection,
  scanDatabase,
} from '../../src/connectors/sql/index.js';
import { createTestDatabase, dialectTargets, type TestDatabase } from './support/test-databases.js';

const page = readFileSync(new URL('../../docs/dataset.md', import.meta.url), 'utf8');
const block = (lang: string, index = 0) =>
  [...page.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))][index]?.[1] ?? '';

/** The worked example of docs/dataset.md must work as written. */
for (const target of dialectTargets().filter((t) => t.dialect !== 'mysql')) {
  describe(`docs/dataset.md worked example [${target.dialect}]`, () => {
    let db: TestDatabase;
    let connection: SqlConnection;
    beforeAll(async () => {
      db = await createTestDatabase(target);
      for (const statement of block('sql')
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean))
        await db.exec(statement);
      connection = await openConnection(db.url);
      await connection.execute(
        "INSERT INTO mail_log (id, sent_at, text) VALUES (1, '2025-01-01', 'Reset link sent to ann@example.org.')",
      );
    });
    afterAll(async () => {
      await connection?.close();
      await db?.drop();
    });

    it('checks with coverage and builds its items', async () => {
      const dataset = parseDataset(block('yaml'), {
        file: 'helpdesk.yaml',
        baseDir: '/tmp',
        databaseOverride: db.url,
        hashKey: 'docs-example-key-0123456789',
      });
      const result = await checkDataset(dataset, connection, { coverage: true });
      expect(result.problems).toEqual([]);
      const items = await createDatasetItems(dataset, connection);
      expect(items.map((i) => `${i.component}/${i.name}`).sort()).toEqual([
        'core/profile',
        'helpdesk/attachments',
        'helpdesk/emails',
        'helpdesk/mail-log',
        'helpdesk/tickets',
        'messaging/messages',
      ]);
    });

    it('scans into a draft whose only problem is the TODO reason the page describes', async () => {
      const draft = await scanDatabase(connection);
      const dataset = parseDataset(draft, {
        file: 'draft.yaml',
        baseDir: '/tmp',
        databaseOverride: db.url,
        hashKey: 'k'.repeat(16),
      });
      const result = await checkDataset(dataset, connection, { coverage: true });
      expect(result.problems.map((p) => p.path)).toEqual(['ignore.products.name']);
    });
  });
}
