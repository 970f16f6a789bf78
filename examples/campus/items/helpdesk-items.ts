import type {
  BatchResult,
  ExportRecord,
  Item,
  ItemOutcome,
  SubjectContext,
} from '../../../src/items/index.js';
import { anonymousHostId } from './anonymous-user.js';
import { chunks, placeholders, throwIfAborted, toRecord } from './batch-sql.js';
import type { CampusDatabase } from './campus-database.js';
import {
  anonymiseSupportUsers,
  applyHelpdeskEmailPlan,
  helpdeskTargets,
  planHelpdeskEmails,
  planSupportAnonymisation,
  type SupportAnonymisation,
} from './helpdesk-rules.js';
import { always, assertMode, ownedRowsItem, runErase, whenInactive } from './item-builders.js';
import { textMentions } from './text-mentions.js';

const group = 'Helpdesk';

function emailsItem(campus: CampusDatabase): Item {
  const item: Item = {
    component: 'helpdesk',
    name: 'emails',
    group,
    title: 'Helpdesk emails',
    help:
      'Emails the user sent, received, or was copied on (CC, BCC), and system emails that quote their address. ' +
      "Anonymising blanks whole the emails they sent (and issue descriptions made from them), the emails sent to them and those system emails, and removes their address from other emails' CC and BCC.",
    sortOrder: 20,
    modes: { anonymise: { statuses: whenInactive } },
    mentions: textMentions(campus, {
      table: 'helpdesk_emails',
      fields: ['subject', 'body'],
      author: 'from_user_id',
      authorAddress: 'from_address',
    }),
    async count(ctx) {
      return planHelpdeskEmails(campus, helpdeskTargets(campus, ctx.subjects)).emails;
    },
    export: {
      async *records(ctx: SubjectContext): AsyncIterable<ExportRecord> {
        const plan = planHelpdeskEmails(campus, helpdeskTargets(campus, [ctx.subject]));
        for (const chunk of chunks(plan.concerned.get(ctx.subject.id) ?? [], 200)) {
          throwIfAborted(ctx.signal);
          const rows = campus
            .prepare(
              `SELECT e.id AS id, e.issue_id AS issue, i.subject AS issue_subject, e.kind AS kind,
                 e.from_address AS "from", e.to_addresses AS "to", e.cc_addresses AS cc, e.bcc_addresses AS bcc,
                 e.subject AS subject, e.body AS body, e.sent_at AS sent_at
               FROM helpdesk_emails AS e JOIN helpdesk_issues AS i ON i.id = e.issue_id
               WHERE e.id IN (${placeholders(chunk.length)}) ORDER BY e.id`,
            )
            .all(...chunk) as Array<Record<string, unknown>>;
          for (const row of rows) yield toRecord(row);
        }
      },
    },
    async erase(ctx) {
      assertMode(item, ctx.mode);
      return runErase(campus, ctx, (w) => {
        const plan = planHelpdeskEmails(campus, helpdeskTargets(campus, w.subjects));
        applyHelpdeskEmailPlan(campus, plan);
        return plan.emails;
      });
    },
  };
  return item;
}

function outcome(result: SupportAnonymisation): ItemOutcome {
  return {
    status: result.status,
    count: result.count,
    ...(result.message ? { message: result.message } : {}),
  };
}

/** The helpdesk "Anonymize user" action as an item: support users only; see anonymiseSupportUsers. */
function anonymizeUserItem(campus: CampusDatabase): Item {
  const item: Item = {
    component: 'helpdesk',
    name: 'anonymize-user',
    group,
    title: 'Anonymize user (helpdesk)',
    help:
      'For support users only: renames them "Anonymized", blanks their email, phones, custom fields and user-card ' +
      'history (keeping their company), blanks whole the emails they sent or received and system emails that quote ' +
      'their address, removes their address from CC and BCC, then inactivates them. Irreversible.',
    sortOrder: 90,
    modes: { anonymise: { statuses: always } },
    async count(ctx): Promise<BatchResult> {
      const { results } = planSupportAnonymisation(campus, ctx.subjects);
      return new Map([...results].map(([id, r]) => [id, outcome(r)]));
    },
    async erase(ctx): Promise<BatchResult> {
      assertMode(item, ctx.mode);
      throwIfAborted(ctx.signal);
      const anonymousId = anonymousHostId(ctx.anonymousUser);
      const subjects = ctx.subjects.filter((s) => anonymousId === undefined || s.id !== String(anonymousId));
      const results = anonymiseSupportUsers(campus, subjects, { dryRun: ctx.dryRun });
      const out = new Map<string, number | ItemOutcome>([...results].map(([id, r]) => [id, outcome(r)]));
      for (const subject of ctx.subjects) {
        if (!out.has(subject.id)) {
          out.set(subject.id, {
            status: 'skipped',
            count: 0,
            message: 'The anonymous user is never erased.',
          });
        }
      }
      return out;
    },
  };
  return item;
}

export function helpdeskItems(campus: CampusDatabase): Item[] {
  return [
    ownedRowsItem(campus, {
      component: 'helpdesk',
      name: 'issues',
      group,
      title: 'Helpdesk issues reported',
      help:
        'Issues the user reported. Anonymising re-attributes them to "Anonymous" and blanks their description; ' +
        'the company and the subject stay, for statistics.',
      sortOrder: 10,
      table: 'helpdesk_issues',
      owner: 'reporter_id',
      select:
        't.subject AS subject, t.company AS company, t.description AS description, t.status AS status, t.priority AS priority, t.created_at AS created_at, t.updated_at AS updated_at',
      anonymise: { statuses: whenInactive, set: "reporter_id = ?, description = ''", params: (a) => [a.id] },
    }),
    emailsItem(campus),
    ownedRowsItem(campus, {
      component: 'helpdesk',
      name: 'user-history',
      group,
      title: 'User card history',
      help: "The helpdesk's history on the customer's user card (calls, notes, changes).",
      sortOrder: 30,
      table: 'user_history',
      owner: 'user_id',
      select: 't.entry AS entry, t.created_at AS created_at',
      delete: whenInactive,
    }),
    anonymizeUserItem(campus),
  ];
}
