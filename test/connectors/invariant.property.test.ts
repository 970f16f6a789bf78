import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EraseMode } from '../../src/items/index.js';
import { batch, type ContractContext, openContract, purge } from './support/contract-context.js';
import {
  anonymousId,
  clearFixture,
  dumpFixture,
  type FixtureData,
  type FixtureTable,
  fixtureTables,
  owners,
  seedFixture,
  userEmail,
} from './support/fixture.js';
import { fixtureUsers } from './support/fixture-data.js';
import { dialectTargets } from './support/test-databases.js';

const userIds = [1, 2, 3, 4, 5, 6];
const user = fc.constantFrom(...userIds);
const maybeUser = fc.option(user, { nil: null });
const separator = fc.constantFrom(' ', ', ', ' <', '> ', '\n', '(', ') ', '. ', '! ');
const mention = fc.oneof(
  user.map(userEmail),
  user.map((id) => userEmail(id).toUpperCase()),
  fc.constantFrom('nobody@ex.com', 'u1@ex.co', 'xu2@ex.com', 'u3@ex.com.org'),
);

/** Random fixture data: who wrote, sent, reported and is mentioned where is all left to chance. */
const fixtureData: fc.Arbitrary<FixtureData> = fc
  .record({
    discussions: fc.array(maybeUser, { maxLength: 4 }),
    posts: fc.array(fc.record({ discussion: fc.nat(), author: maybeUser, parent: fc.option(fc.nat()) }), {
      maxLength: 10,
    }),
    messages: fc.array(fc.record({ from: maybeUser, to: maybeUser }), { maxLength: 6 }),
    issues: fc.array(user, { maxLength: 4 }),
    emails: fc.array(fc.record({ issue: fc.nat(), to: mention }), { maxLength: 6 }),
    attachments: fc.array(fc.record({ email: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }), {
      maxLength: 4,
    }),
    system: fc.array(fc.array(fc.tuple(separator, mention), { maxLength: 4 }), { maxLength: 5 }),
    files: fc.array(user, { maxLength: 4 }),
  })
  .map((r) => {
    const discussions = r.discussions.length > 0 ? r.discussions : [null];
    const posts: FixtureData['forum_posts'] = [];
    r.posts.forEach((p, i) => {
      const discussionId = (p.discussion % discussions.length) + 1;
      const earlier = posts.filter((q) => q['discussion_id'] === discussionId);
      const parent = p.parent === null || earlier.length === 0 ? null : earlier[p.parent % earlier.length];
      posts.push({
        id: i + 1,
        discussion_id: discussionId,
        parent_id: parent ? (parent['id'] ?? null) : null,
        author_id: p.author,
        message: `post ${i + 1}`,
        ip: `10.0.0.${i + 1}`,
      });
    });
    const issues = r.issues.map((reporter, i) => ({
      id: i + 1,
      reporter_id: reporter,
      summary: `issue ${i + 1}`,
    }));
    const emails =
      issues.length === 0
        ? []
        : r.emails.map((e, i) => ({
            id: i + 1,
            issue_id: (e.issue % issues.length) + 1,
            to_address: e.to,
            body: `email ${i + 1}`,
          }));
    return {
      users: fixtureUsers([...userIds, anonymousId]),
      courses: [{ id: 1, name: 'Biology' }],
      forum_discussions: discussions.map((author, i) => ({
        id: i + 1,
        author_id: author,
        title: `d${i + 1}`,
      })),
      forum_posts: posts,
      messages: r.messages.map((m, i) => ({
        id: i + 1,
        sender_id: m.from,
        recipient_id: m.to,
        subject: `m${i + 1}`,
        body: 'hi',
      })),
      helpdesk_issues: issues,
      helpdesk_emails: emails,
      email_attachments:
        emails.length === 0
          ? []
          : r.attachments.map((a, i) => ({
              id: i + 1,
              email_id: (a.email % emails.length) + 1,
              filename: `f${i + 1}`,
              content: Buffer.from(a.bytes),
            })),
      system_emails: r.system.map((parts, i) => ({
        id: i + 1,
        recipient: null,
        body: `Hello${parts.map(([sep, m]) => sep + m).join('')} end`,
      })),
      user_files: r.files.map((u, i) => ({ id: i + 1, user_id: u, path: `u${u}/f${i + 1}.txt` })),
    };
  });

/** After a purge, these items find nothing left of the erased subjects. */
const emptied: Record<EraseMode, string[]> = {
  delete: [
    'forum/posts',
    'forum/discussions',
    'helpdesk/issues',
    'helpdesk/emails',
    'helpdesk/attachments',
    'helpdesk/system-emails',
    'files/private',
  ],
  anonymise: [
    'forum/posts',
    'forum/discussions',
    'messaging/messages',
    'helpdesk/issues',
    'helpdesk/emails',
    'helpdesk/attachments',
    'helpdesk/system-emails',
  ],
};

for (const target of dialectTargets()) {
  describe(`the erasure invariant [${target.dialect}]`, () => {
    let c: ContractContext;
    beforeAll(async () => {
      c = await openContract(target);
    });
    afterAll(async () => {
      await c?.close();
    });

    it('erasing some subjects leaves every row that belongs only to other subjects byte-identical', async () => {
      await fc.assert(
        fc.asyncProperty(
          fixtureData,
          fc.subarray(userIds, { minLength: 1 }),
          fc.constantFrom<EraseMode>('delete', 'anonymise'),
          async (data, erased, mode) => {
            await clearFixture(c.connection);
            await seedFixture(c.connection, data);
            const before = await dumpFixture(c.connection);
            await purge(c.items, erased, mode);
            const after = await dumpFixture(c.connection);
            for (const table of fixtureTables as readonly FixtureTable[]) {
              for (const row of data[table]) {
                const rowOwners = owners(data, table, row);
                if (rowOwners.some((o) => erased.includes(o))) continue;
                const key = `${table}#${row['id']}`;
                expect(after.get(key), key).toBe(before.get(key));
              }
            }
            for (const key of emptied[mode]) {
              const left = await c.item(key).count!(batch(erased));
              const total = [...left.values()].reduce<number>(
                (n, v) => n + (typeof v === 'number' ? v : v.count),
                0,
              );
              expect(total, key).toBe(0);
            }
          },
        ),
        { numRuns: target.dialect === 'sqlite' ? 25 : 12 },
      );
    });
  });
}
