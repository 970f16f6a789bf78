import type { Command } from 'commander';
import {
  anonymiseSupportUsers,
  markAnonymisedSupportUsers,
  type SupportAnonymisationResult,
} from '../../engine/anonymisation/index.js';
import type { LetheRequest } from '../../engine/requests/index.js';
import { getSubject, type Subject } from '../../engine/subjects/index.js';
import { table } from '../output.js';
import { intOption } from '../parse-options.js';
import { requestText, waitAndReport } from '../request-report.js';
import { action } from '../run-action.js';

interface AnonymiseOptions {
  confirm?: boolean;
  wait?: boolean;
  timeout: number;
}

export function registerAnonymiseCommand(program: Command): void {
  program
    .command('anonymise <subjects...>')
    .alias('anonymize')
    .description(
      'the helpdesk "Anonymize user" action for support users: rename "Anonymized", blank their emails and personal fields (keeping the company), then inactivate them. Irreversible: needs --confirm',
    )
    .option('--confirm', 'confirm the irreversible anonymisation')
    .option('--wait', 'run the requests now (or wait for the worker), then mark the subjects in Lethe')
    .option(
      '--timeout <seconds>',
      'with --wait: stop waiting after this long',
      intOption('--timeout', 1, 86_400),
      600,
    )
    .action(
      action(async (ctx, subjectIds: string[], o: AnonymiseOptions) => {
        const engine = await ctx.engine();
        const results: SupportAnonymisationResult[] = await anonymiseSupportUsers(engine, ctx.actor, {
          subjectIds,
          confirm: o.confirm === true,
        });
        let requests: LetheRequest[] = results.map((r) => r.request);
        let subjects: Subject[] = [];
        let code = 0;
        let finished = true;
        if (o.wait) {
          const waiting = results.filter((r) => r.outcome !== 'already-anonymised').map((r) => r.request.id);
          const waited = await waitAndReport(engine, waiting, {
            json: ctx.out.json,
            timeoutSeconds: o.timeout,
          });
          const byId = new Map(waited.requests.map((r) => [r.id, r]));
          requests = requests.map((r) => byId.get(r.id) ?? r);
          finished = waited.finished;
          if (!waited.ok) code = 1;
          // The worker marks the subjects when their request succeeds; this catches any a worker left unmarked.
          await markAnonymisedSupportUsers(engine, ctx.actor, {
            subjectIds: results.map((r) => r.subjectId),
          });
          subjects = await Promise.all(results.map((r) => getSubject(engine, r.subjectId)));
        }
        const byRequest = new Map(requests.map((r) => [r.id, r]));
        const rows = results.map((r) => ({
          subjectId: r.subjectId,
          outcome: r.outcome,
          request: byRequest.get(r.request.id) ?? r.request,
        }));
        ctx.out.result({ results: rows, subjects, finished }, () =>
          [
            table(
              ['SUBJECT', 'OUTCOME', 'REQUEST', 'STATUS'],
              rows.map((r) => [r.subjectId, r.outcome, r.request.id, r.request.status]),
            ),
            ...(o.wait ? rows.map((r) => requestText(r.request)) : []),
            ...subjects.map((s) => `Subject ${s.id} is now "${s.fullName}", ${s.status}.`),
            ...(finished ? [] : ['Some requests are still running: run again with --wait to finish.']),
          ].join('\n'),
        );
        return code;
      }),
    );
}
