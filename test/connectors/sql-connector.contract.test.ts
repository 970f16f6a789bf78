import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDatasetItems, parseDataset, readSubjects } from '../../src/connectors/sql/index.js';
import type { ExportFile } from '../../src/items/index.js';
import {
  batch,
  collect,
  eraseContext,
  purge,
  subjectContext,
  testHashKey,
} from './support/contract-context.js';
import { anonymousId, dumpFixture, fixtureDataset } from './support/fixture.js';
import { dialectTargets } from './support/test-databases.js';
import { useContract } from './support/use-contract.js';

async function readAll(file: ExportFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await file.open()) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

for (const target of dialectTargets()) {
  describe(`SQL connector contract [${target.dialect}]`, () => {
    const c = useContract(target, { files: true });

    it('orders items children first', () => {
      const order = [...c.items]
        .sort((a, b) => a.sortOrder - b.sortOrder)
        .map((i) => `${i.component}/${i.name}`);
      const runsBefore = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
      runsBefore('forum/posts', 'forum/discussions');
      runsBefore('helpdesk/attachments', 'helpdesk/emails');
      runsBefore('helpdesk/emails', 'helpdesk/issues');
      runsBefore('helpdesk/issues', 'core/profile');
    });

    it('counts a batch of subjects per subject, through columns, several paths, hops and text', async () => {
      const counts = async (key: string) =>
        Object.fromEntries(await c.item(key).count!(batch([1, 2, 4, 5, 6])));
      expect(await counts('forum/discussions')).toEqual({ '1': 2, '2': 1 });
      expect(await counts('forum/posts')).toEqual({ '1': 4, '2': 2 });
      expect(await counts('messaging/messages')).toEqual({ '1': 3, '2': 3 });
      expect(await counts('helpdesk/emails')).toEqual({ '1': 3, '2': 2 });
      expect(await counts('helpdesk/attachments')).toEqual({ '1': 1, '2': 1 });
      expect(await counts('helpdesk/system-emails')).toEqual({ '1': 2, '2': 1, '4': 1, '5': 1 });
      expect(await counts('files/private')).toEqual({ '1': 2, '2': 1 });
      expect(await counts('core/profile')).toEqual({ '1': 1, '2': 1, '4': 1, '5': 1, '6': 1 });
    });

    it('exports a subject’s records, streamed in key order', async () => {
      const posts = await collect(c.item('forum/posts').export!.records(subjectContext(1)));
      expect(posts.map((r) => r['id'])).toEqual([1, 3, 4, 6]);
      expect(posts[0]).toMatchObject({ discussion_id: 1, author_id: 1, message: 'Opening', ip: '10.0.0.1' });
      const attachments = await collect(c.item('helpdesk/attachments').export!.records(subjectContext(1)));
      expect(attachments).toEqual([{ id: 1, email_id: 1, filename: 'a.txt' }]);
      const profile = await collect(c.item('core/profile').export!.records(subjectContext(2)));
      expect(profile).toEqual([
        { id: 2, username: 'user2', email: 'u2@ex.com', firstname: 'First2', lastname: 'Last2' },
      ]);
      const system = await collect(c.item('helpdesk/system-emails').export!.records(subjectContext(1)));
      expect(system.map((r) => r['id'])).toEqual([1, 4]);
    });

    it('exports files from a blob column and from a path column, never outside the root', async () => {
      const blobs = await collect(c.item('helpdesk/attachments').export!.files!(subjectContext(2)));
      expect(blobs.map((f) => [f.name, f.size])).toEqual([['2-b.bin', 4]]);
      expect([...(await readAll(blobs[0] as ExportFile))]).toEqual([0, 1, 2, 255]);
      const paths = await collect(c.item('files/private').export!.files!(subjectContext(1)));
      expect(paths.map((f) => f.name)).toEqual(['u1/cv.txt']);
      expect((await readAll(paths[0] as ExportFile)).toString()).toBe('curriculum vitae');
    });

    it('deletes children before parents and anonymises rows that other people’s rows still refer to', async () => {
      const results = await purge(c.items, [1], 'delete');
      const rows = await dumpFixture(c.connection);
      const row = (key: string) => {
        const text = rows.get(key);
        return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      };
      // posts: 4 and 6 are leaves, 3 goes once 4 is gone; 1 still has user 2's reply.
      expect(['forum_posts#3', 'forum_posts#4', 'forum_posts#6'].map(row)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect(row('forum_posts#1')).toMatchObject({ author_id: anonymousId, message: '[removed]', ip: null });
      expect(results.get('forum/posts')?.get('1')).toMatchObject({ status: 'success', count: 4 });
      expect(
        String((results.get('forum/posts')?.get('1') as { message?: string } | undefined)?.message),
      ).toMatch(/3 deleted, 1 anonymised instead of deleted/);
      // discussions: 2 is gone, 1 still holds user 2's reply.
      expect(row('forum_discussions#2')).toBeUndefined();
      expect(row('forum_discussions#1')).toMatchObject({ author_id: anonymousId, title: '[deleted]' });
      // helpdesk: email 3 (on user 2's issue) has user 2's attachment, so it is anonymised; A's issue is deleted.
      expect(row('helpdesk_emails#1')).toBeUndefined();
      expect(row('helpdesk_emails#2')).toBeUndefined();
      expect(row('helpdesk_emails#3')).toMatchObject({ body: '[removed]' });
      expect(row('helpdesk_emails#3')?.['to_address']).toMatch(/^[0-9a-f]{64}$/);
      expect(row('helpdesk_issues#1')).toBeUndefined();
      expect(row('email_attachments#1')).toBeUndefined();
      // system emails: 1 and 4 mention u1@ex.com as a word; the traps stay.
      expect(['system_emails#1', 'system_emails#4'].map(row)).toEqual([undefined, undefined]);
      expect(row('system_emails#2')).toBeDefined();
      expect(row('system_emails#3')).toBeDefined();
      // files: the row and the file are gone; the path outside the root was not touched.
      expect(row('user_files#1')).toBeUndefined();
      expect(existsSync(join(c.filesRoot, 'u1', 'cv.txt'))).toBe(false);
      expect(existsSync(join(c.filesRoot, 'u2', 'photo.txt'))).toBe(true);
      // user 2's own rows are untouched.
      expect(row('forum_posts#2')).toMatchObject({ author_id: 2, message: 'B replies', parent_id: 1 });
      expect(row('forum_discussions#3')).toMatchObject({ author_id: 2 });
    });

    it('anonymises only the erased subject’s side of a shared row', async () => {
      const result = await c.item('messaging/messages').erase!(eraseContext([1], 'anonymise'));
      expect(result.get('1')).toEqual({ status: 'success', count: 3 });
      const rows = await dumpFixture(c.connection);
      const message = (id: number) => JSON.parse(rows.get(`messages#${id}`) ?? '{}');
      expect(message(1)).toMatchObject({ sender_id: anonymousId, recipient_id: 2, body: 'Hello B' });
      expect(message(2)).toMatchObject({ sender_id: 2, recipient_id: anonymousId });
      expect(message(3)).toMatchObject({ sender_id: 2, recipient_id: 3 });
      expect(message(4)).toMatchObject({ sender_id: anonymousId, recipient_id: anonymousId });
      // Erasing again finds nothing left: the run is idempotent.
      expect(Object.fromEntries(await c.item('messaging/messages').count!(batch([1])))).toEqual({});
    });

    it('hashes values with the configured key, the same value to the same hash', async () => {
      await c.item('core/profile').erase!(eraseContext([1, 2], 'anonymise'));
      const rows = await dumpFixture(c.connection);
      const user = (id: number) => JSON.parse(rows.get(`users#${id}`) ?? '{}');
      expect(user(1).username).toMatch(/^[0-9a-f]{64}$/);
      expect(user(1).username).not.toBe(user(2).username);
      expect(user(1)).toMatchObject({ email: null, firstname: '', lastname: '' });
      expect(user(3)).toMatchObject({ username: 'user3', email: 'u3@ex.com' });
    });

    it('counts only rows that anonymising would still change, and does not hash a hash again', async () => {
      const profile = c.item('core/profile');
      expect(Object.fromEntries(await profile.count!(batch([1, 2])))).toEqual({ '1': 1, '2': 1 });
      await profile.erase!(eraseContext([1], 'anonymise'));
      // User 1's row is still theirs, but holds nothing more to erase.
      expect(Object.fromEntries(await profile.count!(batch([1, 2])))).toEqual({ '2': 1 });
      const once = await dumpFixture(c.connection);
      const again = await profile.erase!(eraseContext([1], 'anonymise'));
      expect(again.get('1')).toBeUndefined();
      expect(await dumpFixture(c.connection)).toEqual(once);
      // A row with only its hash left counts while another column is still personal, and keeps its hash.
      const hashed = JSON.parse(once.get('users#1') ?? '{}').username as string;
      await c.connection.execute('UPDATE users SET firstname = ? WHERE id = ?', ['Again', 1]);
      expect(Object.fromEntries(await profile.count!(batch([1])))).toEqual({ '1': 1 });
      expect((await profile.erase!(eraseContext([1], 'anonymise'))).get('1')).toEqual({
        status: 'success',
        count: 1,
      });
      const user = JSON.parse((await dumpFixture(c.connection)).get('users#1') ?? '{}');
      expect(user).toMatchObject({ username: hashed, firstname: '' });
    });

    it('erases many subjects in one batch', async () => {
      const results = await purge(c.items, [1, 2, 4, 5], 'delete');
      expect(results.get('helpdesk/system-emails')?.get('4')).toEqual({ status: 'success', count: 1 });
      expect(results.get('helpdesk/system-emails')?.get('5')).toEqual({ status: 'success', count: 1 });
      const rows = await dumpFixture(c.connection);
      // With user 2 erased too, nobody else refers to user 1's opening post any more.
      expect([...rows.keys()].filter((k) => k.startsWith('forum_posts#'))).toEqual([]);
      expect(results.get('forum/posts')?.get('1')).toEqual({ status: 'success', count: 4 });
      expect([...rows.keys()].filter((k) => k.startsWith('system_emails#'))).toEqual(['system_emails#5']);
    });

    it('counts and erases a batch of 10,000 subjects, more than one statement binds', async () => {
      // Two links, each made the anonymous user: every count repeats the ids per link, near SQLite's 32,766.
      const ids = Array.from({ length: 10_000 }, (_, i) => i + 1);
      const messages = c.item('messaging/messages');
      expect(Object.fromEntries(await messages.count!(batch(ids)))).toEqual({ '1': 3, '2': 3, '3': 1 });
      const result = await messages.erase!(eraseContext(ids, 'anonymise'));
      expect(Object.fromEntries(result)).toEqual({
        '1': { status: 'success', count: 3 },
        '2': { status: 'success', count: 3 },
        '3': { status: 'success', count: 1 },
      });
      const rows = await dumpFixture(c.connection);
      for (const id of [1, 2, 3, 4]) {
        expect(JSON.parse(rows.get(`messages#${id}`) ?? '{}')).toMatchObject({
          sender_id: anonymousId,
          recipient_id: anonymousId,
        });
      }
    });

    it('a dry run reports what the item would do and changes nothing', async () => {
      const before = await dumpFixture(c.connection);
      const dry = await purge(c.items, [1, 2], 'delete', true);
      expect(await dumpFixture(c.connection)).toEqual(before);
      expect(existsSync(join(c.filesRoot, 'u1', 'cv.txt'))).toBe(true);
      // Each item's dry run rolls back, so a parent still sees its children: compare item by item.
      for (const key of ['forum/posts', 'files/private', 'helpdesk/attachments']) {
        const real = await c.item(key).erase!(eraseContext([1, 2], 'delete'));
        expect(dry.get(key)).toEqual(new Map(real));
      }
    });

    it('keeps to the rows a `where` allows', async () => {
      const yaml = `${fixtureDataset}\n`.replace(
        '  files:\n    items:\n',
        '  files:\n    items:\n      cvs:\n        table: user_files\n        via: user_id\n        where: { path: [u1/cv.txt, u2/other.txt] }\n        delete: true\n',
      );
      const dataset = parseDataset(yaml, {
        file: 'where.yaml',
        baseDir: c.filesRoot,
        hashKey: testHashKey,
        databaseOverride: c.db.url,
      });
      const items = await createDatasetItems(dataset, c.connection);
      const cvs = items.find((i) => i.name === 'cvs');
      expect(Object.fromEntries(await cvs!.count!(batch([1, 2])))).toEqual({ '1': 1 });
      expect(await collect(cvs!.export!.records(subjectContext(1)))).toEqual([
        { id: 1, user_id: 1, path: 'u1/cv.txt' },
      ]);
      await cvs!.erase!(eraseContext([1, 2], 'delete'));
      const rows = await dumpFixture(c.connection);
      expect([...rows.keys()].filter((k) => k.startsWith('user_files#'))).toEqual([
        'user_files#2',
        'user_files#3',
      ]);
    });

    it('reads the host users as subjects, page by page', async () => {
      const subjects = await collect(readSubjects(c.dataset, c.connection));
      expect(subjects.map((s) => s.id)).toEqual(['1', '2', '3', '4', '5', '6', '999']);
      expect(subjects[0]).toEqual({
        id: '1',
        username: 'user1',
        email: 'u1@ex.com',
        fullName: 'First1 Last1',
        kind: 'learner',
        status: 'deleted',
      });
      expect(subjects[2]?.status).toBe('active');
    });

    it('refuses a mode the item does not declare', async () => {
      await expect(c.item('messaging/messages').erase!(eraseContext([1], 'delete'))).rejects.toMatchObject({
        code: 'LETHE_E_MODE_UNSUPPORTED',
      });
    });

    it('rolls back an item run that is cancelled half-way', async () => {
      const before = await dumpFixture(c.connection);
      const controller = new AbortController();
      controller.abort();
      const ctx = { ...eraseContext([1], 'delete'), signal: controller.signal };
      await expect(c.item('forum/posts').erase!(ctx)).rejects.toThrow(/Cancelled/);
      expect(await dumpFixture(c.connection)).toEqual(before);
    });
  });
}
