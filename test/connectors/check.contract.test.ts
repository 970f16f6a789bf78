import { beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkDataset, openConnection, parseDataset } from '../../src/connectors/sql/index.js';
import { databaseChecksum } from './support/checksum.js';
import { testHashKey } from './support/contract-context.js';
import { fixtureDataset } from './support/fixture.js';
import { dialectTargets } from './support/test-databases.js';
import { useContract } from './support/use-contract.js';

type Yaml = Record<string, unknown>;
type Items = Record<string, Record<string, Record<string, unknown>>>;

/** The fixture dataset with a change made to its parsed form. */
function changed(
  edit: (doc: Yaml & { components: Record<string, { items: Items[string] }> }) => void,
): string {
  const doc = parse(fixtureDataset);
  edit(doc);
  return stringify(doc);
}

for (const target of dialectTargets()) {
  describe(`dataset check [${target.dialect}]`, () => {
    const c = useContract(target);
    const load = (yaml: string) =>
      parseDataset(yaml, {
        file: 'check.yaml',
        baseDir: c.filesRoot,
        databaseOverride: c.db.url,
        hashKey: testHashKey,
      });

    beforeEach(async () => {
      await c.db.exec('DROP TABLE IF EXISTS notes');
      await c.db.exec('DROP TABLE IF EXISTS newsletter');
    });

    it('passes the fixture dataset, with coverage, listing every column', async () => {
      const result = await checkDataset(c.dataset, c.connection, { coverage: true });
      expect(result.problems).toEqual([]);
      expect(result.ok).toBe(true);
      const columns = result.columns ?? [];
      expect(columns.find((col) => col.table === 'forum_posts' && col.column === 'author_id')).toMatchObject({
        personal: true,
        coveredBy: ['forum/posts'],
      });
      expect(columns.find((col) => col.table === 'courses' && col.column === 'name')).toMatchObject({
        personal: true,
        ignored: 'The course catalogue holds no personal data.',
      });
      expect(
        columns.find((col) => col.table === 'system_emails' && col.column === 'recipient')?.reasons,
      ).toEqual([expect.stringMatching(/sampled values hold an email address/)]);
      expect(columns.find((col) => col.table === 'messages' && col.column === 'subject')?.personal).toBe(
        false,
      );
      const schema = await c.connection.introspect();
      const total = [...schema.tables.values()].reduce((n, t) => n + t.columns.length, 0);
      expect(columns).toHaveLength(total);
    });

    it('never changes the database', async () => {
      const file = target.dialect === 'sqlite' ? c.db.url.slice('sqlite:'.length) : undefined;
      const before = await databaseChecksum(c.connection, file);
      await checkDataset(c.dataset, c.connection, { coverage: true });
      await checkDataset(load(fixtureDataset.replace('table: messages', 'table: nope')), c.connection, {
        coverage: true,
      });
      expect(await databaseChecksum(c.connection, file)).toBe(before);
    });

    it('a read-only connection refuses writes, and check works through one', async () => {
      const readOnly = await openConnection(c.db.url, { readOnly: true });
      try {
        await expect(readOnly.execute('DELETE FROM courses')).rejects.toThrow();
        expect((await checkDataset(c.dataset, readOnly, { coverage: true })).ok).toBe(true);
      } finally {
        await readOnly.close();
      }
      expect(await c.connection.query('SELECT id FROM courses')).toHaveLength(1);
    });

    it('fails coverage on an undeclared user column, and passes once it is declared', async () => {
      const int = 'INTEGER';
      await c.db.exec(
        `CREATE TABLE notes (id ${int} PRIMARY KEY, user_id ${int}, note TEXT, FOREIGN KEY (user_id) REFERENCES users(id))`,
      );
      await c.db.exec('CREATE TABLE newsletter (id INTEGER PRIMARY KEY, contact VARCHAR(200))');
      await c.connection.execute("INSERT INTO newsletter (id, contact) VALUES (1, 'Reach me at u2@ex.com')");
      const failing = await checkDataset(c.dataset, c.connection, { coverage: true });
      expect(failing.ok).toBe(false);
      expect(failing.problems.map((p) => p.path)).toEqual([
        'coverage.newsletter.contact',
        'coverage.notes.user_id',
      ]);
      expect(failing.problems[1]?.message).toMatch(
        /notes\.user_id .* is not covered by any item: a foreign key points at users/,
      );
      // Without --coverage the same dataset is fine.
      expect((await checkDataset(c.dataset, c.connection)).ok).toBe(true);
      const declared = changed((doc) => {
        doc.components['notes'] = { items: { notes: { table: 'notes', via: 'user_id', delete: true } } };
        (doc['ignore'] as Record<string, string>)['newsletter'] =
          'Mentions only: handled by the mailing tool.';
      });
      const passing = await checkDataset(load(declared), c.connection, { coverage: true });
      expect(passing.problems).toEqual([]);
    });

    it('names each mismatch with the live schema, with its line', async () => {
      const yaml = changed((doc) => {
        const forum = doc.components['forum'] as { items: Items[string] };
        (forum.items['posts'] as Record<string, unknown>)['anonymise'] = {
          columns: {
            author_id: 'blank',
            ip: 'hash',
            discussion_id: null,
            id: 'null',
            parent_id: { fixed: 'x' },
          },
        };
        doc.components['extra'] = {
          items: {
            ghost: { table: 'ghosts', via: 'user_id' },
            typo: { table: 'messages', via: 'sendr_id', export: ['subject', 'bdy'] },
            nojoin: { table: 'helpdesk_emails', via: { path: ['to_address -> users', 'id'] } },
            mismatch: { table: 'helpdesk_emails', via: { path: ['to_address -> users.id', 'id'] } },
            wrongtype: { table: 'messages', via: { text: 'sender_id' } },
            blocked: { table: 'helpdesk_issues', via: 'reporter_id', delete: true },
          },
        };
      });
      const result = await checkDataset(load(yaml), c.connection);
      expect(result.ok).toBe(false);
      const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
      const at = 'components.forum.items.posts.anonymise.columns';
      expect(byPath[`${at}.author_id`]).toMatch(
        /blank doesn't fit forum_posts.author_id .*text columns only/,
      );
      expect(byPath[`${at}.ip`]).toMatch(/hash writes 64 characters and forum_posts.ip .* holds 45/);
      expect(byPath[`${at}.discussion_id`]).toMatch(/NOT NULL/);
      expect(byPath[`${at}.id`]).toMatch(/part of the row's key/);
      expect(byPath[`${at}.parent_id`]).toMatch(/the fixed value "x" doesn't fit forum_posts.parent_id/);
      expect(byPath['components.extra.items.ghost.table']).toBe('unknown table "ghosts"');
      expect(byPath['components.extra.items.typo.via']).toBe('unknown column "sendr_id" in table "messages"');
      expect(byPath['components.extra.items.typo.export.1']).toBe('unknown column "bdy" in table "messages"');
      expect(byPath['components.extra.items.nojoin.via.path.0']).toMatch(/doesn't join: no foreign key/);
      expect(byPath['components.extra.items.mismatch.via.path.0']).toMatch(
        /doesn't join: .* have different types/,
      );
      expect(byPath['components.extra.items.wrongtype.via']).toMatch(/text match needs a text column/);
      expect(byPath['components.extra.items.blocked.delete']).toMatch(
        /blocked by the foreign key helpdesk_emails.issue_id/,
      );
      for (const p of result.problems) expect(p.line, p.path).toBeGreaterThan(0);
    });

    it('refuses to build items from a dataset that does not match the schema', async () => {
      const { createDatasetItems } = await import('../../src/connectors/sql/index.js');
      await expect(
        createDatasetItems(load(fixtureDataset.replace('table: messages', 'table: nope')), c.connection),
      ).rejects.toMatchObject({
        code: 'LETHE_E_DATASET_SCHEMA',
        message: expect.stringMatching(/check\.yaml:\d+: .*unknown table "nope"/),
      });
    });
  });
}
