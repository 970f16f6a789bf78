import type { Item } from '../../../src/items/index.js';
import type { CampusDatabase } from './campus-database.js';
import { textMentions } from './text-mentions.js';

/**
 * Mentions of a subject in other people's forum posts, messages and blog posts, as items of their own: the
 * dataset file (examples/campus/dataset.yaml) holds `forum/posts`, `messages/sent` and `blog/posts`, and these
 * items only find and redact mentions (`lethe mentions`). They have no count, export or erase: the text is other
 * people's content, not the subject's records. Helpdesk emails keep their mentions on `helpdesk/emails`.
 */
export function mentionItems(campus: CampusDatabase): Item[] {
  return [
    {
      component: 'forum',
      name: 'mentions',
      group: 'Activity: Forum',
      title: 'Mentions in forum posts',
      help: "Where other people's forum posts and replies name the user: found and redacted on request.",
      sortOrder: 90,
      modes: {},
      mentions: textMentions(campus, {
        table: 'forum_posts',
        fields: ['subject', 'body'],
        author: 'author_id',
      }),
    },
    {
      component: 'messages',
      name: 'mentions',
      group: 'Messages',
      title: 'Mentions in messages',
      help: 'Where messages that other people sent name the user: found and redacted on request.',
      sortOrder: 90,
      modes: {},
      mentions: textMentions(campus, {
        table: 'messages',
        fields: ['subject', 'body'],
        author: 'from_user_id',
      }),
    },
    {
      component: 'blog',
      name: 'mentions',
      group: 'Blogs',
      title: 'Mentions in blog posts',
      help: "Where other people's blog posts name the user: found and redacted on request.",
      sortOrder: 90,
      modes: {},
      mentions: textMentions(campus, { table: 'blog_posts', fields: ['title', 'body'], author: 'author_id' }),
    },
  ];
}
