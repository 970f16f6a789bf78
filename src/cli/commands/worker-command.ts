import type { Command } from 'commander';
import {
  listOutbox,
  type OutboxStatus,
  outboxStatuses,
  requeueOutbox,
} from '../../engine/notifications/index.js';
import { runWorker, type WorkerEvent } from '../../engine/worker/index.js';
import { LetheError } from '../../errors/index.js';
import { table } from '../output.js';
import { intOption, oneOf } from '../parse-options.js';
import { progressBar } from '../progress.js';
import { action } from '../run-action.js';
import { lowerWorkerPriority } from '../worker-priority.js';

function describe(event: WorkerEvent): string | undefined {
  switch (event.type) {
    case 'job':
      return `job ${event.job}: ${JSON.stringify(event.result)}`;
    case 'job-error':
      return `job ${event.job} failed: ${event.message}`;
    case 'finished':
      return `request ${event.requestId} (${event.kind}) ${event.status}${event.error ? `: ${event.error}` : ''}`;
    case 'error':
      return `error: ${event.message}`;
    default:
      return undefined;
  }
}

/** One line of at most `max` characters. */
function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function registerWorkerCommands(program: Command): void {
  program
    .command('worker')
    .description(
      'run requests and the scheduled jobs (automatic purge scan, export expiry, timed-out sweep, outbox retry)',
    )
    .option('--once', 'run the jobs that are due, empty the queue, and exit')
    .action(
      action(async (ctx, o: { once?: boolean }) => {
        const engine = await ctx.engine();
        const refused = lowerWorkerPriority(engine.config.worker.niceness);
        if (refused) ctx.out.info(refused);
        const controller = new AbortController();
        const stop = () => {
          if (!controller.signal.aborted) {
            ctx.out.info('stopping: finishing the work in hand');
            controller.abort();
          }
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        const bar = o.once ? progressBar('working', ctx.out.json) : undefined;
        try {
          const summary = await runWorker(engine, {
            once: Boolean(o.once),
            signal: controller.signal,
            onProgress: (event) => {
              if (event.type === 'item') bar?.update(event.index, event.total);
              else if (!o.once) {
                const line = describe(event);
                if (line) ctx.out.info(line);
              }
            },
          });
          bar?.stop();
          ctx.out.result(summary, () =>
            [
              ...summary.jobs.map((j) => `job ${j.job}: ${JSON.stringify(j)}`),
              `${summary.requests} request(s) finished: ${
                Object.entries(summary.finished)
                  .map(([s, n]) => `${n} ${s}`)
                  .join(', ') || 'none'
              }`,
              summary.waitingForRetry
                ? `${summary.waitingForRetry.requests} request(s) wait for a retry after a failed attempt: the ` +
                  `first may run at ${summary.waitingForRetry.nextAt} (worker.retryDelaySeconds); run the worker again then.`
                : '',
            ]
              .filter(Boolean)
              .join('\n'),
          );
        } finally {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
        }
        return 0;
      }),
    );

  const outbox = program
    .command('outbox')
    .description('notifications: sent, queued (no SMTP, or waiting for a retry) or failed');
  outbox
    .command('list', { isDefault: true })
    .description("the outbox, newest first, with each message's tries and last error (the default)")
    .option('--status <status>', outboxStatuses.join(', '), oneOf('--status', outboxStatuses))
    .option('--limit <n>', 'how many', intOption('--limit', 1, 1000), 50)
    .option('--offset <n>', 'skip this many', intOption('--offset'), 0)
    .action(
      action(async (ctx, o: { status?: OutboxStatus; limit: number; offset: number }) => {
        const engine = await ctx.engine();
        const page = await listOutbox(engine, {
          limit: o.limit,
          offset: o.offset,
          ...(o.status ? { status: o.status } : {}),
        });
        const smtp = engine.config.smtp;
        ctx.out.result({ ...page, smtp: smtp !== undefined }, () =>
          [
            table(
              ['ID', 'TO', 'SUBJECT', 'STATUS', 'TRIES', 'SENT / NEXT TRY', 'LAST ERROR'],
              page.messages.map((m) => [
                m.id,
                m.recipient,
                clip(m.subject, 40),
                m.status,
                m.attempts,
                m.sentAt ?? m.nextAttemptAt ?? '',
                clip(m.error ?? '', 60),
              ]),
            ),
            `${page.messages.length} of ${page.total} messages; ${page.counts.queued} queued, ` +
              `${page.counts.sent} sent, ${page.counts.failed} failed`,
            smtp
              ? `SMTP ${smtp.host}:${smtp.port}: the worker's outbox-retry job sends queued messages ` +
                `(at most ${smtp.maxAttempts} tries each).`
              : 'SMTP is not configured: queued messages wait until it is, then the worker sends them.',
          ].join('\n'),
        );
        return 0;
      }),
    );

  outbox
    .command('retry [ids...]')
    .description(
      'put failed messages back in the queue, due now, with a fresh set of tries (a sent one is refused)',
    )
    .option('--all-failed', 'every failed message')
    .action(
      action(async (ctx, ids: string[], o: { allFailed?: boolean }) => {
        if (o.allFailed && ids.length > 0) {
          throw new LetheError('LETHE_E_INVALID_INPUT', 'Give message ids or --all-failed, not both.', {
            option: '--all-failed',
          });
        }
        if (!o.allFailed && ids.length === 0) {
          throw new LetheError(
            'LETHE_E_INVALID_INPUT',
            'Give the ids of the messages to retry, or --all-failed.',
            {
              field: 'ids',
            },
          );
        }
        const target = o.allFailed
          ? { allFailed: true as const }
          : { ids: ids.map(intOption('ID', 1, 2_147_483_647)) };
        const engine = await ctx.engine();
        const result = await requeueOutbox(engine, ctx.actor, target);
        const smtp = engine.config.smtp !== undefined;
        ctx.out.result({ ...result, smtp }, () =>
          [
            result.requeued.length > 0
              ? `Requeued ${result.requeued.length} message(s), with a fresh set of tries: ${result.requeued.join(', ')}.`
              : o.allFailed
                ? 'No message has failed: nothing to requeue.'
                : 'Nothing to requeue.',
            result.alreadyQueued.length > 0
              ? `Already queued, left as they were: ${result.alreadyQueued.join(', ')}.`
              : '',
            result.requeued.length === 0
              ? ''
              : smtp
                ? "The worker's outbox-retry job sends them at its next run (`lethe worker --once` runs it now)."
                : 'SMTP is not configured: they wait in the queue until it is.',
          ]
            .filter(Boolean)
            .join('\n'),
        );
        return 0;
      }),
    );
}
