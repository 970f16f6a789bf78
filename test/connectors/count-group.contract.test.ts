import { describe, expect, it, vi } from 'vitest';
import { createDatasetItems, openConnection, parseDataset } from '../../src/connectors/sql/index.js';
import {
  type BatchContext,
  type CountGroup,
  type Item,
  itemKey,
  type SubjectRef,
} from '../../src/items/index.js';
import { batch, type ContractContext, openContract, purge } from './support/contract-context.js';
import { anonymousId, fixtureDataset, seedFixture } from './support/fixture.js';
import { fixtureSubject, standardData } from './support/fixture-data.js';
import { createTestDatabase, type DialectTarget, dialectTargets } from './support/test-databases.js';
import { useContract } from './support/use-contract.js';

type Counts = Record<string, Record<string, unknown>>;

function groupOf(items: readonly Item[]): CountGroup {
  const group = items[0]?.countGroup;
  if (!group) throw new Error('the dataset items have no count group');
  expect(items.every((i) => i.countGroup === group)).toBe(true);
  return group;
}

function contextOf(subjects: readonly SubjectRef[]): BatchContext {
  return { ...batch([]), subjects };
}

/** Each item's own count of the batch, by item key. */
async function ownCounts(items: readonly Item[], ctx: BatchContext): Promise<Counts> {
  const out: Counts = {};
  for (const item of items) out[itemKey(item)] = Object.fromEntries(await item.count!(ctx));
  return out;
}

/** The group's counts of the batch, by item key, and how many statements they took. */
async function groupCounts(c: ContractContext, items: readonly Item[], ctx: BatchContext) {
  const query = vi.spyOn(c.connection, 'query');
  try {
    const results = await groupOf(items).countAll(items, ctx);
    const counts: Counts = {};
    for (const [key, result] of results) counts[key] = Object.fromEntries(result);
    return { counts, statements: query.mock.calls.length };
  } finally {
    query.mockRestore();
  }
}

/** The fixture's subjects, and some that hold nothing or can't match: an unknown id, a text id, no email. */
function subjects(): SubjectRef[] {
  return [
    ...[1, 2, 3, 4, 5, 6, 42, anonymousId].map(fixtureSubject),
    { ...fixtureSubject(1), id: 'abc' },
    { ...fixtureSubject(2), email: '' },
    { ...fixtureSubject(1), id: '001' },
  ];
}

/** The fixture's dataset with `n` more items over forum_posts: column, filtered, path and text links. */
function bulkDataset(n: number): string {
  const links = [
    'via: author_id\n        anonymise: { columns: { message: { fixed: "[removed]" } } }',
    'via: author_id\n        where: { discussion_id: [1, 3] }',
    'via: { path: ["discussion_id -> forum_discussions", author_id] }',
    'via: [author_id, { text: message, match: contains }]\n        anonymise: { columns: { ip: null } }',
  ];
  const items = Array.from(
    { length: n },
    (_, i) => `      p${i}:\n        table: forum_posts\n        ${links[i % links.length]}\n`,
  ).join('');
  return fixtureDataset.replace('\nignore:\n', `\n  bulk:\n    items:\n${items}ignore:\n`);
}

async function withContract(
  target: DialectTarget,
  yaml: string,
  body: (c: ContractContext) => Promise<void>,
): Promise<void> {
  const c = await openContract(target, yaml);
  try {
    await seedFixture(c.connection, standardData());
    await body(c);
  } finally {
    await c.close();
  }
}

for (const target of dialectTargets()) {
  describe(`dataset count group [${target.dialect}]`, () => {
    const c = useContract(target);

    it('counts every item of one subject in one statement, each exactly as its own count', async () => {
      for (const subject of subjects()) {
        const ctx = contextOf([subject]);
        const { counts, statements } = await groupCounts(c, c.items, ctx);
        expect(statements).toBe(1);
        expect(counts).toEqual(await ownCounts(c.items, ctx));
      }
      const one = await groupCounts(c, c.items, batch([1]));
      expect(one.counts).toMatchObject({
        'forum/posts': { '1': 4 },
        'helpdesk/emails': { '1': 3 },
        'helpdesk/system-emails': { '1': 2 },
        'core/profile': { '1': 1 },
      });
      expect(Object.keys(one.counts).sort()).toEqual(c.items.map(itemKey).sort());
    });

    it('counts only what is still personal, as each item does, after anonymising', async () => {
      await purge(c.items, [1], 'anonymise');
      for (const id of [1, 2, anonymousId]) {
        const ctx = batch([id]);
        expect((await groupCounts(c, c.items, ctx)).counts).toEqual(await ownCounts(c.items, ctx));
      }
      expect((await groupCounts(c, c.items, batch([1]))).counts['forum/posts']).toEqual({});
    });

    it('counts a batch of several subjects with each item’s own count', async () => {
      const ctx = batch([1, 2, 4, 5, 6]);
      expect((await groupCounts(c, c.items, ctx)).counts).toEqual(await ownCounts(c.items, ctx));
    });

    it('leaves out an item that is not in the group, and counts only the items asked for', async () => {
      const stranger: Item = { ...(c.items[0] as Item), component: 'other', name: 'stranger' };
      const asked = [c.item('forum/posts'), c.item('core/profile'), stranger];
      const { counts } = await groupCounts(c, asked, batch([1]));
      expect(counts).toEqual({ 'forum/posts': { '1': 4 }, 'core/profile': { '1': 1 } });
    });

    it('leaves out every item when cancelled', async () => {
      const controller = new AbortController();
      controller.abort();
      const ctx = { ...batch([1]), signal: controller.signal };
      expect((await groupCounts(c, c.items, ctx)).counts).toEqual({});
    });
  });

  describe(`dataset count group, in chunks and failures [${target.dialect}]`, () => {
    it('splits many items into statements of at most 50 counts, each result its own count', async () => {
      await withContract(target, bulkDataset(120), async (c) => {
        expect(c.items).toHaveLength(9 + 120);
        for (const id of [1, 2, 6]) {
          const ctx = batch([id]);
          const { counts, statements } = await groupCounts(c, c.items, ctx);
          expect(statements).toBe(3);
          expect(counts).toEqual(await ownCounts(c.items, ctx));
        }
        const { counts } = await groupCounts(c, c.items, batch([1]));
        expect([counts['bulk/p0'], counts['bulk/p1'], counts['bulk/p2'], counts['bulk/p3']]).toEqual([
          { '1': 4 },
          { '1': 2 },
          // The posts in user 1's discussions (1 and 2), whoever wrote them.
          { '1': 4 },
          { '1': 4 },
        ]);
      });
    });

    it('leaves out the items of a statement that fails, so that each is counted on its own', async () => {
      await withContract(target, fixtureDataset, async (c) => {
        await c.db.exec('DROP TABLE system_emails');
        expect((await groupCounts(c, c.items, batch([1]))).counts).toEqual({});
        await expect(c.item('helpdesk/system-emails').count!(batch([1]))).rejects.toThrow();
        expect(Object.fromEntries(await c.item('forum/posts').count!(batch([1])))).toEqual({ '1': 4 });
      });
    });

    it('gives each item’s own count where the database matches more than the id (a case-insensitive text id)', async () => {
      const db = await createTestDatabase(target);
      try {
        await db.exec('CREATE TABLE people (id VARCHAR(50) PRIMARY KEY, email VARCHAR(255))');
        await db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, owner VARCHAR(50), copy_to VARCHAR(50))');
        await db.exec(
          "INSERT INTO notes (id, owner, copy_to) VALUES (1, 'ANN', 'ann'), (2, 'ANN', 'ann'), (3, 'bob', 'ann')",
        );
        const dataset = parseDataset(
          `version: 1
subjects: { table: people, id: id, email: email }
components:
  notes:
    items:
      owned: { table: notes, via: owner, delete: true }
      copied: { table: notes, via: copy_to, delete: true }
      both: { table: notes, via: [owner, copy_to], delete: true }
`,
          { file: 'notes.yaml', baseDir: '.', databaseOverride: db.url },
        );
        const connection = await openConnection(db.url);
        try {
          const items = await createDatasetItems(dataset, connection);
          const c = { connection } as ContractContext;
          const ann: SubjectRef = { ...fixtureSubject(1), id: 'ann', email: '' };
          const ctx = contextOf([ann]);
          const own = await ownCounts(items, ctx);
          expect((await groupCounts(c, items, ctx)).counts).toEqual(own);
          expect(own['notes/copied']).toEqual({ ann: 3 });
          if (target.dialect === 'mysql') {
            // The server's collation matches 'ANN' to 'ann', but the count keeps only the rows printed as the id.
            const [row] = await connection.query<{ n: unknown }>(
              "SELECT COUNT(*) AS n FROM notes WHERE owner = 'ann'",
            );
            expect(Number(row?.n)).toBe(2);
            expect(own['notes/owned']).toEqual({});
          }
        } finally {
          await connection.close();
        }
      } finally {
        await db.drop();
      }
    });
  });
}
