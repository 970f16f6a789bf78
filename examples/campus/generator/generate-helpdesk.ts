import type { CampusBuilder, Person } from './campus-builder.js';
import { helpdeskAddress } from './generate-people.js';

type EmailKind = 'incoming' | 'outgoing' | 'system';

interface EmailInput {
  kind: EmailKind;
  from: Person | null;
  to: readonly string[];
  cc?: readonly string[];
  bcc?: readonly string[];
  subject: string;
  body: string;
  at: string;
}

const topics = [
  'Cannot log in to the learning portal',
  'Invoice does not match our licence count',
  'Certificate shows the wrong name',
  'SCORM package fails to load',
  'Request to add ten seats',
  'Report export times out',
  'Single sign-on stopped working',
  'Course completion not recorded',
];

/**
 * Helpdesk issues from support users (and a few learners) with incoming, outgoing and system emails. Together
 * they exercise every rule of the helpdesk "Anonymize user" action: emails from the user, to the user, with the
 * user only in CC or only in BCC, system emails whose text holds the user's address, issue descriptions made from
 * an email, and emails of other people on the same issues.
 */
export function generateHelpdesk(builder: CampusBuilder): void {
  const r = builder.random;
  const agents = builder.staff.filter((p) => p.status === 'active');
  const allSupport = builder.supportUsers;
  const setDescription = builder.db.prepare(
    'UPDATE helpdesk_issues SET description = ?, description_email_id = ? WHERE id = ?',
  );
  const setUpdated = builder.db.prepare('UPDATE helpdesk_issues SET updated_at = ? WHERE id = ?');

  const reporters: Array<{ person: Person; issues: number }> = [];
  for (const person of builder.people) {
    if (person.kind === 'support') reporters.push({ person, issues: r.int(1, 4) });
    else if (person.rich || r.chance(0.05)) reporters.push({ person, issues: 1 });
  }

  for (const { person: reporter, issues } of reporters) {
    const company = builder.companies.find((c) => c.name === reporter.company && reporter.company !== '');
    const colleagues = company ? company.members.filter((m) => m.id !== reporter.id) : [];
    for (let n = 0; n < issues; n++) {
      const agent = r.pick(agents);
      const topic = r.pick(topics);
      const openedAt = r.after(reporter.createdAt, 1500);
      const issueId = builder.insert('helpdesk_issues', {
        reporter_id: reporter.id,
        assignee_id: agent.id,
        company: reporter.company,
        subject: topic,
        description: '',
        description_email_id: null,
        status: r.pick(['new', 'open', 'pending', 'resolved', 'closed', 'closed']),
        priority: r.pick(['low', 'normal', 'normal', 'high', 'urgent']),
        created_at: openedAt,
        updated_at: openedAt,
      });
      let at = openedAt;
      const send = (email: EmailInput): { id: number; body: string } => {
        const id = builder.insert('helpdesk_emails', {
          issue_id: issueId,
          kind: email.kind,
          from_user_id: email.from?.id ?? null,
          from_address: email.from?.email ?? helpdeskAddress,
          to_addresses: email.to.join(','),
          cc_addresses: (email.cc ?? []).join(','),
          bcc_addresses: (email.bcc ?? []).join(','),
          subject: email.subject,
          body: email.body,
          sent_at: email.at,
        });
        return { id, body: email.body };
      };
      const signature = (p: Person) => `\n\n-- \n${p.fullName}${p.company ? `, ${p.company}` : ''}`;
      const colleague = colleagues.length > 0 && r.chance(0.5) ? r.pick(colleagues) : undefined;
      const watcher = colleagues.length > 0 && r.chance(0.3) ? r.pick(colleagues) : r.pick(agents);

      // The issue is opened by email (its description is that email) or through the web form.
      if (r.chance(0.6)) {
        const first = send({
          kind: 'incoming',
          from: reporter,
          to: [helpdeskAddress],
          cc: colleague && r.chance(0.5) ? [colleague.email] : [],
          subject: topic,
          body: `Hello,\n\n${r.paragraph(r.int(2, 4))}${signature(reporter)}`,
          at,
        });
        setDescription.run(first.body, first.id, issueId);
      } else {
        setDescription.run(r.paragraph(r.int(2, 4)), null, issueId);
      }
      at = r.after(at, 1);
      send({
        kind: 'system',
        from: null,
        to: [agent.email],
        subject: `[#${issueId}] New issue: ${topic}`,
        body: `A new issue was opened by ${reporter.fullName} <${reporter.email}>.\nPriority and details are on the issue page.`,
        at,
      });
      at = r.after(at, 2);
      send({
        kind: 'outgoing',
        from: agent,
        to: [reporter.email],
        cc: colleague ? [colleague.email] : [],
        bcc: watcher.id !== agent.id && r.chance(0.4) ? [watcher.email] : [],
        subject: `Re: [#${issueId}] ${topic}`,
        body: `Hi ${reporter.firstname},\n\n${r.paragraph(r.int(1, 3))}${signature(agent)}`,
        at,
      });
      for (let k = 0, rounds = r.int(0, 4); k < rounds; k++) {
        at = r.after(at, 3);
        const writer = colleague && r.chance(0.3) ? colleague : reporter;
        if (k % 2 === 0) {
          send({
            kind: 'incoming',
            from: writer,
            to: [helpdeskAddress],
            cc: writer === reporter ? (colleague ? [colleague.email] : []) : [reporter.email],
            subject: `Re: [#${issueId}] ${topic}`,
            body: `${r.paragraph(r.int(1, 3))}${signature(writer)}`,
            at,
          });
        } else {
          send({
            kind: 'outgoing',
            from: agent,
            to: [writer.email],
            cc: writer === reporter ? [] : [reporter.email],
            bcc: r.chance(0.2) ? [watcher.email] : [],
            subject: `Re: [#${issueId}] ${topic}`,
            body: `${r.paragraph(r.int(1, 2))}${signature(agent)}`,
            at,
          });
        }
      }
      // Someone from another company with the same problem writes on the issue.
      if (allSupport.length > 2 && r.chance(0.15)) {
        const other = r.pick(allSupport);
        if (other.company !== reporter.company) {
          at = r.after(at, 3);
          send({
            kind: 'incoming',
            from: other,
            to: [helpdeskAddress],
            subject: `Re: [#${issueId}] ${topic}`,
            body: `We see the same problem at ${other.company}. ${r.paragraph(1)}${signature(other)}`,
            at,
          });
        }
      }
      if (r.chance(0.5)) {
        at = r.after(at, 5);
        send({
          kind: 'system',
          from: null,
          to: [agent.email],
          cc: r.chance(0.3) ? [r.pick(agents).email] : [],
          subject: `[#${issueId}] Resolved`,
          body: `Issue #${issueId} was resolved. The customer (${reporter.email}) has been notified.`,
          at,
        });
      }
      setUpdated.run(at, issueId);
    }
  }
}
