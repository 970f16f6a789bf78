import type { Item } from '../../../src/items/index.js';
import type { CampusDatabase } from './campus-database.js';
import { ownedRowsItem, whenDeleted, whenInactive } from './item-builders.js';
import { textMentions } from './text-mentions.js';

/** Messages, calendar events, blogs, badges, completions, seminar signups and job assignments. */
export function activityItems(campus: CampusDatabase): Item[] {
  return [
    {
      ...ownedRowsItem(campus, {
        component: 'messages',
        name: 'sent',
        group: 'Messages',
        title: 'Sent messages',
        help: 'Private messages the user sent. Anonymising keeps them for the recipients, sent by "Anonymous".',
        sortOrder: 10,
        table: 'messages',
        owner: 'from_user_id',
        joins: 'JOIN users AS o ON o.id = t.to_user_id',
        select:
          "trim(o.firstname || ' ' || o.lastname) AS recipient, t.subject AS subject, t.body AS body, t.created_at AS created_at, t.read_at AS read_at",
        delete: whenDeleted,
        anonymise: { statuses: whenInactive, set: 'from_user_id = ?', params: (a) => [a.id] },
      }),
      // Each message is searched once, here: mentions in messages that others sent.
      mentions: textMentions(campus, {
        table: 'messages',
        fields: ['subject', 'body'],
        author: 'from_user_id',
      }),
    },
    ownedRowsItem(campus, {
      component: 'messages',
      name: 'received',
      group: 'Messages',
      title: 'Received messages',
      help: 'Private messages the user received. Anonymising keeps them for the senders, sent to "Anonymous".',
      sortOrder: 20,
      table: 'messages',
      owner: 'to_user_id',
      joins: 'JOIN users AS o ON o.id = t.from_user_id',
      select:
        "trim(o.firstname || ' ' || o.lastname) AS sender, t.subject AS subject, t.body AS body, t.created_at AS created_at, t.read_at AS read_at",
      delete: whenDeleted,
      anonymise: { statuses: whenInactive, set: 'to_user_id = ?', params: (a) => [a.id] },
    }),
    ownedRowsItem(campus, {
      component: 'calendar',
      name: 'events',
      group: 'Calendar',
      title: 'Calendar events',
      help: "The user's own calendar events (course events belong to the course).",
      sortOrder: 10,
      table: 'calendar_events',
      owner: 'user_id',
      filter: "t.event_type = 'user'",
      select:
        't.name AS name, t.description AS description, t.time_start AS time_start, t.duration_minutes AS duration_minutes',
      delete: whenInactive,
    }),
    {
      ...ownedRowsItem(campus, {
        component: 'blog',
        name: 'posts',
        group: 'Blogs',
        title: 'Blog posts',
        help: 'Blog posts the user wrote. Anonymising keeps them, with "Anonymous" as the author.',
        sortOrder: 10,
        table: 'blog_posts',
        owner: 'author_id',
        select:
          't.title AS title, t.body AS body, t.publish_state AS publish_state, t.created_at AS created_at, t.updated_at AS updated_at',
        delete: whenDeleted,
        anonymise: {
          statuses: whenInactive,
          set: 'author_id = ?, author_name = ?',
          params: (a) => [a.id, a.name],
        },
      }),
      mentions: textMentions(campus, { table: 'blog_posts', fields: ['title', 'body'], author: 'author_id' }),
    },
    ownedRowsItem(campus, {
      component: 'badges',
      name: 'issued',
      group: 'Badges',
      title: 'Issued badges',
      help: 'Badges issued to the user.',
      sortOrder: 10,
      table: 'badge_issued',
      owner: 'user_id',
      joins: 'JOIN badges AS b ON b.id = t.badge_id',
      select:
        't.issued_at AS issued_at, b.name AS badge, t.expires_at AS expires_at, t.unique_hash AS unique_hash',
      delete: whenInactive,
    }),
    ownedRowsItem(campus, {
      component: 'completion',
      name: 'courses',
      group: 'Learning: Completion',
      title: 'Course completions',
      help: 'Enrolment, start and completion of each course, with the grade.',
      sortOrder: 10,
      table: 'course_completions',
      owner: 'user_id',
      joins: 'JOIN courses AS c ON c.id = t.course_id',
      select:
        'c.shortname AS course, c.fullname AS course_name, t.enrolled_at AS enrolled_at, t.started_at AS started_at, t.completed_at AS completed_at, t.grade AS grade',
      delete: whenInactive,
    }),
    ownedRowsItem(campus, {
      component: 'seminar',
      name: 'signups',
      group: 'Activity: Seminar',
      title: 'Seminar attendance',
      help: 'Sign-ups for seminar sessions, with their state (booked, attended, no-show...).',
      sortOrder: 10,
      table: 'seminar_signups',
      owner: 'user_id',
      joins: 'JOIN seminar_sessions AS s ON s.id = t.session_id JOIN seminars AS m ON m.id = s.seminar_id',
      select:
        'm.name AS seminar, s.starts_at AS starts_at, s.room AS room, t.state AS state, t.note AS note, t.signed_up_at AS signed_up_at',
      delete: whenInactive,
    }),
    ownedRowsItem(campus, {
      component: 'job',
      name: 'assignments',
      group: 'Job assignments',
      title: 'Job assignments',
      help: "The user's positions, organisations and managers.",
      sortOrder: 10,
      table: 'job_assignments',
      owner: 'user_id',
      joins: 'LEFT JOIN users AS m ON m.id = t.manager_id',
      select:
        "t.fullname AS title, t.idnumber AS idnumber, t.position AS position, t.organisation AS organisation, trim(m.firstname || ' ' || m.lastname) AS manager, t.start_date AS start_date, t.end_date AS end_date",
      delete: whenDeleted,
    }),
  ];
}
