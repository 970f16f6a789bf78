import type { SubjectRef } from '../../../src/items/index.js';
import { anonymousId, type FixtureData, userEmail } from './fixture.js';

/** A subject of the fixture, as the engine would pass it. */
export function fixtureSubject(id: number): SubjectRef {
  return {
    id: String(id),
    username: id === anonymousId ? 'anonymous' : `user${id}`,
    email: id === anonymousId ? '' : userEmail(id),
    fullName: id === anonymousId ? 'Anonymous' : `User ${id}`,
    kind: 'learner',
    status: 'deleted',
  };
}

export function fixtureUsers(ids: readonly number[]): FixtureData['users'] {
  return ids.map((id) => ({
    id,
    username: id === anonymousId ? 'anonymous' : `user${id}`,
    email: id === anonymousId ? null : userEmail(id),
    firstname: id === anonymousId ? 'Anonymous' : `First${id}`,
    lastname: id === anonymousId ? '' : `Last${id}`,
    status: id === 3 ? 'active' : 'deleted',
    kind: 'learner',
  }));
}

/**
 * The hand-written data the contract cases reason about. User 1 ("A") has: a discussion that user 2 replied in
 * (so it can't be deleted), a discussion of their own, a reply to themself, a reply in user 2's discussion,
 * messages with user 2 and to themself, an issue with an email to user 3, an email on user 2's issue sent to them,
 * system emails that mention them (and traps that mention au1@ex.com and u1@ex.com.au), and two files.
 */
export function standardData(): FixtureData {
  return {
    users: fixtureUsers([1, 2, 3, 4, 5, 6, anonymousId]),
    courses: [{ id: 1, name: 'Biology' }],
    forum_discussions: [
      { id: 1, author_id: 1, title: "A's discussion" },
      { id: 2, author_id: 1, title: "A's lonely discussion" },
      { id: 3, author_id: 2, title: "B's discussion" },
    ],
    forum_posts: [
      { id: 1, discussion_id: 1, parent_id: null, author_id: 1, message: 'Opening', ip: '10.0.0.1' },
      { id: 2, discussion_id: 1, parent_id: 1, author_id: 2, message: 'B replies', ip: '10.0.0.2' },
      { id: 3, discussion_id: 2, parent_id: null, author_id: 1, message: 'Alone', ip: '10.0.0.1' },
      { id: 4, discussion_id: 2, parent_id: 3, author_id: 1, message: 'Still alone', ip: '10.0.0.1' },
      { id: 5, discussion_id: 3, parent_id: null, author_id: 2, message: 'B opens', ip: '10.0.0.2' },
      { id: 6, discussion_id: 3, parent_id: 5, author_id: 1, message: 'A replies', ip: '10.0.0.1' },
    ],
    messages: [
      { id: 1, sender_id: 1, recipient_id: 2, subject: 'Hi', body: 'Hello B' },
      { id: 2, sender_id: 2, recipient_id: 1, subject: 'Re: Hi', body: 'Hello A' },
      { id: 3, sender_id: 2, recipient_id: 3, subject: 'Other', body: 'B to C' },
      { id: 4, sender_id: 1, recipient_id: 1, subject: 'Note', body: 'to self' },
    ],
    helpdesk_issues: [
      { id: 1, reporter_id: 1, summary: 'A cannot log in' },
      { id: 2, reporter_id: 2, summary: 'B has a question' },
    ],
    helpdesk_emails: [
      { id: 1, issue_id: 1, to_address: 'u1@ex.com', body: 'We are on it' },
      { id: 2, issue_id: 1, to_address: 'u3@ex.com', body: 'Escalated to C' },
      { id: 3, issue_id: 2, to_address: 'u1@ex.com', body: 'Copy to A' },
      { id: 4, issue_id: 2, to_address: 'U2@EX.COM', body: 'Answer to B' },
    ],
    email_attachments: [
      { id: 1, email_id: 1, filename: 'a.txt', content: Buffer.from('hello') },
      { id: 2, email_id: 3, filename: 'b.bin', content: Buffer.from([0, 1, 2, 255]) },
    ],
    system_emails: [
      { id: 1, recipient: 'u1@ex.com', body: 'Welcome u1@ex.com!' },
      { id: 2, recipient: 'au1@ex.com', body: 'Password reset for au1@ex.com.' },
      { id: 3, recipient: 'u1@ex.com.au', body: 'Contact u1@ex.com.au today' },
      { id: 4, recipient: null, body: 'List: u1@ex.com, u2@ex.com.' },
      { id: 5, recipient: null, body: 'nobody here' },
    ],
    user_files: [
      { id: 1, user_id: 1, path: 'u1/cv.txt' },
      { id: 2, user_id: 2, path: 'u2/photo.txt' },
      { id: 3, user_id: 1, path: '../escape.txt' },
    ],
  };
}
