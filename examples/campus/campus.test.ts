import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpCampus, hashDump } from './campus-test-support.js';
import { campusAnonymousUser, campusSpecialUsers, campusSubjects, generateCampus } from './generate.js';

const dir = mkdtempSync(join(tmpdir(), 'lethe-campus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generateCampus', () => {
  it('is deterministic: the same seed gives the same database, another seed another one', async () => {
    const a = await generateCampus(join(dir, 'a.db'), { users: 60, seed: 7 });
    const b = await generateCampus(join(dir, 'b.db'), { users: 60, seed: 7 });
    await generateCampus(join(dir, 'c.db'), { users: 60, seed: 8 });
    expect(b.counts).toEqual(a.counts);
    expect(hashDump(dumpCampus(join(dir, 'b.db')))).toBe(hashDump(dumpCampus(join(dir, 'a.db'))));
    expect(hashDump(dumpCampus(join(dir, 'c.db')))).not.toBe(hashDump(dumpCampus(join(dir, 'a.db'))));
    // Regenerating over an existing file replaces it.
    await generateCampus(join(dir, 'a.db'), { users: 60, seed: 7 });
    expect(hashDump(dumpCampus(join(dir, 'a.db')))).toBe(hashDump(dumpCampus(join(dir, 'b.db'))));
  });

  it('builds 500 users, each with tens of rows, in a few seconds', async () => {
    const started = Date.now();
    const { counts } = await generateCampus(join(dir, 'big.db'), { users: 500, seed: 1 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(counts['users']).toBe(501);
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    expect(total / 500).toBeGreaterThan(40);
    for (const table of [
      'forum_posts',
      'helpdesk_emails',
      'messages',
      'files',
      'badge_issued',
      'seminar_signups',
    ]) {
      expect(counts[table], table).toBeGreaterThan(100);
    }
  });

  it('has the fixed users, a mix of kinds and statuses, and legacy deleted users', () => {
    const path = join(dir, 'big.db');
    const subjects = [...campusSubjects(path)];
    expect(subjects).toHaveLength(500);
    expect(subjects.find((s) => s.id === campusSpecialUsers.sarah.id)).toMatchObject({
      username: 'sstanley',
      email: 'sarah.stanley@mail.example',
      fullName: 'Sarah Stanley',
      kind: 'learner',
      status: 'active',
      legacy: false,
    });
    expect(subjects.some((s) => s.id === campusSpecialUsers.anonymous.id)).toBe(false);
    expect(campusAnonymousUser(path)).toMatchObject({ id: '2', fullName: 'Anonymous', kind: 'system' });
    const share = (pred: (s: (typeof subjects)[number]) => boolean) =>
      subjects.filter(pred).length / subjects.length;
    expect(share((s) => s.kind === 'support')).toBeCloseTo(0.1, 1);
    expect(share((s) => s.kind === 'staff')).toBeGreaterThan(0.1);
    expect(share((s) => s.status === 'suspended')).toBeCloseTo(0.05, 1);
    expect(share((s) => s.status === 'deleted')).toBeGreaterThan(0.02);
    const legacy = subjects.filter((s) => s.legacy);
    expect(legacy.length).toBeGreaterThan(0);
    expect(legacy.every((s) => s.status === 'deleted')).toBe(true);
    expect(new Set(subjects.map((s) => s.email)).size).toBe(subjects.length);
  });

  it('mixes many people in forum threads and helpdesk issues, with mentions of others in free text', () => {
    const db = new Database(join(dir, 'big.db'), { readonly: true });
    try {
      const posters = db
        .prepare(
          'SELECT avg(n) AS n FROM (SELECT count(DISTINCT author_id) AS n FROM forum_posts GROUP BY discussion_id)',
        )
        .get() as { n: number };
      expect(posters.n).toBeGreaterThan(2);
      const people = db
        .prepare(
          `SELECT avg(n) AS n FROM (SELECT count(DISTINCT from_address || to_addresses || cc_addresses) AS n
           FROM helpdesk_emails GROUP BY issue_id)`,
        )
        .get() as { n: number };
      expect(people.n).toBeGreaterThan(2);
      const sarahMentions = db
        .prepare(
          `SELECT count(*) AS n FROM forum_posts WHERE author_id <> 3 AND (body LIKE '%Sarah Stanley%'
           OR body LIKE '%@sstanley%' OR body LIKE '%sarah.stanley@mail.example%')`,
        )
        .get() as { n: number };
      expect(sarahMentions.n).toBeGreaterThan(0);
      const rules = db
        .prepare(
          `SELECT
             (SELECT count(*) FROM helpdesk_emails e JOIN users u ON u.id = e.from_user_id WHERE u.kind = 'support') AS sent,
             (SELECT count(*) FROM helpdesk_emails e WHERE e.kind = 'outgoing') AS received,
             (SELECT count(*) FROM helpdesk_emails e WHERE e.cc_addresses <> '') AS cc,
             (SELECT count(*) FROM helpdesk_emails e WHERE e.bcc_addresses <> '') AS bcc,
             (SELECT count(*) FROM helpdesk_emails e WHERE e.kind = 'system' AND e.body LIKE '%@%') AS system,
             (SELECT count(*) FROM helpdesk_issues WHERE description_email_id IS NOT NULL) AS described`,
        )
        .get() as Record<string, number>;
      for (const [rule, n] of Object.entries(rules)) expect(n, rule).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('writes file contents under filesDir when asked', async () => {
    const filesDir = join(dir, 'files');
    await generateCampus(join(dir, 'f.db'), { users: 20, seed: 3, filesDir });
    const db = new Database(join(dir, 'f.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT storage_path, content, content_hash, size FROM files').all() as Array<{
        storage_path: string;
        content: Buffer | null;
        content_hash: string;
        size: number;
      }>;
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.content).toBeNull();
        const bytes = readFileSync(join(filesDir, row.storage_path));
        expect(bytes.length).toBe(row.size);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.content_hash);
      }
    } finally {
      db.close();
    }
  });

  it('refuses a bad size or seed with LETHE_E_INVALID_INPUT', async () => {
    await expect(generateCampus(join(dir, 'x.db'), { users: 1, seed: 1 })).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
    });
    await expect(generateCampus(join(dir, 'x.db'), { users: 10.5, seed: 1 })).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
    });
    await expect(generateCampus(join(dir, 'x.db'), { users: 10, seed: 0.5 })).rejects.toMatchObject({
      code: 'LETHE_E_INVALID_INPUT',
    });
  });
});
