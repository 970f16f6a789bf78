import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../../test/support/temp-root.js';
import { generateCampus } from './generate.js';

/** Index segments (raw bytes) of the helpdesk's search index that hold `word`. */
function segmentsHolding(db: Database.Database, word: string): number {
  return (
    db
      .prepare(
        'SELECT count(*) AS n FROM helpdesk_emails_search_data WHERE instr(block, CAST(? AS BLOB)) > 0',
      )
      .get(word) as { n: number }
  ).n;
}

/** Gives one email a sender no other email has, then blanks it as the helpdesk rules do. */
function sendThenBlank(db: Database.Database, word: string): { before: number; after: number } {
  const id = (db.prepare('SELECT min(id) AS id FROM helpdesk_emails').get() as { id: number }).id;
  db.prepare('UPDATE helpdesk_emails SET from_address = ?, body = ? WHERE id = ?').run(
    `${word}@example.org`,
    `Regards, ${word}`,
    id,
  );
  const before = segmentsHolding(db, word);
  db.prepare(
    `UPDATE helpdesk_emails SET from_user_id = NULL, from_address = '', to_addresses = '', cc_addresses = '',
       bcc_addresses = '', subject = '', body = '', blanked = 1 WHERE id = ?`,
  ).run(id);
  return { before, after: segmentsHolding(db, word) };
}

describe("the helpdesk's search index", () => {
  it('keeps no trace of a blanked email in its segments (secure-delete is on)', async () => {
    const path = join(testTempDir('lethe-search-index-'), 'campus.db');
    await generateCampus(path, { users: 30, seed: 3 });
    const db = new Database(path);
    try {
      const config = db
        .prepare("SELECT v FROM helpdesk_emails_search_config WHERE k = 'secure-delete'")
        .get();
      expect(config).toEqual({ v: 1 });
      expect(sendThenBlank(db, 'zqxquokkaone')).toEqual({ before: 1, after: 0 });

      // The same with the option off keeps the word on disk: what the option is there to prevent.
      db.exec(
        "INSERT INTO helpdesk_emails_search (helpdesk_emails_search, rank) VALUES ('secure-delete', 0)",
      );
      const off = sendThenBlank(db, 'zqxquokkatwo');
      expect(off.before).toBeGreaterThan(0);
      expect(off.after).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
