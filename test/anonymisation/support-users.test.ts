import { afterEach, expect, it } from 'vitest';
import {
  anonymiseSupportUsers,
  markAnonymisedSupportUsers,
  personalDataSummary,
  waitForRequests,
} from '../../src/engine/anonymisation/index.js';
import { listAudit } from '../../src/engine/audit/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { getSubject } from '../../src/engine/subjects/index.js';
import { describeEachStore } from '../support/stores.js';
import { CampusFixture, type EmailRow } from './campus-fixture.js';

/**
 * A helpdesk built for the "Anonymize user" rules: Sam (support, Acme) is anonymised; Olga (support, Other Co) and
 * the agent Alice are bystanders whose emails must stay as they were unless a rule covers them.
 */
function helpdesk() {
  const f = new CampusFixture();
  const alice = f.person({
    username: 'alice',
    email: 'alice@campus.example',
    first: 'Alice',
    last: 'Agent',
    kind: 'staff',
  });
  const sam = f.person({
    username: 'sam',
    email: 'sam@acme.example',
    first: 'Sam',
    last: 'Support',
    kind: 'support',
    company: 'Acme',
    phone: '+44 1234',
  });
  const olga = f.person({
    username: 'olga',
    email: 'olga@other.example',
    first: 'Olga',
    last: 'Other',
    kind: 'support',
    company: 'Other Co',
  });
  const ann = f.person({
    username: 'alee',
    email: 'ann.lee@mail.example',
    first: 'Ann',
    last: 'Lee',
    kind: 'learner',
  });
  f.db
    .prepare("INSERT INTO user_history (user_id, entry, created_at) VALUES (?, 'Called about SSO', ?)")
    .run(sam, f.next());
  const samIssue = f.issue(sam, 'Acme', 'Cannot log in');
  const olgaIssue = f.issue(olga, 'Other Co', 'Invoice wrong', 'Typed in the web form by Olga.');
  const e = {
    fromSam: f.email({
      issue: samIssue,
      kind: 'incoming',
      from: sam,
      to: ['helpdesk@campus.example'],
      subject: 'Cannot log in',
      body: 'Hello, I cannot log in. -- Sam, Acme',
    }),
    toSam: f.email({
      issue: samIssue,
      kind: 'outgoing',
      from: alice,
      to: ['sam@acme.example'],
      subject: 'Re: Cannot log in',
      body: 'Hi Sam, try again now.',
    }),
    onlyCc: f.email({
      issue: olgaIssue,
      kind: 'outgoing',
      from: alice,
      to: ['olga@other.example'],
      cc: ['boss@other.example', 'sam@acme.example'],
      subject: 'Re: Invoice wrong',
      body: 'Hi Olga, fixed.',
    }),
    onlyBcc: f.email({
      issue: olgaIssue,
      kind: 'outgoing',
      from: alice,
      to: ['olga@other.example'],
      bcc: ['sam@acme.example'],
      subject: 'Re: Invoice wrong',
      body: 'Hi Olga, one more thing.',
    }),
    addressInText: f.email({
      issue: samIssue,
      kind: 'system',
      from: null,
      to: ['alice@campus.example'],
      subject: '[#1] Resolved',
      body: 'Issue resolved. The customer (SAM@acme.example) has been notified.',
    }),
    longerAddressInText: f.email({
      issue: olgaIssue,
      kind: 'system',
      from: null,
      to: ['alice@campus.example'],
      subject: '[#2] Note',
      body: 'Forwarded to sam@acme.example.org and xsam@acme.example.',
    }),
    otherPerson: f.email({
      issue: olgaIssue,
      kind: 'incoming',
      from: olga,
      to: ['helpdesk@campus.example'],
      cc: ['boss@other.example'],
      subject: 'Invoice wrong',
      body: 'Our invoice is wrong. -- Olga',
    }),
  };
  f.describeFrom(samIssue, e.fromSam);
  return { f, alice, sam, olga, ann, samIssue, olgaIssue, e };
}

type Helpdesk = ReturnType<typeof helpdesk>;

async function anonymiseAndWait(engine: Engine, ids: string[]) {
  const results = await anonymiseSupportUsers(engine, 'account:1', { subjectIds: ids, confirm: true });
  const waited = await waitForRequests(
    engine,
    results.map((r) => r.request.id),
    { timeoutMs: 30_000, pollMs: 20 },
  );
  expect(waited.requests.map((r) => [r.status, r.error])).toEqual(
    waited.requests.map(() => ['succeeded', null]),
  );
  await markAnonymisedSupportUsers(engine, 'account:1', { subjectIds: ids });
  return { results, requests: waited.requests };
}

const blank = {
  from_user_id: null,
  from_address: '',
  to_addresses: '',
  cc_addresses: '',
  bcc_addresses: '',
  subject: '',
  body: '',
  blanked: 1,
};

describeEachStore('helpdesk "Anonymize user"', ({ store }) => {
  let h: Helpdesk;
  let before: EmailRow[];
  let engine: Engine;

  async function setup() {
    h = helpdesk();
    before = h.f.emails();
    engine = await h.f.engine(store());
  }
  const untouched = (id: number) => expect(h.f.emailRow(id)).toEqual(before.find((r) => r.id === id));

  afterEach(() => h?.f.close());

  it('blanks whole the emails the user sent', async () => {
    await setup();
    await anonymiseAndWait(engine, [String(h.sam)]);
    expect(h.f.emailRow(h.e.fromSam)).toMatchObject(blank);
  });

  it('blanks the issue description that was made from their email', async () => {
    await setup();
    await anonymiseAndWait(engine, [String(h.sam)]);
    const issue = h.f.db.prepare('SELECT * FROM helpdesk_issues WHERE id = ?').get(h.samIssue) as Record<
      string,
      unknown
    >;
    expect(issue).toMatchObject({ description: '', company: 'Acme', subject: 'Cannot log in' });
    // Olga's description was typed in the web form: it stays.
    const other = h.f.db.prepare('SELECT description FROM helpdesk_issues WHERE id = ?').get(h.olgaIssue);
    expect(other).toEqual({ description: 'Typed in the web form by Olga.' });
  });

  it('blanks whole the emails sent to the user', async () => {
    await setup();
    await anonymiseAndWait(engine, [String(h.sam)]);
    expect(h.f.emailRow(h.e.toSam)).toMatchObject(blank);
  });

  it('removes the address from CC, and leaves the rest of that email alone', async () => {
    await setup();
    await anonymiseAndWait(engine, [String(h.sam)]);
    const was = before.find((r) => r.id === h.e.onlyCc);
    expect(h.f.emailRow(h.e.onlyCc)).toEqual({ ...was, cc_addresses: 'boss@other.example' });
  });

  it('removes the address from BCC, and leaves the rest of that email alone', async () => {
    await setup();
    await anonymiseAndWait(engine, [String(h.sam)]);
    const was = before.find((r) => r.id === h.e.onlyBcc);
    expect(h.f.emailRow(h.e.onlyBcc)).toEqual({ ...was, bcc_addresses: '' });
  });

  it('blanks whole the system emails whose text holds their address (any case), not longer addresses', async () => {
    await setup();
    await anonymiseAndWait(engine, [String(h.sam)]);
    expect(h.f.emailRow(h.e.addressInText)).toMatchObject(blank);
    untouched(h.e.longerAddressInText);
  });

  it("leaves another person's email as it was, and changes no email the rules do not cover", async () => {
    await setup();
    await anonymiseAndWait(engine, [String(h.sam)]);
    untouched(h.e.otherPerson);
    const covered = new Set([h.e.fromSam, h.e.toSam, h.e.onlyCc, h.e.onlyBcc, h.e.addressInText]);
    for (const row of before.filter((r) => !covered.has(r.id))) untouched(row.id);
  });

  it('renames the user "Anonymized", blanks their personal fields, keeps the company, and inactivates them', async () => {
    await setup();
    const { requests } = await anonymiseAndWait(engine, [String(h.sam)]);
    const user = h.f.db.prepare('SELECT * FROM users WHERE id = ?').get(h.sam) as Record<string, unknown>;
    expect(user).toMatchObject({
      firstname: 'Anonymized',
      lastname: '',
      email: '',
      phone: '',
      company: 'Acme',
      status: 'suspended',
    });
    expect(h.f.db.prepare('SELECT count(*) AS n FROM user_history WHERE user_id = ?').get(h.sam)).toEqual({
      n: 0,
    });
    // Lethe recorded it as an admin purge with the item in anonymise mode, and marked its subject the same way.
    expect(requests[0]).toMatchObject({
      origin: 'admin',
      purgeTypeId: null,
      plan: [{ key: 'helpdesk/anonymize-user', mode: 'anonymise' }],
      items: [{ itemKey: 'helpdesk/anonymize-user', status: 'success' }],
    });
    expect(await getSubject(engine, String(h.sam))).toMatchObject({
      fullName: 'Anonymized',
      email: '',
      username: `anonymized-${h.sam}`,
      status: 'suspended',
      kind: 'support',
    });
    const actions = (await listAudit(engine, { limit: 100 })).events.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['request.create', 'request.finish', 'subject.anonymise']),
    );
    // Nothing of the action is left to do.
    const summary = await personalDataSummary(engine, String(h.sam));
    const item = summary.components.flatMap((c) => c.items).find((i) => i.key === 'helpdesk/anonymize-user');
    expect(item).toMatchObject({ count: 0, state: 'done', done: { mode: 'anonymise' } });
  });

  it('works on many support users at once', async () => {
    await setup();
    await anonymiseAndWait(engine, [String(h.sam), String(h.olga)]);
    expect(h.f.emailRow(h.e.otherPerson)).toMatchObject(blank);
    for (const id of [h.sam, h.olga]) {
      expect(await getSubject(engine, String(id))).toMatchObject({
        fullName: 'Anonymized',
        status: 'suspended',
      });
    }
    expect(h.f.db.prepare('SELECT company FROM users WHERE id = ?').get(h.olga)).toEqual({
      company: 'Other Co',
    });
  });

  it('is idempotent: anonymising twice is harmless and makes no second request', async () => {
    await setup();
    const again = await anonymiseSupportUsers(engine, 'cli', { subjectIds: [String(h.sam)], confirm: true });
    const queued = await anonymiseSupportUsers(engine, 'cli', { subjectIds: [String(h.sam)], confirm: true });
    expect(queued.map((r) => [r.outcome, r.request.id])).toEqual([['already-queued', again[0]?.request.id]]);
    await anonymiseAndWait(engine, [String(h.sam)]);
    const after = h.f.emails();
    const users = h.f.db.prepare('SELECT * FROM users ORDER BY id').all();
    const second = await anonymiseSupportUsers(engine, 'cli', { subjectIds: [String(h.sam)], confirm: true });
    expect(second.map((r) => [r.outcome, r.request.id])).toEqual([
      ['already-anonymised', again[0]?.request.id],
    ]);
    await waitForRequests(engine, [], {});
    expect(h.f.emails()).toEqual(after);
    expect(h.f.db.prepare('SELECT * FROM users ORDER BY id').all()).toEqual(users);
    expect(await markAnonymisedSupportUsers(engine, 'cli')).toEqual([]);
  });

  it('refuses non-support subjects, a missing confirmation, unknown and protected subjects, each with its code', async () => {
    await setup();
    const anonymise = (ids: string[], confirm = true) =>
      anonymiseSupportUsers(engine, 'cli', { subjectIds: ids, confirm });
    await expect(anonymise([String(h.sam)], false)).rejects.toMatchObject({
      code: 'LETHE_E_CONFIRM_REQUIRED',
    });
    await expect(anonymise([String(h.sam), String(h.ann), String(h.alice)])).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_NOT_SUPPORT',
      details: { ids: [String(h.ann), String(h.alice)] },
    });
    await expect(anonymise([String(h.sam), 'nobody'])).rejects.toMatchObject({
      code: 'LETHE_E_SUBJECT_UNKNOWN',
    });
    await expect(anonymise(['2'])).rejects.toMatchObject({ code: 'LETHE_E_SUBJECT_PROTECTED' });
    await expect(anonymise([])).rejects.toMatchObject({ code: 'LETHE_E_INVALID_INPUT' });
    await expect(
      anonymiseSupportUsers(engine, 'cli', {
        subjectIds: [String(h.sam)],
        confirm: true,
        itemKey: 'helpdesk/nope',
      }),
    ).rejects.toMatchObject({ code: 'LETHE_E_ITEM_UNKNOWN' });
    await expect(
      anonymiseSupportUsers(engine, 'cli', {
        subjectIds: [String(h.sam)],
        confirm: true,
        itemKey: 'user/names',
      }),
    ).rejects.toMatchObject({ code: 'LETHE_E_MODE_UNSUPPORTED' });
    // All or nothing: nothing was queued, and no email changed.
    expect((await engine.db.selectFrom('requests').select('id').execute()).length).toBe(0);
    expect(h.f.emails()).toEqual(before);
  });
});
