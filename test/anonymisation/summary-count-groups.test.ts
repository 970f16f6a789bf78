import { expect, it } from 'vitest';
import { personalDataSummary } from '../../src/engine/anonymisation/index.js';
import { registerSubject } from '../../src/engine/subjects/index.js';
import {
  type BatchContext,
  type BatchResult,
  type CountGroup,
  type Item,
  type ItemKey,
  itemKey,
} from '../../src/items/index.js';
import type { Store } from '../../src/store/index.js';
import { FakeData, fakeItem } from '../engine/fake-items.js';
import { testEngine } from '../support/engine.js';
import { describeEachStore } from '../support/stores.js';

/** A count group that answers with `answer` (or throws, or never answers) and records each call. */
class FakeGroup implements CountGroup {
  readonly calls: Array<{ keys: string[]; subjects: string[] }> = [];

  constructor(
    readonly answer: (items: readonly Item[], ctx: BatchContext) => Promise<Map<ItemKey, BatchResult>>,
  ) {}

  countAll(items: readonly Item[], ctx: BatchContext) {
    this.calls.push({ keys: items.map(itemKey), subjects: ctx.subjects.map((s) => s.id) });
    return this.answer(items, ctx);
  }
}

/** Fake items (forum/posts 3, forum/ratings 1, blog/posts 2, user/names 1 for ann), each counting its own calls. */
function items(data: FakeData, options: { failing?: string } = {}) {
  const own = new Map<string, number>();
  const list = [
    fakeItem(data, 'forum', 'posts', { sortOrder: 1 }),
    fakeItem(data, 'forum', 'ratings', { sortOrder: 2 }),
    fakeItem(data, 'blog', 'posts'),
    fakeItem(data, 'user', 'names'),
  ];
  for (const item of list) {
    const count = item.count?.bind(item);
    const key = itemKey(item);
    item.count = async (ctx) => {
      own.set(key, (own.get(key) ?? 0) + 1);
      if (key === options.failing) throw new Error(`${key} is offline`);
      return (await count?.(ctx)) ?? new Map();
    };
  }
  return { list, own };
}

async function setup(store: Store, list: Item[], itemTimeLimitMs = 5000) {
  const engine = testEngine(store, list, { worker: { itemTimeLimitMs } });
  await registerSubject(engine, 'cli', {
    id: 'ann',
    username: 'ann',
    email: 'ann@example.org',
    fullName: 'Ann',
  });
  return engine;
}

function fill(data: FakeData): void {
  data.put('forum/posts', 'ann', ['p1', 'p2', 'p3']);
  data.put('forum/ratings', 'ann', ['r1']);
  data.put('blog/posts', 'ann', ['b1', 'b2']);
  data.put('user/names', 'ann', ['name']);
}

type Summary = Awaited<ReturnType<typeof personalDataSummary>>;

function counts(summary: Summary) {
  return summary.components.flatMap((c) => c.items.map((i) => [i.key, i.count, i.state, i.error]));
}

describeEachStore('Personal data summary, with count groups', ({ store }) => {
  it('counts a group’s items in one call and uses its answer; an item it leaves out counts on its own', async () => {
    const data = new FakeData();
    fill(data);
    const { list, own } = items(data);
    const [forumPosts, forumRatings, blogPosts, userNames] = list as [Item, Item, Item, Item];
    const group = new FakeGroup(
      async () =>
        new Map<ItemKey, BatchResult>([
          ['forum/posts', new Map([['ann', 7]])],
          [
            'forum/ratings',
            new Map([['ann', { status: 'error', count: 0, message: 'the ratings are locked' }]]),
          ],
        ]),
    );
    // A group of one is not worth a call: user/names counts on its own.
    const lonely = new FakeGroup(async () => new Map());
    forumPosts.countGroup = group;
    forumRatings.countGroup = group;
    blogPosts.countGroup = group;
    userNames.countGroup = lonely;
    const engine = await setup(store(), list);
    const summary = await personalDataSummary(engine, 'ann');
    expect(group.calls).toEqual([
      { keys: ['blog/posts', 'forum/posts', 'forum/ratings'], subjects: ['ann'] },
    ]);
    expect(lonely.calls).toEqual([]);
    expect(counts(summary)).toEqual([
      ['blog/posts', 2, 'pending', undefined],
      ['user/names', 1, 'pending', undefined],
      ['forum/posts', 7, 'pending', undefined],
      ['forum/ratings', null, 'error', 'the ratings are locked'],
    ]);
    expect([...own].sort()).toEqual([
      ['blog/posts', 1],
      ['user/names', 1],
    ]);
    expect(summary).toMatchObject({ total: 10, errors: 1 });
  });

  it('falls back to each item’s own count when the group’s call fails: the same summary as without the group', async () => {
    const data = new FakeData();
    fill(data);
    const plain = items(data, { failing: 'forum/ratings' });
    const expected = await personalDataSummary(await setup(store(), plain.list), 'ann');
    expect(counts(expected)).toContainEqual(['forum/ratings', null, 'error', 'forum/ratings is offline']);

    const grouped = items(data, { failing: 'forum/ratings' });
    const group = new FakeGroup(async () => {
      throw new Error('the database is down');
    });
    for (const item of grouped.list) item.countGroup = group;
    const engine = testEngine(store(), grouped.list, { worker: { itemTimeLimitMs: 5000 } });
    const summary = await personalDataSummary(engine, 'ann');
    expect(group.calls).toHaveLength(1);
    expect(summary).toEqual(expected);
    expect([...grouped.own.values()]).toEqual([1, 1, 1, 1]);
  });

  it('falls back to each item’s own count when the group’s call runs out of time', async () => {
    const data = new FakeData();
    fill(data);
    const { list, own } = items(data);
    const group = new FakeGroup(() => new Promise(() => undefined));
    for (const item of list) item.countGroup = group;
    const summary = await personalDataSummary(await setup(store(), list, 200), 'ann');
    expect(group.calls).toHaveLength(1);
    expect(counts(summary)).toEqual([
      ['blog/posts', 2, 'pending', undefined],
      ['user/names', 1, 'pending', undefined],
      ['forum/posts', 3, 'pending', undefined],
      ['forum/ratings', 1, 'pending', undefined],
    ]);
    expect([...own.values()]).toEqual([1, 1, 1, 1]);
  });
});
