import { afterEach, expect, it } from 'vitest';
import {
  findMentions,
  personalDataSummary,
  requestErasure,
  waitForRequests,
} from '../../src/engine/anonymisation/index.js';
import { listAudit } from '../../src/engine/audit/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { changeStatus } from '../../src/engine/subjects/index.js';
import { describeEachStore } from '../support/stores.js';
import { CampusFixture } from './campus-fixture.js';

type Post = { id: number; author_id: number; author_name: string; body: string; created_at: string };

/** Ann (learner) writes in a forum thread with Bob and Carol, blogs, and is mentioned in other people's text. */
function campus() {
  const f = new CampusFixture();
  const ann = f.person({
    username: 'alee',
    email: 'ann.lee@mail.example',
    first: 'Ann',
    last: 'Lee',
    kind: 'learner',
  });
  const bob = f.person({
    username: 'bob',
    email: 'bob@mail.example',
    first: 'Bob',
    last: 'Brown',
    kind: 'learner',
  });
  const carol = f.person({
    username: 'carol',
    email: 'carol@mail.example',
    first: 'Carol',
    last: 'Cole',
    kind: 'staff',
  });
  const thread = f.discussion('Exam dates', bob);
  const p1 = f.post(thread, bob, 'When is the exam?');
  const p2 = f.post(thread, ann, 'I think it is in May. Ann Lee', p1);
  const p3 = f.post(thread, carol, 'As ANN LEE said, May. Ask @alee or write to Ann.Lee@mail.example.', p2);
  const p4 = f.post(thread, ann, 'Thanks Carol!', p3);
  const p5 = f.post(thread, bob, 'Annie Leeds is someone else; annlee too.', p4);
  const annThread = f.discussion('Ann only', ann);
  f.post(annThread, ann, 'First');
  f.post(annThread, ann, 'Second');
  f.blogPost(ann, 'My year', 'It was a good year.');
  f.blogPost(ann, 'Exams', 'Revision tips.');
  f.blogPost(bob, 'Bob writes', 'Met Ann Lee today.');
  f.message(bob, carol, 'Did you see what ann lee posted?\nalee is right.');
  f.message(ann, carol, 'This is Ann Lee writing.');
  return { f, ann, bob, carol, thread, annThread, posts: [p1, p2, p3, p4, p5] };
}

type Campus = ReturnType<typeof campus>;

async function run(engine: Engine, id: number) {
  const waited = await waitForRequests(engine, [id], { timeoutMs: 30_000, pollMs: 20 });
  expect(waited.requests[0]?.status).toBe('succeeded');
  return waited.requests[0];
}

describeEachStore('anonymised content and mentions', ({ store }) => {
  let c: Campus;
  let engine: Engine;
  afterEach(() => c?.f.close());

  async function setup() {
    c = campus();
    engine = await c.f.engine(store());
  }

  const postsOf = (thread: number) =>
    c.f.db
      .prepare(
        'SELECT id, author_id, author_name, body, created_at FROM forum_posts WHERE discussion_id = ? ORDER BY created_at, id',
      )
      .all(thread) as Post[];

  it('threads still hold every post, in order, and each of the subject\'s posts shows "Anonymous"', async () => {
    await setup();
    const before = [...postsOf(c.thread), ...postsOf(c.annThread)];
    await changeStatus(engine, 'cli', [String(c.ann)], 'suspended');
    const { request } = await requestErasure(engine, 'cli', {
      subjectId: String(c.ann),
      items: ['forum'],
      mode: 'anonymise',
    });
    await run(engine, request.id);
    const after = [...postsOf(c.thread), ...postsOf(c.annThread)];
    expect(after.map((p) => [p.id, p.created_at, p.body])).toEqual(
      before.map((p) => [p.id, p.created_at, p.body]),
    );
    for (const [i, post] of after.entries()) {
      const was = before[i];
      if (was?.author_id === c.ann) expect(post).toMatchObject({ author_id: 2, author_name: 'Anonymous' });
      else expect(post).toEqual(was);
    }
    const discussions = c.f.db
      .prepare('SELECT id, author_name, last_post_user_name FROM forum_discussions ORDER BY id')
      .all();
    expect(discussions).toEqual([
      { id: c.thread, author_name: 'Bob Brown', last_post_user_name: 'Bob Brown' },
      { id: c.annThread, author_name: 'Anonymous', last_post_user_name: 'Anonymous' },
    ]);
  });

  it('`erase --items blog --mode anonymise` makes their blog posts show "Anonymous", and the counts drop to 0', async () => {
    await setup();
    const subjectId = String(c.ann);
    const count = async (key: string) =>
      (await personalDataSummary(engine, subjectId)).components
        .flatMap((x) => x.items)
        .find((i) => i.key === key);
    expect(await count('blog/posts')).toMatchObject({ count: 2, state: 'pending' });
    await expect(
      requestErasure(engine, 'cli', { subjectId, items: ['blog'], mode: 'anonymise' }),
    ).rejects.toMatchObject({ code: 'LETHE_E_SUBJECT_ACTIVE' });
    await changeStatus(engine, 'cli', [subjectId], 'suspended');
    const { request } = await requestErasure(engine, 'cli', {
      subjectId,
      items: ['blog'],
      mode: 'anonymise',
    });
    await run(engine, request.id);
    const blogs = c.f.db.prepare('SELECT author_id, author_name, title FROM blog_posts ORDER BY id').all();
    expect(blogs).toEqual([
      { author_id: 2, author_name: 'Anonymous', title: 'My year' },
      { author_id: 2, author_name: 'Anonymous', title: 'Exams' },
      { author_id: c.bob, author_name: 'Bob Brown', title: 'Bob writes' },
    ]);
    expect(await count('blog/posts')).toMatchObject({
      count: 0,
      state: 'done',
      done: { requestId: request.id },
    });
    expect(await count('forum/posts')).toMatchObject({ count: 4, state: 'pending' });
  });

  it("finds mentions in other people's free text only, whole words, any case", async () => {
    await setup();
    const result = await findMentions(engine, String(c.ann));
    expect(result.terms).toEqual(['ann.lee@mail.example', 'Ann Lee', 'alee']);
    const hits = result.hits.map((h) => [h.item, h.recordId, h.field]);
    // In catalogue order; Ann's own posts and messages are left out, and so are "Annie Leeds" and "annlee".
    expect(hits).toEqual([
      ['forum/posts', String(c.posts[2]), 'body'],
      ['forum/posts', String(c.posts[2]), 'body'],
      ['forum/posts', String(c.posts[2]), 'body'],
      ['blog/posts', '3', 'body'],
      ['messages/sent', '1', 'body'],
      ['messages/sent', '1', 'body'],
    ]);
    expect(result.hits[0]?.excerpt).toContain('As ANN LEE said');
    expect(result.hits[3]?.excerpt).toBe('Met Ann Lee today.');
    expect(result.hits[4]?.excerpt).toBe('Did you see what ann lee posted? alee is right.');
    expect(result.byItem).toEqual({ 'forum/posts': 3, 'blog/posts': 1, 'messages/sent': 2 });
    expect(result.total).toBe(6);
    expect(result.errors).toEqual([]);
  });

  it('redacts each mention in place and leaves the rest of the text as it was', async () => {
    await setup();
    type Row = { id: number; body: string };
    const rows = (sql: string) => c.f.db.prepare(sql).all() as Row[];
    const bodies = () => ({
      posts: rows('SELECT id, subject, body FROM forum_posts ORDER BY id'),
      blogs: rows('SELECT id, title, body FROM blog_posts ORDER BY id'),
      messages: rows('SELECT id, subject, body FROM messages ORDER BY id'),
    });
    const before = bodies();
    const result = await findMentions(engine, String(c.ann), { redact: true, actor: 'account:1' });
    expect(result.redacted).toEqual({ 'forum/posts': 3, 'blog/posts': 1, 'messages/sent': 2 });
    const after = bodies();
    expect(after.posts).toEqual(
      before.posts.map((p) =>
        p.id === c.posts[2]
          ? { ...p, body: 'As [redacted] said, May. Ask @[redacted] or write to [redacted].' }
          : p,
      ),
    );
    expect(after.blogs).toEqual(
      before.blogs.map((b) => (b.id === 3 ? { ...b, body: 'Met [redacted] today.' } : b)),
    );
    expect(after.messages).toEqual([
      { id: 1, subject: 'Hello', body: 'Did you see what [redacted] posted?\n[redacted] is right.' },
      { id: 2, subject: 'Hello', body: 'This is Ann Lee writing.' },
    ]);
    expect((await findMentions(engine, String(c.ann))).total).toBe(0);
    const event = (await listAudit(engine, { limit: 20 })).events.find((e) => e.action === 'mentions.redact');
    expect(event).toMatchObject({
      actor: 'account:1',
      targetId: String(c.ann),
      details: { redacted: { 'forum/posts': 3 } },
    });
    await expect(findMentions(engine, '2', { redact: true })).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_PROTECTED',
    });
    await expect(findMentions(engine, 'nobody')).rejects.toMatchObject({ code: 'LETHE_E_SUBJECT_UNKNOWN' });
  });
});
