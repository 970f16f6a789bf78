import type { Item } from '../../../src/items/index.js';
import { runPerChunk } from './batch-sql.js';
import type { CampusDatabase } from './campus-database.js';
import { ownedRowsItem, whenAny, whenDeleted, whenInactive } from './item-builders.js';
import { textMentions } from './text-mentions.js';

const group = 'Activity: Forum';

/**
 * Forum posts are never removed, so that threads stay whole: anonymising re-attributes them (author id, author
 * name, and "last post by" on discussions) to the anonymous user; deleting also blanks their subject and text.
 */
export function forumItems(campus: CampusDatabase): Item[] {
  return [
    {
      ...ownedRowsItem(campus, {
        component: 'forum',
        name: 'posts',
        group,
        title: 'Forum posts and replies',
        help:
          'Posts and replies the user wrote. Anonymise: they show "Anonymous" as author, also as "last post by". ' +
          'Delete: their subject and text are blanked too; the posts stay in place so that threads stay whole.',
        sortOrder: 10,
        table: 'forum_posts',
        owner: 'author_id',
        joins: 'JOIN forum_discussions AS d ON d.id = t.discussion_id JOIN forums AS f ON f.id = d.forum_id',
        select:
          'f.name AS forum, d.name AS discussion, t.parent_id AS in_reply_to, t.subject AS subject, t.body AS body, t.created_at AS created_at, t.updated_at AS updated_at',
        // An active user may ask for a forum clean-up: their posts stay, attributed to Anonymous.
        anonymise: {
          statuses: whenAny,
          set: 'author_id = ?, author_name = ?',
          params: (a) => [a.id, a.name],
        },
        delete: whenDeleted,
        deleteBy: {
          set: "author_id = ?, author_name = ?, subject = '', body = '', deleted = 1",
          params: (a) => [a.id, a.name],
        },
        alsoErase(w) {
          const anonymous = w.anonymous();
          runPerChunk(
            campus,
            w.batch.ids,
            (ids) =>
              `UPDATE forum_discussions SET last_post_user_id = ?, last_post_user_name = ? WHERE last_post_user_id IN (${ids})`,
            [anonymous.id, anonymous.name],
          );
        },
      }),
      mentions: textMentions(campus, {
        table: 'forum_posts',
        fields: ['subject', 'body'],
        author: 'author_id',
      }),
    },
    ownedRowsItem(campus, {
      component: 'forum',
      name: 'discussions',
      group,
      title: 'Forum discussions started',
      help: 'Discussions the user started. Anonymising shows "Anonymous" as the one who started them.',
      sortOrder: 20,
      table: 'forum_discussions',
      owner: 'author_id',
      joins: 'JOIN forums AS f ON f.id = t.forum_id',
      select: 'f.name AS forum, t.name AS name, t.created_at AS created_at',
      anonymise: {
        statuses: whenInactive,
        set: 'author_id = ?, author_name = ?',
        params: (a) => [a.id, a.name],
      },
    }),
    ownedRowsItem(campus, {
      component: 'forum',
      name: 'ratings',
      group,
      title: 'Forum ratings',
      help: "The ratings the user gave to other people's posts.",
      sortOrder: 30,
      table: 'forum_ratings',
      owner: 'user_id',
      joins:
        'JOIN forum_posts AS p ON p.id = t.post_id JOIN forum_discussions AS d ON d.id = p.discussion_id',
      select: 'd.name AS discussion, p.subject AS post, t.rating AS rating, t.created_at AS created_at',
      delete: whenAny,
    }),
    ownedRowsItem(campus, {
      component: 'forum',
      name: 'subscriptions',
      group,
      title: 'Forum subscriptions',
      help: 'The forums the user is subscribed to.',
      sortOrder: 40,
      table: 'forum_subscriptions',
      owner: 'user_id',
      joins: 'JOIN forums AS f ON f.id = t.forum_id',
      select: 'f.name AS forum',
      delete: whenAny,
    }),
  ];
}
