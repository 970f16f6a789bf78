import type { Database } from 'better-sqlite3';

/**
 * The campus host database: a learning platform with a helpdesk, in one SQLite file.
 *
 * Conventions: ids are integers; timestamps are ISO-8601 text; booleans are 0/1; address lists
 * (`to_addresses`, `cc_addresses`, `bcc_addresses`) are lower-case addresses separated by commas, no spaces.
 */
export const campusSchemaSql = `
CREATE TABLE courses (
  id INTEGER PRIMARY KEY,
  shortname TEXT NOT NULL UNIQUE,
  fullname TEXT NOT NULL,
  category TEXT NOT NULL
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL DEFAULT '',
  firstname TEXT NOT NULL DEFAULT '',
  lastname TEXT NOT NULL DEFAULT '',
  middlename TEXT NOT NULL DEFAULT '',
  alternatename TEXT NOT NULL DEFAULT '',
  idnumber TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  mobile TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  picture INTEGER REFERENCES files(id),
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'deleted')),
  kind TEXT NOT NULL CHECK (kind IN ('staff', 'learner', 'support', 'system')),
  -- 1 for accounts deleted before Lethe managed them.
  legacy INTEGER NOT NULL DEFAULT 0 CHECK (legacy IN (0, 1)),
  company TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  interests TEXT NOT NULL DEFAULT '',
  auth TEXT NOT NULL DEFAULT 'manual' CHECK (auth IN ('manual', 'ldap', 'nologin')),
  password_hash TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT 'en',
  timezone TEXT NOT NULL DEFAULT 'UTC',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_login_at TEXT,
  status_changed_at TEXT NOT NULL
);
CREATE INDEX users_email ON users (email);
-- Deleting a file checks that no user shows it as their picture.
CREATE INDEX users_picture ON users (picture);

CREATE TABLE user_info_fields (
  id INTEGER PRIMARY KEY,
  shortname TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  datatype TEXT NOT NULL,
  -- 0: hidden (staff only), 1: visible to the user, 2: visible to everyone.
  visible INTEGER NOT NULL CHECK (visible IN (0, 1, 2))
);

CREATE TABLE user_info_data (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  field_id INTEGER NOT NULL REFERENCES user_info_fields(id),
  data TEXT NOT NULL,
  UNIQUE (user_id, field_id)
);

CREATE TABLE user_preferences (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  UNIQUE (user_id, name)
);

CREATE TABLE password_history (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id);

CREATE TABLE user_devices (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  model TEXT NOT NULL,
  platform TEXT NOT NULL,
  version TEXT NOT NULL,
  push_id TEXT NOT NULL,
  uuid TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
);
CREATE INDEX user_devices_user ON user_devices (user_id);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  contact_user_id INTEGER NOT NULL REFERENCES users(id),
  blocked INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  UNIQUE (user_id, contact_user_id)
);
CREATE INDEX contacts_contact ON contacts (contact_user_id);

-- The "history on the user card" that the helpdesk keeps for each customer.
CREATE TABLE user_history (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  entry TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX user_history_user ON user_history (user_id);

-- Private files and profile pictures. The content is either in the row (content) or on disk
-- (storage_path, relative to the files folder).
CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  area TEXT NOT NULL CHECK (area IN ('private', 'picture')),
  filepath TEXT NOT NULL,
  filename TEXT NOT NULL,
  mimetype TEXT NOT NULL,
  size INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  content BLOB,
  storage_path TEXT,
  created_at TEXT NOT NULL,
  CHECK (content IS NOT NULL OR storage_path IS NOT NULL)
);
CREATE INDEX files_user ON files (user_id, area);

CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  subject_user_id INTEGER NOT NULL REFERENCES users(id),
  author_id INTEGER NOT NULL REFERENCES users(id),
  course_id INTEGER REFERENCES courses(id),
  publish_state TEXT NOT NULL CHECK (publish_state IN ('personal', 'course', 'site')),
  content TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX notes_subject ON notes (subject_user_id);
CREATE INDEX notes_author ON notes (author_id);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  from_user_id INTEGER NOT NULL REFERENCES users(id),
  to_user_id INTEGER NOT NULL REFERENCES users(id),
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX messages_from ON messages (from_user_id);
CREATE INDEX messages_to ON messages (to_user_id);

-- User events have a user_id; course events have a course_id and no user_id.
CREATE TABLE calendar_events (
  id INTEGER PRIMARY KEY,
  user_id INTEGER REFERENCES users(id),
  course_id INTEGER REFERENCES courses(id),
  event_type TEXT NOT NULL CHECK (event_type IN ('user', 'course')),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  time_start TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL,
  CHECK ((event_type = 'user') = (user_id IS NOT NULL))
);
CREATE INDEX calendar_events_user ON calendar_events (user_id);

CREATE TABLE blog_posts (
  id INTEGER PRIMARY KEY,
  author_id INTEGER NOT NULL REFERENCES users(id),
  author_name TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  publish_state TEXT NOT NULL CHECK (publish_state IN ('draft', 'site', 'public')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX blog_posts_author ON blog_posts (author_id);

CREATE TABLE forums (
  id INTEGER PRIMARY KEY,
  course_id INTEGER NOT NULL REFERENCES courses(id),
  name TEXT NOT NULL,
  intro TEXT NOT NULL
);

CREATE TABLE forum_discussions (
  id INTEGER PRIMARY KEY,
  forum_id INTEGER NOT NULL REFERENCES forums(id),
  name TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES users(id),
  author_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_post_user_id INTEGER NOT NULL REFERENCES users(id),
  last_post_user_name TEXT NOT NULL,
  last_post_at TEXT NOT NULL
);
CREATE INDEX forum_discussions_author ON forum_discussions (author_id);
CREATE INDEX forum_discussions_last_post_user ON forum_discussions (last_post_user_id);

CREATE TABLE forum_posts (
  id INTEGER PRIMARY KEY,
  discussion_id INTEGER NOT NULL REFERENCES forum_discussions(id),
  parent_id INTEGER REFERENCES forum_posts(id),
  author_id INTEGER NOT NULL REFERENCES users(id),
  author_name TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  -- 1 once the post's content was deleted; the row stays so that the thread stays whole.
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX forum_posts_discussion ON forum_posts (discussion_id);
CREATE INDEX forum_posts_author ON forum_posts (author_id);

CREATE TABLE forum_ratings (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES forum_posts(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  created_at TEXT NOT NULL,
  UNIQUE (post_id, user_id)
);
CREATE INDEX forum_ratings_user ON forum_ratings (user_id);

CREATE TABLE forum_subscriptions (
  id INTEGER PRIMARY KEY,
  forum_id INTEGER NOT NULL REFERENCES forums(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  UNIQUE (forum_id, user_id)
);
CREATE INDEX forum_subscriptions_user ON forum_subscriptions (user_id);

CREATE TABLE badges (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  course_id INTEGER REFERENCES courses(id),
  issuer_name TEXT NOT NULL
);

CREATE TABLE badge_issued (
  id INTEGER PRIMARY KEY,
  badge_id INTEGER NOT NULL REFERENCES badges(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  unique_hash TEXT NOT NULL UNIQUE,
  issued_at TEXT NOT NULL,
  expires_at TEXT,
  UNIQUE (badge_id, user_id)
);
CREATE INDEX badge_issued_user ON badge_issued (user_id);

CREATE TABLE course_completions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  course_id INTEGER NOT NULL REFERENCES courses(id),
  enrolled_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT,
  grade REAL,
  UNIQUE (user_id, course_id)
);

CREATE TABLE seminars (
  id INTEGER PRIMARY KEY,
  course_id INTEGER NOT NULL REFERENCES courses(id),
  name TEXT NOT NULL
);

CREATE TABLE seminar_sessions (
  id INTEGER PRIMARY KEY,
  seminar_id INTEGER NOT NULL REFERENCES seminars(id),
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  room TEXT NOT NULL
);

CREATE TABLE seminar_signups (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES seminar_sessions(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  state TEXT NOT NULL CHECK (state IN ('booked', 'waitlisted', 'cancelled', 'attended', 'no_show')),
  note TEXT NOT NULL DEFAULT '',
  signed_up_at TEXT NOT NULL,
  UNIQUE (session_id, user_id)
);
CREATE INDEX seminar_signups_user ON seminar_signups (user_id);

CREATE TABLE job_assignments (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  fullname TEXT NOT NULL,
  idnumber TEXT NOT NULL,
  position TEXT NOT NULL,
  organisation TEXT NOT NULL,
  manager_id INTEGER REFERENCES users(id),
  start_date TEXT NOT NULL,
  end_date TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX job_assignments_user ON job_assignments (user_id);
CREATE INDEX job_assignments_manager ON job_assignments (manager_id);

CREATE TABLE helpdesk_issues (
  id INTEGER PRIMARY KEY,
  reporter_id INTEGER NOT NULL REFERENCES users(id),
  assignee_id INTEGER REFERENCES users(id),
  company TEXT NOT NULL,
  subject TEXT NOT NULL,
  description TEXT NOT NULL,
  -- Set when the issue was created from an incoming email: the description is that email's body.
  description_email_id INTEGER REFERENCES helpdesk_emails(id),
  status TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
  priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX helpdesk_issues_reporter ON helpdesk_issues (reporter_id);
CREATE INDEX helpdesk_issues_assignee ON helpdesk_issues (assignee_id);
CREATE INDEX helpdesk_issues_description_email ON helpdesk_issues (description_email_id);

-- incoming: from a customer; outgoing: from an agent; system: sent by the helpdesk itself (from_user_id is null).
CREATE TABLE helpdesk_emails (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES helpdesk_issues(id),
  kind TEXT NOT NULL CHECK (kind IN ('incoming', 'outgoing', 'system')),
  from_user_id INTEGER REFERENCES users(id),
  from_address TEXT NOT NULL,
  to_addresses TEXT NOT NULL,
  cc_addresses TEXT NOT NULL DEFAULT '',
  bcc_addresses TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  -- 1 once the whole email was blanked by an anonymisation.
  blanked INTEGER NOT NULL DEFAULT 0 CHECK (blanked IN (0, 1)),
  sent_at TEXT NOT NULL
);
CREATE INDEX helpdesk_emails_issue ON helpdesk_emails (issue_id);
CREATE INDEX helpdesk_emails_from_user ON helpdesk_emails (from_user_id);
CREATE INDEX helpdesk_emails_from_address ON helpdesk_emails (from_address);

-- The helpdesk's search index of its emails (addresses and text), kept up to date by the triggers below, so that a
-- person's emails are found without reading every email. Full-text tokens: an address is found as the phrase of the
-- words before its "@" ("sam smith" for sam.smith@acme.example), a superset of where it appears whole, which the rules
-- then check exactly.
CREATE VIRTUAL TABLE helpdesk_emails_search USING fts5(
  from_address, to_addresses, cc_addresses, bcc_addresses, subject, body,
  content = 'helpdesk_emails', content_rowid = 'id'
);
CREATE TRIGGER helpdesk_emails_search_insert AFTER INSERT ON helpdesk_emails BEGIN
  INSERT INTO helpdesk_emails_search (rowid, from_address, to_addresses, cc_addresses, bcc_addresses, subject, body)
  VALUES (new.id, new.from_address, new.to_addresses, new.cc_addresses, new.bcc_addresses, new.subject, new.body);
END;
CREATE TRIGGER helpdesk_emails_search_delete AFTER DELETE ON helpdesk_emails BEGIN
  INSERT INTO helpdesk_emails_search
    (helpdesk_emails_search, rowid, from_address, to_addresses, cc_addresses, bcc_addresses, subject, body)
  VALUES ('delete', old.id, old.from_address, old.to_addresses, old.cc_addresses, old.bcc_addresses, old.subject,
    old.body);
END;
CREATE TRIGGER helpdesk_emails_search_update
AFTER UPDATE OF from_address, to_addresses, cc_addresses, bcc_addresses, subject, body ON helpdesk_emails BEGIN
  INSERT INTO helpdesk_emails_search
    (helpdesk_emails_search, rowid, from_address, to_addresses, cc_addresses, bcc_addresses, subject, body)
  VALUES ('delete', old.id, old.from_address, old.to_addresses, old.cc_addresses, old.bcc_addresses, old.subject,
    old.body);
  INSERT INTO helpdesk_emails_search (rowid, from_address, to_addresses, cc_addresses, bcc_addresses, subject, body)
  VALUES (new.id, new.from_address, new.to_addresses, new.cc_addresses, new.bcc_addresses, new.subject, new.body);
END;
`;

/** Every table of the campus database, in an order that inserts respect (parents first). */
export const campusTables = [
  'courses',
  'users',
  'user_info_fields',
  'user_info_data',
  'user_preferences',
  'password_history',
  'user_devices',
  'contacts',
  'user_history',
  'files',
  'notes',
  'messages',
  'calendar_events',
  'blog_posts',
  'forums',
  'forum_discussions',
  'forum_posts',
  'forum_ratings',
  'forum_subscriptions',
  'badges',
  'badge_issued',
  'course_completions',
  'seminars',
  'seminar_sessions',
  'seminar_signups',
  'job_assignments',
  'helpdesk_issues',
  'helpdesk_emails',
] as const;

export type CampusTable = (typeof campusTables)[number];

/** Creates the campus tables in an empty database and turns foreign keys on. */
export function createCampusSchema(db: Database): void {
  db.pragma('foreign_keys = ON');
  db.exec(campusSchemaSql);
}
