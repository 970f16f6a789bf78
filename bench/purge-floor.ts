import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { dumpCampus } from '../examples/campus/campus-test-support.js';
import { mentionsAddress, openCampusConnection } from '../examples/campus/items/index.js';

export interface PurgeFloorInput {
  /** The campus user ids of the deleted subjects. */
  userIds: readonly number[];
  /** The campus user that anonymised content moves to. */
  anonymous: { id: number; name: string };
  /** The time written as `updated_at` and `status_changed_at` where "Anonymize user" sets them. */
  now: string;
}

/**
 * The raw-SQL floor of the demo's `purge-deleted` type, written by hand as a database administrator who knows the
 * campus schema would: the batch's ids and addresses in temporary tables, then one set-based statement per table,
 * all in ONE transaction. It does what the type does (forum, blog and helpdesk content anonymised, everything else
 * deleted), matching included:
 * - helpdesk emails sent by a subject (by user id or sender address), sent to one, or system emails whose text holds
 *   a subject's address as a whole address, are blanked whole, with the issue descriptions made from those sent;
 * - a subject's address is taken out of the CC and BCC of every other email.
 * Address lists are split with a recursive CTE and joined on equality; system texts are matched with `instr` on
 * the lower-cased text, and only those candidates get the precise whole-address check (a registered function, as
 * SQLite has no regular expressions).
 */
export function purgeFloorSql(db: Database.Database, input: PurgeFloorInput): void {
  db.function('mentions_address', { deterministic: true }, (text: unknown, address: unknown) =>
    mentionsAddress(String(text), String(address)) ? 1 : 0,
  );
  const anon = { anon: input.anonymous.id, name: input.anonymous.name };
  const ids = '(SELECT id FROM purge_user)';
  const verbose = Boolean(process.env['LETHE_BENCH_VERBOSE']);
  const run = (sql: string, params: Record<string, unknown> = {}) => {
    const t0 = performance.now();
    db.prepare(sql).run(params);
    if (verbose) {
      const took = performance.now() - t0;
      if (took >= 5) console.error(`floor ${Math.round(took)} ms: ${sql.replace(/\s+/g, ' ').slice(0, 90)}`);
    }
  };
  db.transaction(() => {
    run('CREATE TEMP TABLE purge_user (id INTEGER PRIMARY KEY)');
    run('INSERT OR IGNORE INTO purge_user (id) SELECT value FROM json_each($ids)', {
      ids: JSON.stringify(input.userIds),
    });
    // Every address the batch is known by, as the helpdesk rules compare them: trimmed, lower-case.
    run('CREATE TEMP TABLE purge_address (address TEXT PRIMARY KEY)');
    run(`INSERT OR IGNORE INTO purge_address (address)
      SELECT lower(trim(email)) FROM users WHERE id IN ${ids} AND instr(email, '@') > 0`);

    // Activity: Forum. Posts and discussions anonymised (also as "last post by"); ratings and subscriptions deleted.
    run(`UPDATE forum_posts SET author_id = $anon, author_name = $name WHERE author_id IN ${ids}`, anon);
    run(
      `UPDATE forum_discussions SET last_post_user_id = $anon, last_post_user_name = $name
       WHERE last_post_user_id IN ${ids}`,
      anon,
    );
    run(
      `UPDATE forum_discussions SET author_id = $anon, author_name = $name WHERE author_id IN ${ids}`,
      anon,
    );
    run(`DELETE FROM forum_ratings WHERE user_id IN ${ids}`);
    run(`DELETE FROM forum_subscriptions WHERE user_id IN ${ids}`);
    run(`DELETE FROM seminar_signups WHERE user_id IN ${ids}`);
    run(`DELETE FROM badge_issued WHERE user_id IN ${ids}`);
    run(`UPDATE blog_posts SET author_id = $anon, author_name = $name WHERE author_id IN ${ids}`, anon);
    run(`DELETE FROM calendar_events WHERE user_id IN ${ids} AND event_type = 'user'`);

    // Helpdesk: issues re-attributed with their description blanked; then the email rules.
    run(`UPDATE helpdesk_issues SET reporter_id = $anon, description = '' WHERE reporter_id IN ${ids}`, anon);
    run(`CREATE TEMP TABLE purge_entry (email_id INTEGER NOT NULL, list TEXT NOT NULL, pos INTEGER NOT NULL,
      entry TEXT NOT NULL, hit INTEGER NOT NULL)`);
    // Every entry of every address list of the emails still to look at, with its place in its list.
    run(`WITH RECURSIVE entry (email_id, list, pos, rest, entry) AS (
        SELECT id, 'to', 0, to_addresses || ',', NULL FROM helpdesk_emails WHERE blanked = 0 AND to_addresses <> ''
        UNION ALL
        SELECT id, 'cc', 0, cc_addresses || ',', NULL FROM helpdesk_emails WHERE blanked = 0 AND cc_addresses <> ''
        UNION ALL
        SELECT id, 'bcc', 0, bcc_addresses || ',', NULL FROM helpdesk_emails WHERE blanked = 0 AND bcc_addresses <> ''
        UNION ALL
        SELECT email_id, list, pos + 1, substr(rest, instr(rest, ',') + 1), trim(substr(rest, 1, instr(rest, ',') - 1))
        FROM entry WHERE rest <> '')
      INSERT INTO purge_entry (email_id, list, pos, entry, hit)
      SELECT email_id, list, pos, entry, lower(entry) IN (SELECT address FROM purge_address)
      FROM entry WHERE pos > 0 AND entry <> ''`);
    run('CREATE TEMP TABLE purge_email (id INTEGER PRIMARY KEY, sent INTEGER NOT NULL)');
    // Sent by a subject.
    run(`INSERT INTO purge_email (id, sent) SELECT id, 1 FROM helpdesk_emails
      WHERE blanked = 0 AND (from_user_id IN ${ids} OR lower(trim(from_address)) IN (SELECT address FROM purge_address))`);
    // Sent to a subject.
    run(`INSERT OR IGNORE INTO purge_email (id, sent)
      SELECT DISTINCT email_id, 0 FROM purge_entry WHERE list = 'to' AND hit`);
    // System emails whose text holds a subject's address. An address found in a text has its "@" on one of the
    // text's: each "@" is tried against each shape (length before the "@", length) of the batch's addresses, by
    // equality on the address's key; only those candidates get the precise whole-address check.
    run(`CREATE TEMP TABLE purge_text (id INTEGER PRIMARY KEY, text TEXT NOT NULL, low TEXT NOT NULL)`);
    run(`INSERT INTO purge_text (id, text, low)
      SELECT id, subject || char(10) || body, lower(subject || char(10) || body) FROM helpdesk_emails
      WHERE kind = 'system' AND blanked = 0 AND (instr(subject, '@') > 0 OR instr(body, '@') > 0)`);
    run(`WITH RECURSIVE at (id, pos) AS (
        SELECT id, instr(low, '@') FROM purge_text
        UNION ALL
        SELECT at.id, at.pos + instr(substr(t.low, at.pos + 1), '@') FROM at JOIN purge_text AS t ON t.id = at.id
        WHERE instr(substr(t.low, at.pos + 1), '@') > 0),
      shape (before, len) AS (SELECT DISTINCT instr(address, '@') - 1, length(address) FROM purge_address)
      INSERT OR IGNORE INTO purge_email (id, sent)
      SELECT DISTINCT t.id, 0 FROM at JOIN purge_text AS t ON t.id = at.id JOIN shape AS s ON at.pos > s.before
      JOIN purge_address AS a ON a.address = substr(t.low, at.pos - s.before, s.len)
      WHERE mentions_address(t.text, a.address)`);
    run(`UPDATE helpdesk_issues SET description = ''
      WHERE description_email_id IN (SELECT id FROM purge_email WHERE sent = 1) AND description <> ''`);
    run(`UPDATE helpdesk_emails SET from_user_id = NULL, from_address = '', to_addresses = '', cc_addresses = '',
        bcc_addresses = '', subject = '', body = '', blanked = 1
      WHERE id IN (SELECT id FROM purge_email)`);
    // The others lose the subjects' addresses from their CC and BCC (each list rebuilt from the entries kept).
    run(`UPDATE helpdesk_emails AS e SET
        cc_addresses = coalesce((SELECT string_agg(p.entry, ',' ORDER BY p.pos) FROM purge_entry AS p
          WHERE p.email_id = e.id AND p.list = 'cc' AND NOT p.hit), ''),
        bcc_addresses = coalesce((SELECT string_agg(p.entry, ',' ORDER BY p.pos) FROM purge_entry AS p
          WHERE p.email_id = e.id AND p.list = 'bcc' AND NOT p.hit), '')
      WHERE e.id IN (SELECT email_id FROM purge_entry WHERE hit AND list IN ('cc', 'bcc'))
        AND e.id NOT IN (SELECT id FROM purge_email)`);
    run(`DELETE FROM user_history WHERE user_id IN ${ids}`);

    run(`DELETE FROM job_assignments WHERE user_id IN ${ids}`);
    run(`DELETE FROM course_completions WHERE user_id IN ${ids}`);
    run(`DELETE FROM messages WHERE from_user_id IN ${ids} OR to_user_id IN ${ids}`);

    // User: the row's personal fields in one UPDATE. "Anonymize user" (support users) also inactivates them,
    // when anything of theirs was still to anonymise (their card history is gone already, their custom fields not).
    const pending = `(firstname <> 'Anonymized' OR lastname <> '' OR middlename <> '' OR alternatename <> ''
      OR username <> 'anonymized-' || id OR email <> '' OR phone <> '' OR mobile <> '' OR address <> ''
      OR city <> '' OR description <> '' OR interests <> '' OR idnumber <> '' OR status = 'active'
      OR EXISTS (SELECT 1 FROM user_info_data AS d WHERE d.user_id = users.id))`;
    run(
      `UPDATE users SET firstname = '', lastname = '', middlename = '', alternatename = '',
        username = 'deleted-' || id, idnumber = '', email = '', phone = '', mobile = '', address = '', city = '',
        country = '', description = '', interests = '', password_hash = '', picture = NULL,
        status_changed_at = CASE WHEN kind = 'support' AND status = 'active' THEN $now ELSE status_changed_at END,
        status = CASE WHEN kind = 'support' AND status = 'active' THEN 'suspended' ELSE status END,
        updated_at = CASE WHEN kind = 'support' AND ${pending} THEN $now ELSE updated_at END
      WHERE id IN ${ids}`,
      { now: input.now },
    );
    run(`DELETE FROM user_preferences WHERE user_id IN ${ids}`);
    run(`DELETE FROM user_info_data WHERE user_id IN ${ids}`);
    run(`DELETE FROM password_history WHERE user_id IN ${ids}`);
    run(`DELETE FROM contacts WHERE user_id IN ${ids} OR contact_user_id IN ${ids}`);
    run(`DELETE FROM user_devices WHERE user_id IN ${ids}`);
    run(`DELETE FROM files WHERE user_id IN ${ids}`);
    run(`DELETE FROM notes WHERE subject_user_id IN ${ids}`);

    for (const table of ['purge_user', 'purge_address', 'purge_entry', 'purge_email', 'purge_text'])
      run(`DROP TABLE temp.${table}`);
  })();
}

/** Runs the floor on the campus file at `path` (opened as the items open it); returns the seconds it took. */
export function runPurgeFloor(path: string, input: PurgeFloorInput): number {
  const db = new Database(path, { fileMustExist: true });
  try {
    openCampusConnection(db);
    const start = performance.now();
    purgeFloorSql(db, input);
    return (performance.now() - start) / 1000;
  } finally {
    db.close();
  }
}

/**
 * The rows in which two campus databases differ, after a purge of the same subjects from the same `pristine`
 * campus: `table:id` keys, empty when they are equal. A user's `updated_at` and `status_changed_at` compare only
 * as "changed or not" (each run writes its own clock).
 */
export function campusDifferences(pristine: string, a: string, b: string, limit = 10): string[] {
  const before = dumpCampus(pristine);
  const clockless = (dump: Map<string, string>) => {
    for (const [key, json] of dump) {
      if (!key.startsWith('users:')) continue;
      const was = before.get(key);
      const old = was ? (JSON.parse(was) as Record<string, unknown>) : {};
      const row = JSON.parse(json) as Record<string, unknown>;
      for (const column of ['updated_at', 'status_changed_at']) {
        if (row[column] !== old[column]) row[column] = '(changed)';
      }
      dump.set(key, JSON.stringify(row));
    }
    return dump;
  };
  const left = clockless(dumpCampus(a));
  const right = clockless(dumpCampus(b));
  const out: string[] = [];
  for (const key of new Set([...left.keys(), ...right.keys()])) {
    if (left.get(key) !== right.get(key)) out.push(key);
    if (out.length >= limit) break;
  }
  return out;
}
