import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadItemSources } from '../../../src/engine/load-item-sources.js';
import {
  type BatchResult,
  type EraseMode,
  type Item,
  ItemRegistry,
  itemKey,
  mentionPattern,
  mentionTerms,
  redactMentionsInText,
  type SubjectRef,
} from '../../../src/items/index.js';
import {
  anonymousRef,
  batchContext,
  dumpCampus,
  eraseContext,
  foreignChanges,
  hashDump,
  subjectContext,
  subjectRefs,
} from '../campus-test-support.js';
import { generateCampus } from '../generate.js';
import { closeItems, createItems } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'lethe-campus-items-'));
const base = join(dir, 'base.db');
let subjects: SubjectRef[];
let anonymous: SubjectRef;
let copies = 0;

beforeAll(async () => {
  await generateCampus(base, { users: 50, seed: 11 });
  subjects = subjectRefs(base);
  anonymous = anonymousRef(base);
});

afterAll(() => {
  closeItems();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of the campus with its own items. */
function freshCampus(): { path: string; items: Map<string, Item> } {
  const path = join(dir, `copy-${++copies}.db`);
  copyFileSync(base, path);
  const items = createItems({ database: `sqlite:${path}` });
  return { path, items: new Map(items.map((item) => [itemKey(item), item])) };
}

function counts(result: BatchResult): Map<string, number> {
  return new Map([...result].map(([id, v]) => [id, typeof v === 'number' ? v : v.count]));
}

async function countAll(item: Item, batch: readonly SubjectRef[]): Promise<Map<string, number>> {
  if (!item.count) throw new Error(`${itemKey(item)} cannot count`);
  return counts(await item.count(batchContext(batch, anonymous)));
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Buffer));
  return Buffer.concat(parts);
}

describe('createItems', () => {
  it('gives at least 25 items in at least 8 components, that the registry accepts', () => {
    const items = createItems({ database: `sqlite:${base}` });
    const registry = new ItemRegistry().registerAll(items);
    expect(registry.size).toBeGreaterThanOrEqual(25);
    expect(new Set(items.map((i) => i.component)).size).toBeGreaterThanOrEqual(8);
    for (const item of items) {
      expect(item.count, itemKey(item)).toBeDefined();
      expect(item.title.length).toBeGreaterThan(0);
      expect(item.help.length).toBeGreaterThan(0);
    }
  });

  it('loads as a code item source, the way the demo config names it', async () => {
    const loaded = await loadItemSources(
      [{ module: 'items/index.ts', options: { database: `sqlite:${base}` } }],
      join(import.meta.dirname, '..'),
    );
    try {
      expect(loaded.items.length).toBeGreaterThanOrEqual(25);
    } finally {
      await loaded.close();
    }
  });

  it('has the statuses a real site needs', () => {
    const items = new Map(createItems({ database: base }).map((i) => [itemKey(i), i]));
    expect(items.get('user/names')?.modes.delete?.statuses).toEqual(['deleted']);
    expect(items.get('user/email')?.modes.delete?.statuses).toEqual(['deleted']);
    expect(items.get('forum/posts')?.modes.anonymise?.statuses).toEqual(['active', 'suspended', 'deleted']);
    expect(items.get('forum/posts')?.modes.delete?.statuses).toEqual(['deleted']);
    expect(items.get('messages/sent')?.modes.delete?.statuses).toEqual(['deleted']);
    expect(items.get('helpdesk/anonymize-user')?.modes.anonymise?.statuses).toEqual([
      'active',
      'suspended',
      'deleted',
    ]);
  });

  it('refuses a missing database option with LETHE_E_ITEM_SOURCE, and a missing file on first use', async () => {
    expect(() => createItems({})).toThrow(expect.objectContaining({ code: 'LETHE_E_ITEM_SOURCE' }));
    const [item] = createItems({ database: `sqlite:${join(dir, 'missing.db')}` });
    await expect(item?.count?.(batchContext(subjects.slice(0, 1), anonymous))).rejects.toMatchObject({
      code: 'LETHE_E_DATABASE_UNREACHABLE',
    });
    expect(() => createItems({ database: 'sqlite::memory:' })).toThrow(
      expect.objectContaining({ code: 'LETHE_E_DATABASE_URL' }),
    );
  });
});

describe('Sarah Stanley', () => {
  it.each([
    [50, 11],
    [500, 1],
  ])('has data in every item but the support-only ones (%i users, seed %i)', async (users, seed) => {
    const path = join(dir, `sarah-${users}.db`);
    if (users !== 50) await generateCampus(path, { users, seed });
    else copyFileSync(base, path);
    const sarah = subjectRefs(path).find((s) => s.fullName === 'Sarah Stanley')!;
    const empty: string[] = [];
    for (const item of createItems({ database: path })) {
      const n = counts(await item.count!(batchContext([sarah], anonymous))).get(sarah.id);
      if (!n) empty.push(itemKey(item));
    }
    expect(empty).toEqual(['helpdesk/user-history', 'helpdesk/anonymize-user']);
  });
});

describe('every item', () => {
  const keys = createItems({ database: '/nowhere/campus.db' }).map(itemKey);

  it.each(keys)('%s counts in batches across chunks of ids', async (key) => {
    const { items } = freshCampus();
    const item = items.get(key)!;
    // More than 500 subjects (unknown ids among them) makes the item chunk its IN lists.
    const unknown = Array.from({ length: 520 }, (_, i) => ({
      ...subjects[0]!,
      id: String(100_000 + i),
      email: `nobody${i}@nowhere.example`,
    }));
    const all = await countAll(item, [...subjects, ...unknown]);
    for (const subject of subjects.slice(0, 12)) {
      const one = await countAll(item, [subject]);
      expect(all.get(subject.id), subject.id).toBe(one.get(subject.id));
    }
    expect(all.get('100000')).toBe(0);
  });

  const cases = createItems({ database: '/nowhere/campus.db' }).flatMap((item) =>
    (Object.keys(item.modes) as EraseMode[]).map((mode) => [itemKey(item), mode] as const),
  );

  it.each(cases)('%s in mode %s: exports, dry-runs, and erases only the batch', async (key, mode) => {
    const { path, items } = freshCampus();
    const item = items.get(key)!;
    const before = await countAll(item, subjects);
    const batch = subjects
      .filter((s) => (before.get(s.id) ?? 0) > 0)
      .sort((a, b) => (before.get(b.id) ?? 0) - (before.get(a.id) ?? 0) || Number(a.id) - Number(b.id))
      .slice(0, 2);
    expect(batch.length, 'two subjects with data').toBe(2);
    const others = subjects.filter((s) => !batch.includes(s));

    // Export: as many records as counted, and every file with its size.
    if (item.export) {
      for (const subject of batch) {
        const records = [];
        for await (const record of item.export.records(subjectContext(subject, anonymous)))
          records.push(record);
        expect(records.length, `records of ${subject.id}`).toBe(before.get(subject.id));
        for (const record of records) expect(JSON.parse(JSON.stringify(record))).toEqual(record);
        if (item.export.files) {
          let files = 0;
          for await (const file of item.export.files(subjectContext(subject, anonymous))) {
            files++;
            expect((await readAll(await file.open())).length).toBe(file.size);
            expect(file.name).not.toMatch(/^\//);
          }
          expect(files).toBe(before.get(subject.id));
        }
      }
    }

    // A dry run reports the same counts and changes nothing.
    const dump = dumpCampus(path);
    const dry = counts(await item.erase!(eraseContext(batch, anonymous, mode, true)));
    for (const subject of batch) expect(dry.get(subject.id)).toBe(before.get(subject.id));
    expect(hashDump(dumpCampus(path))).toBe(hashDump(dump));

    // The real run: the batch's data is gone, nobody else's changed.
    const done = counts(await item.erase!(eraseContext(batch, anonymous, mode, false)));
    for (const subject of batch) expect(done.get(subject.id)).toBe(before.get(subject.id));
    const after = await countAll(item, subjects);
    for (const subject of batch) expect(after.get(subject.id), `left for ${subject.id}`).toBe(0);
    expect(foreignChanges(dump, dumpCampus(path), batch)).toEqual([]);
    const othersAfter = await countAll(item, others);
    const othersBefore = new Map(others.map((s) => [s.id, before.get(s.id)]));
    // Emails and contacts are shared: one that concerns the batch and someone else may go for both.
    const shared = ['helpdesk/emails', 'helpdesk/anonymize-user', 'user/contacts'].includes(key);
    if (!shared) expect(othersAfter).toEqual(othersBefore);
    for (const [id, n] of othersAfter) expect(n).toBeLessThanOrEqual(othersBefore.get(id) ?? 0);

    // Erasing again is harmless.
    const again = counts(await item.erase!(eraseContext(batch, anonymous, mode, false)));
    for (const subject of batch) expect(again.get(subject.id)).toBe(0);
  });
});

describe('mentions in free text', () => {
  const tables: Record<string, string> = {
    'forum/posts': 'forum_posts',
    'messages/sent': 'messages',
    'blog/posts': 'blog_posts',
    'helpdesk/emails': 'helpdesk_emails',
  };

  it.each(Object.keys(tables))(
    "%s finds Sarah in other people's text and redacts only the mentions",
    async (key) => {
      const { path, items } = freshCampus();
      const item = items.get(key)!;
      const sarah = subjects.find((s) => s.id === '3')!;
      const terms = mentionTerms([sarah.fullName, sarah.username, sarah.email]);
      const ctx = { subject: sarah, terms, signal: new AbortController().signal };
      const hits = [];
      for await (const hit of item.mentions!.find(ctx)) hits.push(hit);
      if (key === 'forum/posts' || key === 'helpdesk/emails') expect(hits.length).toBeGreaterThan(0);
      const table = tables[key]!;
      const before = dumpCampus(path);
      const recordIds = [...new Set(hits.map((h) => h.recordId))];
      for (const hit of hits) {
        expect(hit.excerpt.toLowerCase()).toMatch(/sarah stanley|sstanley|sarah\.stanley@mail\.example/);
        const row = JSON.parse(before.get(`${table}:${hit.recordId}`)!) as Record<string, unknown>;
        const authorColumn = table === 'blog_posts' || table === 'forum_posts' ? 'author_id' : 'from_user_id';
        expect(row[authorColumn]).not.toBe(3);
      }
      const replaced = await item.mentions!.redact!({ ...ctx, recordIds });
      expect(replaced).toBe(hits.length);
      const after = dumpCampus(path);
      const pattern = mentionPattern(terms);
      for (const [rowKey, json] of before) {
        const id = rowKey.slice(rowKey.indexOf(':') + 1);
        if (!rowKey.startsWith(`${table}:`) || !recordIds.includes(id)) {
          expect(after.get(rowKey), rowKey).toBe(json);
          continue;
        }
        const old = JSON.parse(json) as Record<string, unknown>;
        const expected = Object.fromEntries(
          Object.entries(old).map(([k, v]) => [
            k,
            typeof v === 'string' ? redactMentionsInText(v, pattern).text : v,
          ]),
        );
        expect(JSON.parse(after.get(rowKey)!)).toEqual(expected);
      }
      const again = [];
      for await (const hit of item.mentions!.find(ctx)) again.push(hit);
      expect(again).toEqual([]);
    },
  );
});

describe('erase semantics', () => {
  const sarah = () => subjects.find((s) => s.id === '3')!;

  it('anonymised blog posts show "Anonymous" as their author', async () => {
    const { path, items } = freshCampus();
    await items.get('blog/posts')!.erase!(eraseContext([sarah()], anonymous, 'anonymise', false));
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT author_id, author_name FROM blog_posts WHERE author_id IN (2, 3)').all();
    db.close();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(rows.map(() => ({ author_id: 2, author_name: 'Anonymous' })));
  });

  it('anonymised forum threads keep every post in order, shown as "Anonymous", also as "last post by"', async () => {
    const { path, items } = freshCampus();
    const read = () => {
      const db = new Database(path, { readonly: true });
      const posts = db
        .prepare(
          `SELECT p.id, p.discussion_id, p.parent_id, p.author_name, p.body FROM forum_posts p
           WHERE p.discussion_id IN (SELECT discussion_id FROM forum_posts WHERE author_id = 3) ORDER BY p.discussion_id, p.id`,
        )
        .all() as Array<{ id: number; author_name: string }>;
      const last = db
        .prepare('SELECT count(*) AS n FROM forum_discussions WHERE last_post_user_id = 3')
        .get() as {
        n: number;
      };
      db.close();
      return { posts, last: last.n };
    };
    const before = read();
    expect(before.posts.some((p) => p.author_name === 'Sarah Stanley')).toBe(true);
    await items.get('forum/posts')!.erase!(eraseContext([sarah()], anonymous, 'anonymise', false));
    await items.get('forum/discussions')!.erase!(eraseContext([sarah()], anonymous, 'anonymise', false));
    const db = new Database(path, { readonly: true });
    const after = db
      .prepare(
        `SELECT p.id, p.discussion_id, p.parent_id, p.author_name, p.body FROM forum_posts p
         WHERE p.id IN (${before.posts.map((p) => p.id).join(',')}) ORDER BY p.discussion_id, p.id`,
      )
      .all() as Array<{ id: number; author_name: string }>;
    const leftovers = db
      .prepare(
        `SELECT (SELECT count(*) FROM forum_discussions WHERE last_post_user_id = 3 OR author_id = 3
           OR last_post_user_name = 'Sarah Stanley' OR author_name = 'Sarah Stanley') AS n`,
      )
      .get() as { n: number };
    db.close();
    expect(after.map((p) => p.id)).toEqual(before.posts.map((p) => p.id));
    expect(after).toEqual(
      before.posts.map((p) => (p.author_name === 'Sarah Stanley' ? { ...p, author_name: 'Anonymous' } : p)),
    );
    expect(leftovers.n).toBe(0);
  });

  it('deleting forum posts blanks them but keeps the thread whole', async () => {
    const { path, items } = freshCampus();
    const deleted = subjects.find((s) => s.status === 'deleted' && s.kind !== 'support')!;
    const db0 = new Database(path, { readonly: true });
    const total = (db0.prepare('SELECT count(*) AS n FROM forum_posts').get() as { n: number }).n;
    db0.close();
    await items.get('forum/posts')!.erase!(eraseContext([sarah(), deleted], anonymous, 'delete', false));
    const db = new Database(path, { readonly: true });
    const rows = db
      .prepare('SELECT subject, body, deleted, author_name FROM forum_posts WHERE deleted = 1')
      .all();
    const after = (db.prepare('SELECT count(*) AS n FROM forum_posts').get() as { n: number }).n;
    db.close();
    expect(after).toBe(total);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect(row).toEqual({ subject: '', body: '', deleted: 1, author_name: 'Anonymous' });
  });

  it('skips the anonymous user in a batch, and refuses a mode the item does not have', async () => {
    const { items } = freshCampus();
    const result = await items.get('blog/posts')!.erase!(
      eraseContext([sarah(), anonymous], anonymous, 'anonymise', true),
    );
    expect(result.get(anonymous.id)).toMatchObject({ status: 'skipped' });
    await expect(
      items.get('forum/discussions')!.erase!(eraseContext([sarah()], anonymous, 'delete', false)),
    ).rejects.toMatchObject({ code: 'LETHE_E_MODE_UNSUPPORTED' });
  });

  it('creates the anonymous campus user on first use when the anonymous subject is not a campus user', async () => {
    const { path, items } = freshCampus();
    const outsider: SubjectRef = { ...anonymous, id: 'lethe-anonymous', username: 'lethe-anon' };
    const dry = await items.get('blog/posts')!.erase!(eraseContext([sarah()], outsider, 'anonymise', true));
    expect(counts(dry).get('3')).toBeGreaterThan(0);
    const db = new Database(path, { readonly: true });
    const none = db.prepare("SELECT count(*) AS n FROM users WHERE username = 'lethe-anon'").get() as {
      n: number;
    };
    expect(none.n).toBe(0);
    db.close();
    await items.get('blog/posts')!.erase!(eraseContext([sarah()], outsider, 'anonymise', false));
    const db2 = new Database(path, { readonly: true });
    const user = db2.prepare("SELECT id, kind, auth FROM users WHERE username = 'lethe-anon'").get() as {
      id: number;
      kind: string;
      auth: string;
    };
    const posts = db2
      .prepare('SELECT DISTINCT author_id FROM blog_posts WHERE author_name = ?')
      .all('Anonymous');
    db2.close();
    expect(user).toMatchObject({ kind: 'system', auth: 'nologin' });
    expect(posts).toEqual([{ author_id: user.id }]);
  });

  it('"Anonymize user" skips subjects who are not support users', async () => {
    const { items } = freshCampus();
    const support = subjects.find((s) => s.kind === 'support')!;
    const result = await items.get('helpdesk/anonymize-user')!.erase!(
      eraseContext([support, sarah()], anonymous, 'anonymise', true),
    );
    expect(result.get(support.id)).toMatchObject({ status: 'success' });
    expect(result.get('3')).toMatchObject({ status: 'skipped', count: 0 });
  });
});
