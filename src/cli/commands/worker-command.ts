import type { Command } from 'commander';
import { listOutbox } from '../../engine/notifications/index.js';
import { runWorker, type WorkerEvent } from '../../engine/worker/index.js';
import { table } from '../output.js';
import { intOption } from '../parse-options.js';
import { progressBar } from '../progress.js';
import { action } from '../run-action.js';

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

export function registerWorkerCommands(program: Command): void {
  program
    .command('worker')
    .description('run requests and the scheduled jobs (automatic purge scan, export expiry, timed-out sweep)')
    .option('--once', 'run the jobs that are due, empty the queue, and exit')
    .action(
      action(async (ctx, o: { once?: boolean }) => {
        const engine = await ctx.engine();
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
            ].join('\n'),
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
    .description('notifications Lethe has sent or queued (without SMTP)');
  outbox
    .command('list')
    .option('--limit <n>', 'how many', intOption('--limit', 1, 1000), 50)
    .option('--offset <n>', 'skip this many', intOption('--offset'), 0)
    .action(
      action(async (ctx, o: { limit: number; offset: number }) => {
        const page = await listOutbox(await ctx.engine(), { limit: o.limit, offset: o.offset });
        ctx.out.result(page, () =>
          [
            table(
              ['ID', 'TO', 'SUBJECT', 'STATUS', 'CREATED'],
              page.messages.map((m) => [m.id, m.recipient, m.subject, m.status, m.createdAt]),
            ),
            `${page.messages.length} of ${page.total} messages`,
          ].join('\n'),
        );
        return 0;
      }),
    );
}
