import type { SqlConnection, SqlDialectName, SqlValue } from '../../../src/connectors/sql/index.js';

/** The contract fixture: a forum, private messages, a helpdesk with emails and attachments, files and courses. */
export type FixtureRow = Record<string, SqlValue>;
export type FixtureData = Record<FixtureTable, FixtureRow[]>;

/** Parents before children. */
export const fixtureTables = [
  'users',
  'courses',
  'forum_discussions',
  'forum_posts',
  'messages',
  'helpdesk_issues',
  'helpdesk_emails',
  'email_attachments',
  'system_emails',
  'user_files',
] as const;
export type FixtureTable = (typeof fixtureTables)[number];

export const anonymousId = 999;

/** The fixture's DDL for a dialect. */
export function fixtureDdl(dialect: SqlDialectName): string[] {
  const blob = dialect === 'postgres' ? 'BYTEA' : dialect === 'mysql' ? 'LONGBLOB' : 'BLOB';
  const fk = (column: string, table: string) => `FOREIGN KEY (${column}) REFERENCES ${table}(id)`;
  return [
    `CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(100) NOT NULL, email VARCHAR(255),
      firstname VARCHAR(100), lastname VARCHAR(100), status VARCHAR(20) NOT NULL, kind VARCHAR(20))`,
    'CREATE TABLE courses (id INTEGER PRIMARY KEY, name VARCHAR(200))',
    `CREATE TABLE forum_discussions (id INTEGER PRIMARY KEY, author_id INTEGER, title VARCHAR(200) NOT NULL,
      ${fk('author_id', 'users')})`,
    `CREATE TABLE forum_posts (id INTEGER PRIMARY KEY, discussion_id INTEGER NOT NULL, parent_id INTEGER,
      author_id INTEGER, message TEXT, ip VARCHAR(45), ${fk('discussion_id', 'forum_discussions')},
      ${fk('parent_id', 'forum_posts')}, ${fk('author_id', 'users')})`,
    `CREATE TABLE messages (id INTEGER PRIMARY KEY, sender_id INTEGER, recipient_id INTEGER, subject VARCHAR(200),
      body TEXT, ${fk('sender_id', 'users')}, ${fk('recipient_id', 'users')})`,
    `CREATE TABLE helpdesk_issues (id INTEGER PRIMARY KEY, reporter_id INTEGER NOT NULL, summary VARCHAR(200),
      ${fk('reporter_id', 'users')})`,
    `CREATE TABLE helpdesk_emails (id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL, to_address VARCHAR(255),
      body TEXT, ${fk('issue_id', 'helpdesk_issues')})`,
    `CREATE TABLE email_attachments (id INTEGER PRIMARY KEY, email_id INTEGER NOT NULL, filename VARCHAR(200),
      content ${blob}, ${fk('email_id', 'helpdesk_emails')})`,
    'CREATE TABLE system_emails (id INTEGER PRIMARY KEY, recipient VARCHAR(255), body TEXT)',
    `CREATE TABLE user_files (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, path VARCHAR(255),
      ${fk('user_id', 'users')})`,
  ];
}

/** The dataset file for the fixture. */
export const fixtureDataset = `# The contract fixture's dataset.
version: 1
subjects:
  table: users
  id: id
  username: username
  email: email
  fullName: [firstname, lastname]
  status: status
  kind: kind
components:
  forum:
    group: "Activity: Forum"
    items:
      discussions:
        table: forum_discussions
        via: author_id
        anonymise:
          columns:
            author_id: anonymous-user
            title: { fixed: "[deleted]" }
        delete: { statuses: [deleted] }
      posts:
        table: forum_posts
        via: author_id
        anonymise:
          columns:
            author_id: anonymous-user
            message: { fixed: "[removed]" }
            ip: null
        delete: true
  messaging:
    group: "Activity: Messages"
    items:
      messages:
        title: Private messages
        table: messages
        via: [sender_id, recipient_id]
        anonymise:
          statuses: [active, suspended, deleted]
          columns:
            sender_id: anonymous-user
            recipient_id: anonymous-user
            body: keep
  helpdesk:
    group: Helpdesk
    items:
      issues:
        table: helpdesk_issues
        via: reporter_id
        anonymise:
          columns:
            reporter_id: anonymous-user
            summary: hash
        delete: true
      emails:
        table: helpdesk_emails
        via:
          - path: ["issue_id -> helpdesk_issues", reporter_id]
          - text: to_address
        anonymise:
          columns:
            to_address: hash
            body: { fixed: "[removed]" }
        delete: true
      attachments:
        table: email_attachments
        via:
          path: ["email_id -> helpdesk_emails", "issue_id -> helpdesk_issues", reporter_id]
        export: [id, email_id, filename]
        files: { blob: content, name: filename }
        anonymise:
          columns:
            content: null
            filename: blank
        delete: true
      system-emails:
        table: system_emails
        via: { text: body, match: contains }
        anonymise:
          columns:
            body: { fixed: "[removed]" }
            recipient: null
        delete: true
  files:
    items:
      private:
        table: user_files
        via: user_id
        files: { path: path }
        delete: true
  core:
    group: Profile
    items:
      profile:
        table: users
        via: id
        export: [id, username, email, firstname, lastname]
        anonymise:
          columns:
            username: hash
            email: null
            firstname: blank
            lastname: blank
ignore:
  courses: The course catalogue holds no personal data.
`;

/** Removes every row (children first). */
export async function clearFixture(db: SqlConnection): Promise<void> {
  await db.execute('UPDATE forum_posts SET parent_id = NULL');
  for (const table of [...fixtureTables].reverse()) await db.execute(`DELETE FROM ${table}`);
}

/** Inserts the rows, parents first, a few rows per statement. */
export async function seedFixture(db: SqlConnection, data: FixtureData): Promise<void> {
  for (const table of fixtureTables) {
    const rows = data[table];
    for (let i = 0; i < rows.length; i += 50) {
      const slice = rows.slice(i, i + 50);
      const columns = Object.keys(slice[0] ?? {});
      if (columns.length === 0) continue;
      const values = slice.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      await db.execute(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`,
        slice.flatMap((r) => columns.map((c) => r[c] ?? null)),
      );
    }
  }
}

function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return `blob:${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** Every row of every fixture table, as JSON text keyed `table#id`. */
export async function dumpFixture(db: SqlConnection): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const table of fixtureTables) {
    for (const row of await db.query(`SELECT * FROM ${table} ORDER BY id`)) {
      const normal: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) normal[k] = normalise(v);
      out.set(`${table}#${Number(row['id'])}`, JSON.stringify(normal));
    }
  }
  return out;
}

/** The emails of the fixture's users; some are traps for whole-word matching. */
export function userEmail(id: number): string {
  if (id === 4) return 'au1@ex.com';
  if (id === 5) return 'u1@ex.com.au';
  return `u${id}@ex.com`;
}

/** The subjects a row belongs to, computed from the data alone (the test's own model of the dataset). */
export function owners(data: FixtureData, table: FixtureTable, row: FixtureRow): number[] {
  const byId = (t: FixtureTable, id: SqlValue) => data[t].find((r) => r['id'] === id);
  const emailOwners = (text: string, whole: boolean): number[] => {
    const lower = text.toLowerCase();
    return data.users
      .filter((u) => {
        const email = String(u['email'] ?? '').toLowerCase();
        if (email === '') return false;
        if (!whole) return lower === email;
        const tokens = lower.split(/[^a-z0-9._%+@-]+/).map((t) => t.replace(/[.]+$/, ''));
        return tokens.includes(email);
      })
      .map((u) => Number(u['id']));
  };
  switch (table) {
    case 'users':
      return [Number(row['id'])];
    case 'courses':
      return [];
    case 'forum_discussions':
    case 'forum_posts':
      return row['author_id'] === null ? [] : [Number(row['author_id'])];
    case 'messages':
      return [row['sender_id'], row['recipient_id']].filter((v) => v !== null).map(Number);
    case 'helpdesk_issues':
      return [Number(row['reporter_id'])];
    case 'helpdesk_emails': {
      const issue = byId('helpdesk_issues', row['issue_id'] ?? null);
      return [Number(issue?.['reporter_id']), ...emailOwners(String(row['to_address'] ?? ''), false)];
    }
    case 'email_attachments': {
      const email = byId('helpdesk_emails', row['email_id'] ?? null);
      const issue = byId('helpdesk_issues', email?.['issue_id'] ?? null);
      return [Number(issue?.['reporter_id'])];
    }
    case 'system_emails':
      return emailOwners(String(row['body'] ?? ''), true);
    case 'user_files':
      return [Number(row['user_id'])];
  }
}
