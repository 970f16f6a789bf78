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
import { LetheError } from '../../errors/index.js';
import { table } from '../output.js';
import { intOption, listOption, oneOf } from '../parse-options.js';
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

/** A comma-separated list option that may also be repeated. */
const moreOf = (raw: string, previous?: string[]): string[] => [...(previous ?? []), ...listOption(raw)];

/**
 * What `export` exports: `--type`, or else the items and components of `--items` and `--component` together (which
 * requestExport checks: unknown ones, ones that cannot export, none at all). Refuses both, neither, and an item
 * key given to `--component`, with LETHE_E_INVALID_INPUT naming the options.
 */
function exportChoice(o: { type?: string; items?: string[]; component?: string[] }): {
  type?: string;
  items?: string[];
} {
  const byItems = o.items !== undefined || o.component !== undefined;
  if (o.type !== undefined && byItems) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'Export by --type or by --items/--component, not both.', {
      option: o.items !== undefined ? '--items' : '--component',
    });
  }
  if (o.type !== undefined) return { type: o.type };
  if (!byItems) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      'Give --type, or the items (--items) or components (--component) to export.',
      { option: '--type' },
    );
  }
  const key = o.component?.find((c) => c.includes('/'));
  if (key !== undefined) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `--component takes components (such as "forum"), not the item key "${key}": give it to --items.`,
      { option: '--component', item: key },
    );
  }
  return { items: [...(o.items ?? []), ...(o.component ?? [])] };
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
    .description(
      "export a subject's personal data as a ZIP package, by an export type or by chosen items and components",
    )
    .option('--type <idnumber>', 'the export type')
    .option(
      '--items <keys>',
      'instead of a type: item keys (forum/posts), or components (forum), comma-separated',
      moreOf,
    )
    .option(
      '--component <names>',
      'instead of a type: components, comma-separated; each brings those of its items that can export',
      moreOf,
    )
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
          o: {
            type?: string;
            items?: string[];
            component?: string[];
            origin: 'self' | 'admin';
            wait?: boolean;
            timeout: number;
          },
        ) => {
          const request = await requestExport(await ctx.engine(), ctx.actor, {
            subjectId,
            ...exportChoice(o),
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
