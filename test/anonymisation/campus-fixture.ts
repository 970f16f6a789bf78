import { join } from 'node:path';
import Database from 'better-sqlite3';
import { closeItems, createItems } from '../../examples/campus/items/index.js';
import { createCampusSchema } from '../../examples/campus/schema.js';
import type { Engine } from '../../src/engine/engine.js';
import { updateSettings } from '../../src/engine/settings/index.js';
import { changeStatus, registerSubject } from '../../src/engine/subjects/index.js';
import type { Store } from '../../src/store/index.js';
import { testEngine } from '../support/engine.js';
import { testTempDir } from '../support/temp-root.js';

const at = '2025-01-01T00:00:00.000Z';

export interface PersonInput {
  username: string;
  email: string;
  first: string;
  last: string;
  kind: 'staff' | 'learner' | 'support';
  status?: 'active' | 'suspended' | 'deleted';
  company?: string;
  phone?: string;
}

export interface EmailInput {
  issue: number;
  kind: 'incoming' | 'outgoing' | 'system';
  from: number | null;
  fromAddress?: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  body: string;
}

export type EmailRow = {
  id: number;
  from_user_id: number | null;
  from_address: string;
  to_addresses: string;
  cc_addresses: string;
  bcc_addresses: string;
  subject: string;
  body: string;
  blanked: number;
};

/**
 * A small campus database built row by row, for tests that need purpose-built data: people, helpdesk issues and
 * emails, forum threads, blog posts and messages. The anonymous campus user is id 2, as in the demo.
 */
export class CampusFixture {
  readonly path: string;
  readonly db: Database.Database;
  #seq = 0;

  constructor() {
    this.path = join(testTempDir('lethe-campus-'), 'campus.db');
    this.db = new Database(this.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    createCampusSchema(this.db);
    this.person({
      username: 'admin',
      email: 'admin@campus.example',
      first: 'Site',
      last: 'Admin',
      kind: 'staff',
    });
    this.db
      .prepare(
        `INSERT INTO users (id, username, firstname, status, kind, auth, created_at, updated_at, status_changed_at)
         VALUES (2, 'anonymous', 'Anonymous', 'active', 'system', 'nologin', ?, ?, ?)`,
      )
      .run(at, at, at);
    this.db
      .prepare("INSERT INTO courses (id, shortname, fullname, category) VALUES (1, 'C1', 'Course', 'x')")
      .run();
    this.db.prepare("INSERT INTO forums (id, course_id, name, intro) VALUES (1, 1, 'General', '')").run();
  }

  /** A time that grows with each call, so rows sort in the order they were made. */
  next(): string {
    this.#seq++;
    return new Date(Date.parse(at) + this.#seq * 60_000).toISOString();
  }

  person(p: PersonInput): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO users (username, email, firstname, lastname, phone, status, kind, company, created_at, updated_at,
             status_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          p.username,
          p.email,
          p.first,
          p.last,
          p.phone ?? '',
          p.status ?? 'active',
          p.kind,
          p.company ?? '',
          at,
          at,
          at,
        ).lastInsertRowid,
    );
  }

  issue(reporter: number, company: string, subject: string, description = ''): number {
    const now = this.next();
    return Number(
      this.db
        .prepare(
          `INSERT INTO helpdesk_issues (reporter_id, assignee_id, company, subject, description, status, priority,
             created_at, updated_at) VALUES (?, 1, ?, ?, ?, 'open', 'normal', ?, ?)`,
        )
        .run(reporter, company, subject, description, now, now).lastInsertRowid,
    );
  }

  email(e: EmailInput): number {
    const fromAddress =
      e.fromAddress ??
      (e.from === null
        ? 'helpdesk@campus.example'
        : (this.db.prepare('SELECT email FROM users WHERE id = ?').get(e.from) as { email: string }).email);
    return Number(
      this.db
        .prepare(
          `INSERT INTO helpdesk_emails (issue_id, kind, from_user_id, from_address, to_addresses, cc_addresses,
             bcc_addresses, subject, body, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          e.issue,
          e.kind,
          e.from,
          fromAddress,
          e.to.join(','),
          (e.cc ?? []).join(','),
          (e.bcc ?? []).join(','),
          e.subject,
          e.body,
          this.next(),
        ).lastInsertRowid,
    );
  }

  /** Makes the issue's description the body of one of its emails, as when an issue is opened by email. */
  describeFrom(issue: number, email: number): void {
    const { body } = this.db.prepare('SELECT body FROM helpdesk_emails WHERE id = ?').get(email) as {
      body: string;
    };
    this.db
      .prepare('UPDATE helpdesk_issues SET description = ?, description_email_id = ? WHERE id = ?')
      .run(body, email, issue);
  }

  emailRow(id: number): EmailRow {
    return this.db.prepare('SELECT * FROM helpdesk_emails WHERE id = ?').get(id) as EmailRow;
  }

  emails(): EmailRow[] {
    return this.db.prepare('SELECT * FROM helpdesk_emails ORDER BY id').all() as EmailRow[];
  }

  discussion(name: string, author: number): number {
    const now = this.next();
    const name_ = this.authorName(author);
    return Number(
      this.db
        .prepare(
          `INSERT INTO forum_discussions (forum_id, name, author_id, author_name, created_at, last_post_user_id,
             last_post_user_name, last_post_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(name, author, name_, now, author, name_, now).lastInsertRowid,
    );
  }

  post(discussion: number, author: number, body: string, parent: number | null = null): number {
    const now = this.next();
    const name = this.authorName(author);
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO forum_posts (discussion_id, parent_id, author_id, author_name, subject, body, created_at,
             updated_at) VALUES (?, ?, ?, ?, 'Re: topic', ?, ?, ?)`,
        )
        .run(discussion, parent, author, name, body, now, now).lastInsertRowid,
    );
    this.db
      .prepare(
        'UPDATE forum_discussions SET last_post_user_id = ?, last_post_user_name = ?, last_post_at = ? WHERE id = ?',
      )
      .run(author, name, now, discussion);
    return id;
  }

  blogPost(author: number, title: string, body: string): number {
    const now = this.next();
    return Number(
      this.db
        .prepare(
          `INSERT INTO blog_posts (author_id, author_name, title, body, publish_state, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'site', ?, ?)`,
        )
        .run(author, this.authorName(author), title, body, now, now).lastInsertRowid,
    );
  }

  message(from: number, to: number, body: string): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO messages (from_user_id, to_user_id, subject, body, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(from, to, 'Hello', body, this.next()).lastInsertRowid,
    );
  }

  authorName(id: number): string {
    const row = this.db
      .prepare("SELECT trim(firstname || ' ' || lastname) AS n FROM users WHERE id = ?")
      .get(id) as {
      n: string;
    };
    return row.n;
  }

  /**
   * An engine over `store` with the campus items, every campus user registered as a
   * subject with the host's kind and status, and campus user 2 as the anonymous user.
   */
  async engine(store: Store): Promise<Engine> {
    const items = createItems({ database: `sqlite:${this.path}` });
    const engine = testEngine(store, items, { worker: { itemTimeLimitMs: 10_000 } });
    const users = this.db
      .prepare(
        "SELECT id, username, email, trim(firstname || ' ' || lastname) AS name, kind, status FROM users",
      )
      .all() as Array<{
      id: number;
      username: string;
      email: string;
      name: string;
      kind: string;
      status: string;
    }>;
    for (const u of users) {
      await registerSubject(engine, 'test', {
        id: String(u.id),
        username: u.username,
        email: u.email,
        fullName: u.name,
        kind: u.kind,
      });
    }
    await updateSettings(engine, 'test', { anonymousUserId: '2' });
    for (const status of ['suspended', 'deleted'] as const) {
      const ids = users.filter((u) => u.status === status).map((u) => String(u.id));
      if (ids.length > 0) await changeStatus(engine, 'test', ids, status);
    }
    return engine;
  }

  close(): void {
    closeItems();
    this.db.close();
  }
}
