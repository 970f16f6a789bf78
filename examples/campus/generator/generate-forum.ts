import type { CampusBuilder, Person } from './campus-builder.js';

interface PostRef {
  id: number;
  authorId: number;
}

/**
 * Forum discussions with posts and replies by many people (some replies mention others by full name, @username
 * or email), ratings of posts by other people, and forum subscriptions.
 */
export function generateForums(builder: CampusBuilder): void {
  const r = builder.random;
  const platformUsers = builder.platformUsers;
  const sarah = builder.people.find((p) => p.rich);
  const updateDiscussion = builder.db.prepare(
    'UPDATE forum_discussions SET last_post_user_id = ?, last_post_user_name = ?, last_post_at = ? WHERE id = ?',
  );
  const discussionCount = Math.max(4, Math.round(platformUsers.length * 0.6));
  let sarahMentioned = 0;

  for (let d = 0; d < discussionCount; d++) {
    const forumId = r.pick(builder.forumIds);
    // Sarah starts a couple of discussions and takes part in several others.
    const starter = sarah && d < 2 ? sarah : r.pick(platformUsers);
    const chosen = new Set<Person>([starter, ...r.some(platformUsers, r.int(2, 8))]);
    if (sarah && d < 8) chosen.add(sarah);
    const participants = [...chosen];
    const createdAt = r.after(starter.createdAt, 1500);
    const name = r.sentence().replace(/\.$/, '');
    const discussionId = builder.insert('forum_discussions', {
      forum_id: forumId,
      name,
      author_id: starter.id,
      author_name: starter.fullName,
      created_at: createdAt,
      last_post_user_id: starter.id,
      last_post_user_name: starter.fullName,
      last_post_at: createdAt,
    });
    const posts: PostRef[] = [];
    let at = createdAt;
    let last: Person = starter;
    const postCount = r.int(2, 18);
    for (let p = 0; p < postCount; p++) {
      const author = p === 0 ? starter : r.pick(participants);
      const parent = p === 0 ? undefined : r.chance(0.6) ? posts[0] : r.pick(posts);
      let mention = '';
      if (p > 0) {
        const mentionable = participants.filter((x) => x.id !== author.id);
        if (
          sarah &&
          author !== sarah &&
          sarahMentioned < 3 &&
          participants.includes(sarah) &&
          r.chance(0.4)
        ) {
          sarahMentioned++;
          mention = builder.mention(sarah);
        } else if (mentionable.length > 0 && r.chance(0.2)) {
          mention = builder.mention(r.pick(mentionable));
        }
      }
      at = r.after(at, 20);
      const id = builder.insert('forum_posts', {
        discussion_id: discussionId,
        parent_id: parent?.id ?? null,
        author_id: author.id,
        author_name: author.fullName,
        subject: p === 0 ? name : `Re: ${name}`,
        body: `${mention}${r.paragraph(r.int(1, 5))}`,
        deleted: 0,
        created_at: at,
        updated_at: at,
      });
      posts.push({ id, authorId: author.id });
      last = author;
      for (const rater of r.some(participants, r.int(0, 2))) {
        if (rater.id === author.id) continue;
        builder.insert('forum_ratings', {
          post_id: id,
          user_id: rater.id,
          rating: r.int(1, 5),
          created_at: r.after(at, 10),
        });
      }
    }
    updateDiscussion.run(last.id, last.fullName, at, discussionId);
  }

  for (const person of platformUsers) {
    for (const forumId of r.some(builder.forumIds, person.rich ? 3 : r.int(0, 4)).sort((a, b) => a - b)) {
      builder.insert('forum_subscriptions', { forum_id: forumId, user_id: person.id });
    }
  }
}
