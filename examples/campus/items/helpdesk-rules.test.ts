import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SubjectRef } from '../../../src/items/index.js';
import { createCampusSchema } from '../schema.js';
import { CampusDatabase } from './campus-database.js';
import {
  anonymiseSupportUsers,
  type HelpdeskEmailPlan,
  helpdeskTargets,
  mentionsAddress,
  planHelpdeskEmails,
} from './helpdesk-rules.js';

/*
 * A tiny helpdesk built for each rule of "Anonymize user". Sam (support, Acme) is the person anonymised.
 * Cleo is Sam's colleague, Alex an agent, Olga a customer of another company.
 */
const t = '2025-01-01T00:00:00.000Z';
const users = {
  sam: {
    id: 10,
    username: 'sam@acme.example',
    email: 'sam@acme.example',
    first: 'Sam',
    last: 'Sample',
    kind: 'support',
    company: 'Acme',
  },
  cleo: {
    id: 11,
    username: 'cleo@acme.example',
    email: 'cleo@acme.example',
    first: 'Cleo',
    last: 'Colleague',
    kind: 'support',
    company: 'Acme',
  },
  alex: {
    id: 12,
    username: 'alex',
    email: 'alex@campus.example',
    first: 'Alex',
    last: 'Agent',
    kind: 'staff',
    company: '',
  },
  olga: {
    id: 13,
    username: 'olga@other.example',
    email: 'olga@other.example',
    first: 'Olga',
    last: 'Other',
    kind: 'support',
    company: 'Other Ltd',
  },
  lena: {
    id: 14,
    username: 'lena',
    email: 'lena@mail.example',
    first: 'Lena',
    last: 'Learner',
    kind: 'learner',
    company: '',
  },
} as const;

const ref = (u: (typeof users)[keyof typeof users]): SubjectRef => ({
  id: String(u.id),
  username: u.username,
  email: u.email,
  fullName: `${u.first} ${u.last}`,
  kind: u.kind,
  status: 'active',
});

/** The emails, by the rule they exercise. */
const emails = {
  fromSam: 1, // description of issue 1 was made from it
  toSam: 2,
  samOnlyInCc: 3,
  samOnlyInBcc: 4,
  systemQuotesSam: 5,
  systemQuotesLookalikes: 6,
  olgaOnOtherIssue: 7,
  cleoWithSamInCcMixedCase: 8,
  agentToCleo: 9,
} as const;

let db: Database.Database;

function email(
  id: number,
  issue: number,
  kind: string,
  from: number | null,
  fromAddress: string,
  to: string,
  cc = '',
  bcc = '',
  body = 'Hello',
) {
  db.prepare(
    `INSERT INTO helpdesk_emails (id, issue_id, kind, from_user_id, from_address, to_addresses, cc_addresses,
       bcc_addresses, subject, body, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, issue, kind, from, fromAddress, to, cc, bcc, `Email ${id}`, body, t);
}

function row<T>(sql: string, ...params: unknown[]): T {
  return db.prepare(sql).get(...params) as T;
}

function emailRow(id: number) {
  return row<Record<string, unknown>>('SELECT * FROM helpdesk_emails WHERE id = ?', id);
}

function isBlank(id: number): boolean {
  const e = emailRow(id);
  return (
    e['blanked'] === 1 &&
    e['subject'] === '' &&
    e['body'] === '' &&
    e['from_address'] === '' &&
    e['from_user_id'] === null &&
    e['to_addresses'] === '' &&
    e['cc_addresses'] === '' &&
    e['bcc_addresses'] === ''
  );
}

function dump(): string {
  const tables = ['users', 'user_info_data', 'user_history', 'helpdesk_issues', 'helpdesk_emails'];
  return JSON.stringify(tables.map((table) => db.prepare(`SELECT * FROM ${table} ORDER BY id`).all()));
}

beforeEach(() => {
  db = new Database(':memory:');
  createCampusSchema(db);
  for (const u of Object.values(users)) {
    db.prepare(
      `INSERT INTO users (id, username, email, firstname, lastname, phone, mobile, status, kind, company, description,
         password_hash, created_at, updated_at, status_changed_at)
       VALUES (?, ?, ?, ?, ?, '+1 555 0100', '+1 555 0101', 'active', ?, ?, 'About me', 'hash', ?, ?, ?)`,
    ).run(u.id, u.username, u.email, u.first, u.last, u.kind, u.company, t, t, t);
  }
  db.prepare(
    `INSERT INTO user_info_fields (id, shortname, name, datatype, visible) VALUES (1, 'dept', 'Dept', 'text', 2)`,
  ).run();
  db.prepare(
    `INSERT INTO user_info_data (user_id, field_id, data) VALUES (10, 1, 'Sales'), (11, 1, 'IT')`,
  ).run();
  db.prepare(
    `INSERT INTO user_history (user_id, entry, created_at) VALUES (10, 'Called Sam', ?), (11, 'Called Cleo', ?)`,
  ).run(t, t);
  const issue = db.prepare(
    `INSERT INTO helpdesk_issues (id, reporter_id, assignee_id, company, subject, description, status, priority,
       created_at, updated_at) VALUES (?, ?, 12, ?, ?, ?, 'open', 'normal', ?, ?)`,
  );
  issue.run(1, 10, 'Acme', 'Login fails', 'Hello, I cannot log in. Sam', t, t);
  issue.run(2, 13, 'Other Ltd', 'Invoice', 'Typed in the web form by Olga', t, t);
  issue.run(3, 11, 'Acme', 'Seats', 'Cleo asks for seats', t, t);

  email(
    emails.fromSam,
    1,
    'incoming',
    10,
    'sam@acme.example',
    'helpdesk@campus.example',
    '',
    '',
    'Hello, I cannot log in. Sam',
  );
  db.prepare('UPDATE helpdesk_issues SET description_email_id = 1 WHERE id = 1').run();
  email(emails.toSam, 1, 'outgoing', 12, 'alex@campus.example', 'sam@acme.example', 'cleo@acme.example');
  email(
    emails.samOnlyInCc,
    3,
    'outgoing',
    12,
    'alex@campus.example',
    'cleo@acme.example',
    'lena@mail.example,sam@acme.example',
  );
  email(
    emails.samOnlyInBcc,
    3,
    'outgoing',
    12,
    'alex@campus.example',
    'cleo@acme.example',
    '',
    'sam@acme.example,olga@other.example',
  );
  email(
    emails.systemQuotesSam,
    1,
    'system',
    null,
    'helpdesk@campus.example',
    'alex@campus.example',
    '',
    '',
    'New issue from Sam <sam@acme.example>.',
  );
  email(
    emails.systemQuotesLookalikes,
    2,
    'system',
    null,
    'helpdesk@campus.example',
    'alex@campus.example',
    '',
    '',
    'Write to xsam@acme.example or sam@acme.example.org for help.',
  );
  email(
    emails.olgaOnOtherIssue,
    2,
    'incoming',
    13,
    'olga@other.example',
    'helpdesk@campus.example',
    '',
    '',
    'Olga here.',
  );
  email(
    emails.cleoWithSamInCcMixedCase,
    3,
    'incoming',
    11,
    'cleo@acme.example',
    'helpdesk@campus.example',
    'Sam@Acme.Example',
  );
  email(emails.agentToCleo, 3, 'outgoing', 12, 'alex@campus.example', 'cleo@acme.example');
});

afterEach(() => db.close());

describe('"Anonymize user" on purpose-built emails', () => {
  it('blanks an email the user sent, and the issue description made from it', () => {
    anonymiseSupportUsers(db, [ref(users.sam)]);
    expect(isBlank(emails.fromSam)).toBe(true);
    expect(row('SELECT description, description_email_id FROM helpdesk_issues WHERE id = 1')).toEqual({
      description: '',
      description_email_id: 1,
    });
    expect(row('SELECT description FROM helpdesk_issues WHERE id = 3')).toEqual({
      description: 'Cleo asks for seats',
    });
  });

  it('blanks whole an email sent to the user, other recipients included', () => {
    anonymiseSupportUsers(db, [ref(users.sam)]);
    expect(isBlank(emails.toSam)).toBe(true);
  });

  it('only removes the address of a user who is only in CC, even in another letter case', () => {
    const before = emailRow(emails.samOnlyInCc);
    const beforeMixed = emailRow(emails.cleoWithSamInCcMixedCase);
    anonymiseSupportUsers(db, [ref(users.sam)]);
    expect(emailRow(emails.samOnlyInCc)).toEqual({ ...before, cc_addresses: 'lena@mail.example' });
    expect(emailRow(emails.cleoWithSamInCcMixedCase)).toEqual({ ...beforeMixed, cc_addresses: '' });
  });

  it('only removes the address of a user who is only in BCC', () => {
    const before = emailRow(emails.samOnlyInBcc);
    anonymiseSupportUsers(db, [ref(users.sam)]);
    expect(emailRow(emails.samOnlyInBcc)).toEqual({ ...before, bcc_addresses: 'olga@other.example' });
  });

  it('blanks a system email whose text holds the address, but not one that holds only look-alikes', () => {
    const lookalikes = emailRow(emails.systemQuotesLookalikes);
    anonymiseSupportUsers(db, [ref(users.sam)]);
    expect(isBlank(emails.systemQuotesSam)).toBe(true);
    expect(emailRow(emails.systemQuotesLookalikes)).toEqual(lookalikes);
  });

  it("leaves other people's emails exactly as they were", () => {
    const others = [emails.olgaOnOtherIssue, emails.agentToCleo].map(emailRow);
    anonymiseSupportUsers(db, [ref(users.sam)]);
    expect([emails.olgaOnOtherIssue, emails.agentToCleo].map(emailRow)).toEqual(others);
    expect(row('SELECT count(*) AS n FROM user_info_data WHERE user_id = 11')).toEqual({ n: 1 });
    expect(row('SELECT count(*) AS n FROM user_history WHERE user_id = 11')).toEqual({ n: 1 });
  });

  it('renames the user "Anonymized", blanks personal fields, keeps the company, and inactivates them', () => {
    const result = anonymiseSupportUsers(db, [ref(users.sam)]);
    expect(row('SELECT * FROM users WHERE id = 10')).toMatchObject({
      firstname: 'Anonymized',
      lastname: '',
      username: 'anonymized-10',
      email: '',
      phone: '',
      mobile: '',
      description: '',
      company: 'Acme',
      status: 'suspended',
    });
    expect(row('SELECT count(*) AS n FROM user_info_data WHERE user_id = 10')).toEqual({ n: 0 });
    expect(row('SELECT count(*) AS n FROM user_history WHERE user_id = 10')).toEqual({ n: 0 });
    expect(result.get('10')).toEqual({
      status: 'success',
      count: 7, // emails 1, 2, 3, 4, 5 and 8, and the user's own row
      emailsBlanked: 3,
      addressesRemoved: 3,
      userAnonymised: true,
    });
  });

  it('is idempotent: a second run changes nothing and counts nothing', () => {
    anonymiseSupportUsers(db, [ref(users.sam)]);
    const once = dump();
    const again = anonymiseSupportUsers(db, [ref(users.sam)]);
    expect(dump()).toBe(once);
    expect(again.get('10')).toMatchObject({ status: 'success', count: 0, userAnonymised: false });
  });

  it('changes nothing in a dry run, and reports the same counts', () => {
    const before = dump();
    const dry = anonymiseSupportUsers(db, [ref(users.sam)], { dryRun: true });
    expect(dump()).toBe(before);
    expect(dry).toEqual(anonymiseSupportUsers(db, [ref(users.sam)]));
  });

  it('works on many support users at once, and skips those who are not support users', () => {
    const result = anonymiseSupportUsers(db, [ref(users.sam), ref(users.olga), ref(users.lena)]);
    expect(result.get('10')?.status).toBe('success');
    expect(result.get('13')).toMatchObject({ status: 'success', userAnonymised: true });
    expect(result.get('14')).toMatchObject({ status: 'skipped', count: 0 });
    expect(isBlank(emails.olgaOnOtherIssue)).toBe(true);
    expect(emailRow(emails.samOnlyInBcc)['bcc_addresses']).toBe('');
    expect(row('SELECT firstname, status FROM users WHERE id = 14')).toEqual({
      firstname: 'Lena',
      status: 'active',
    });
  });
});

/** A plan as comparable data (its maps as sorted entries). */
function planData(plan: HelpdeskEmailPlan) {
  const entries = (m: Map<string, unknown>) => [...m].sort(([a], [b]) => a.localeCompare(b));
  return {
    blank: plan.blank,
    lists: [...plan.lists].sort((a, b) => a.id - b.id),
    descriptions: [...plan.descriptions].sort((a, b) => a - b),
    concerned: entries(plan.concerned),
    emails: entries(plan.emails),
    blanked: entries(plan.blanked),
    unlisted: entries(plan.unlisted),
  };
}

/** The plan found through a LIKE join per address, through the search index, and through one scan of the emails. */
function threeWays(subjects: readonly SubjectRef[]) {
  const campus = CampusDatabase.fromConnection(db);
  const targets = helpdeskTargets(campus, subjects);
  const never = Number.POSITIVE_INFINITY;
  return {
    like: planData(planHelpdeskEmails(campus, targets, { scanAbove: never, searchIndex: false })),
    index: planData(planHelpdeskEmails(campus, targets, { scanAbove: never })),
    scan: planData(planHelpdeskEmails(campus, targets, { scanAbove: 0 })),
  };
}

function expectSameThreeWays(subjects: readonly SubjectRef[]) {
  const { like, index, scan } = threeWays(subjects);
  expect(index).toEqual(like);
  expect(scan).toEqual(like);
}

describe('the helpdesk email plan, found by LIKE, by the search index or by one scan', () => {
  it('is the same all three ways, for each person alone and for all at once', () => {
    const everyone = Object.values(users).map(ref);
    for (const batch of [...everyone.map((s) => [s]), everyone]) expectSameThreeWays(batch);
    expect(threeWays([ref(users.sam)]).index.blank).toEqual([
      emails.fromSam,
      emails.toSam,
      emails.systemQuotesSam,
    ]);
  });

  it('is the same all three ways for system texts that quote addresses, look-alikes and other letter cases', () => {
    const address = fc.constantFrom(...Object.values(users).map((u) => u.email));
    const piece = fc.oneof(
      address,
      address.map((a) => a.toUpperCase()),
      address.map((a) => `x${a}`),
      address.map((a) => `é${a}`),
      address.map((a) => `${a}ü`),
      address.map((a) => `𝐀${a}\u0301`),
      address.map((a) => `\u{E000}${a}`),
      fc.constantFrom('\u0301', '\u0903', '\u20dd', '\u1ab0', '\u200d', '\u00b7', '\u02b0', '_'),
      address.map((a) => `${a}.org`),
      address.map((a) => `${a}-b`),
      address.map((a) => `${a}.`),
      address.map((a) => a.replace('@', ' @ ')),
      address.map((a) => a.replaceAll('.', '_')),
      fc.constantFrom(' ', ', ', '<', '>', '@', '@@', 'hello ', '\n', 'am@', '"', 'NEAR', '*'),
    );
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), (texts) => {
        db.prepare('DELETE FROM helpdesk_emails WHERE id >= 100').run();
        texts.forEach((parts, i) => {
          email(
            100 + i,
            2,
            'system',
            null,
            'helpdesk@campus.example',
            'alex@campus.example',
            parts.slice(0, 2).join(','),
            '',
            parts.join(''),
          );
        });
        expectSameThreeWays(Object.values(users).map(ref));
      }),
      { numRuns: 60 },
    );
  });

  it('is the same all three ways for addresses that are hostile to a full-text query', () => {
    const hostile = [
      'sam"@acme.example',
      '@',
      '"',
      'NEAR(sam acme)@x.example',
      'sam*@acme.example',
      'é@ü.example',
    ];
    email(
      200,
      2,
      'system',
      null,
      'helpdesk@campus.example',
      'alex@campus.example',
      '',
      '',
      hostile.join(' '),
    );
    email(201, 2, 'outgoing', users.alex.id, users.alex.email, hostile.join(','), '', '', 'hello');
    const subjects = hostile.map((address, i) => ({
      ...ref(users.lena),
      id: `hostile-${i}`,
      email: address,
    }));
    for (const subject of subjects) expectSameThreeWays([subject]);
    expect(threeWays(subjects).index.blank).toContain(201);
  });

  it('finds emails changed after they were written: the search index follows updates and deletes', () => {
    const campus = CampusDatabase.fromConnection(db);
    const sam = helpdeskTargets(campus, [ref(users.sam)]);
    const before = planHelpdeskEmails(campus, sam).blank;
    db.prepare("UPDATE helpdesk_emails SET body = 'now for sam@acme.example' WHERE id = ?").run(
      emails.systemQuotesLookalikes,
    );
    expect(planHelpdeskEmails(campus, sam).blank).toEqual(
      [...before, emails.systemQuotesLookalikes].sort((a, b) => a - b),
    );
    db.prepare('DELETE FROM helpdesk_emails WHERE id = ?').run(emails.toSam);
    expect(planHelpdeskEmails(campus, sam).blank).not.toContain(emails.toSam);
    expectSameThreeWays([ref(users.sam)]);
  });
});

describe('mentionsAddress', () => {
  it('matches whole addresses only, in any letter case', () => {
    expect(mentionsAddress('mail SAM@acme.example now', 'sam@acme.example')).toBe(true);
    expect(mentionsAddress('<sam@acme.example>.', 'sam@acme.example')).toBe(true);
    expect(mentionsAddress('xsam@acme.example', 'sam@acme.example')).toBe(false);
    expect(mentionsAddress('sam@acme.example.org', 'sam@acme.example')).toBe(false);
    expect(mentionsAddress('sam@acme.examples', 'sam@acme.example')).toBe(false);
    expect(mentionsAddress('ésam@acme.example', 'sam@acme.example')).toBe(false);
    expect(mentionsAddress('sam@acme.exampleü', 'sam@acme.example')).toBe(false);
    expect(mentionsAddress('(sam@acme.example)', 'sam@acme.example')).toBe(true);
    expect(mentionsAddress('𝐀sam@acme.example', 'sam@acme.example')).toBe(false);
    expect(mentionsAddress('sam@acme.example\u0301', 'sam@acme.example')).toBe(false);
    expect(mentionsAddress('sam@acme.example\u200d', 'sam@acme.example')).toBe(true);
    expect(mentionsAddress('SAM@ACME.EXAMPLE.', 'sam@acme.example')).toBe(true);
  });
});
