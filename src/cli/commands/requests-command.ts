import type { Command } from 'commander';
import { requestPurge } from '../../engine/purges/index.js';
import {
  cancelRequest,
  deleteExportPackage,
  getRequest,
  type LetheRequest,
  listRequests,
  type RequestKind,
  type RequestOrigin,
  type RequestStatus,
  requestExport,
  requestKinds,
  requestOrigins,
  requestStatuses,
} from '../../engine/requests/index.js';
import { table } from '../output.js';
import { intOption, oneOf } from '../parse-options.js';
import { requestText, waitAndReport } from '../request-report.js';
import { action } from '../run-action.js';

const timeoutOption = intOption('--timeout', 1, 86_400);

/** Prints a new request; with --wait runs it and prints its per-item results. Exit 1 unless it succeeded. */
async function finish(
  ctx: Parameters<Parameters<typeof action>[0]>[0],
  request: LetheRequest,
  wait: boolean | undefined,
  timeoutSeconds: number,
): Promise<number> {
  if (!wait) {
    ctx.out.result(
      request,
      () => `Queued request ${request.id}; a worker will run it (lethe worker --once).`,
    );
    return 0;
  }
  const waited = await waitAndReport(await ctx.engine(), [request.id], {
    json: ctx.out.json,
    timeoutSeconds,
  });
  const done = waited.requests[0] ?? request;
  ctx.out.result(done, () =>
    [
      requestText(done),
      done.package?.path ? `package: ${done.package.path} (until ${done.package.expiresAt})` : '',
      waited.finished ? '' : `still ${done.status} after ${timeoutSeconds} s`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return waited.ok ? 0 : 1;
}

export function registerRequestsCommands(program: Command): void {
  program
    .command('purge <subject>')
    .description(
      "erase a subject's data as a purge type says (the type must allow manual use and match the status)",
    )
    .requiredOption('--type <idnumber>', 'the purge type')
    .option('--dry-run', 'report, item by item, how many records would be erased; change nothing')
    .option('--confirm-active', 'needed to purge an active subject, which is risky')
    .option('--wait', 'run it now and print the result of each item')
    .option('--timeout <seconds>', 'with --wait: stop waiting after this long', timeoutOption, 600)
    .action(
      action(
        async (
          ctx,
          subjectId: string,
          o: { type: string; dryRun?: boolean; confirmActive?: boolean; wait?: boolean; timeout: number },
        ) => {
          const request = await requestPurge(await ctx.engine(), ctx.actor, {
            subjectId,
            type: o.type,
            origin: 'admin',
            dryRun: Boolean(o.dryRun),
            confirmActive: Boolean(o.confirmActive),
          });
          return finish(ctx, request, o.wait, o.timeout);
        },
      ),
    );

  program
    .command('export <subject>')
    .description("export a subject's personal data as a ZIP package")
    .requiredOption('--type <idnumber>', 'the export type')
    .option(
      '--origin <origin>',
      'self (the subject asks) or admin',
      oneOf('--origin', ['self', 'admin'] as const),
      'admin',
    )
    .option('--wait', 'run it now and print the package path')
    .option('--timeout <seconds>', 'with --wait: stop waiting after this long', timeoutOption, 600)
    .action(
      action(
        async (
          ctx,
          subjectId: string,
          o: { type: string; origin: 'self' | 'admin'; wait?: boolean; timeout: number },
        ) => {
          const request = await requestExport(await ctx.engine(), ctx.actor, {
            subjectId,
            type: o.type,
            origin: o.origin,
          });
          return finish(ctx, request, o.wait, o.timeout);
        },
      ),
    );

  const requests = program
    .command('requests')
    .description('export and purge requests: the queue and its results');
  requests
    .command('list')
    .option('--kind <kind>', requestKinds.join(' or '), oneOf('--kind', requestKinds))
    .option('--status <status>', requestStatuses.join(', '), oneOf('--status', requestStatuses))
    .option('--origin <origin>', requestOrigins.join(', '), oneOf('--origin', requestOrigins))
    .option('--subject <id>')
    .option('--limit <n>', 'how many', intOption('--limit', 1, 1000), 50)
    .option('--offset <n>', 'skip this many', intOption('--offset'), 0)
    .action(
      action(
        async (
          ctx,
          o: {
            kind?: RequestKind;
            status?: RequestStatus;
            origin?: RequestOrigin;
            subject?: string;
            limit: number;
            offset: number;
          },
        ) => {
          const page = await listRequests(await ctx.engine(), {
            ...(o.kind ? { kind: o.kind } : {}),
            ...(o.status ? { status: o.status } : {}),
            ...(o.origin ? { origin: o.origin } : {}),
            ...(o.subject ? { subjectId: o.subject } : {}),
            limit: o.limit,
            offset: o.offset,
          });
          ctx.out.result(page, () =>
            [
              table(
                ['ID', 'KIND', 'SUBJECT', 'TYPE', 'ORIGIN', 'STATUS', 'CREATED'],
                page.requests.map((r) => [
                  r.id,
                  r.dryRun ? `${r.kind} (dry run)` : r.kind,
                  r.subjectId,
                  r.typeIdnumber ?? '',
                  r.origin,
                  r.status,
                  r.createdAt,
                ]),
              ),
              `${page.requests.length} of ${page.total} requests`,
            ].join('\n'),
          );
          return 0;
        },
      ),
    );
  requests.command('show <id>').action(
    action(async (ctx, id: string) => {
      const request = await getRequest(await ctx.engine(), id);
      ctx.out.result(request, () =>
        [requestText(request), request.package?.path ? `package: ${request.package.path}` : '']
          .filter(Boolean)
          .join('\n'),
      );
      return 0;
    }),
  );
  requests
    .command('cancel <id>')
    .description('stop a request before its next item; the remaining items are marked cancelled')
    .action(
      action(async (ctx, id: string) => {
        const request = await cancelRequest(await ctx.engine(), ctx.actor, id);
        ctx.out.result(request, () => `Request ${request.id} is ${request.status}.`);
        return 0;
      }),
    );
  requests
    .command('delete-package <id>')
    .description('delete an available export package, so that a new export can be made')
    .action(
      action(async (ctx, id: string) => {
        const engine = await ctx.engine();
        await deleteExportPackage(engine, ctx.actor, id);
        const request = await getRequest(engine, id);
        ctx.out.result(request, () => `Deleted the package of request ${request.id}.`);
        return 0;
      }),
    );
}
