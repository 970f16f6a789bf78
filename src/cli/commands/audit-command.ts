import type { Command } from 'commander';
import { listAudit, verifyAudit } from '../../engine/audit/index.js';
import { table } from '../output.js';
import { intOption } from '../parse-options.js';
import { action } from '../run-action.js';

interface ListOptions {
  actor?: string;
  action?: string;
  target?: string;
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit trail');
  audit
    .command('list')
    .description('list audit events, newest first')
    .option('--actor <actor>', 'only events by this actor')
    .option('--action <action>', 'only this action, such as subject.status')
    .option('--target <id>', 'only events about this target id')
    .option('--since <iso>', 'from this time')
    .option('--until <iso>', 'before this time')
    .option('--limit <n>', 'how many', intOption('--limit', 1, 10_000), 50)
    .option('--offset <n>', 'skip this many', intOption('--offset'), 0)
    .action(
      action(async (ctx, options: ListOptions) => {
        const result = await listAudit(await ctx.engine(), {
          ...(options.actor ? { actor: options.actor } : {}),
          ...(options.action ? { action: options.action } : {}),
          ...(options.target ? { targetId: options.target } : {}),
          ...(options.since ? { since: options.since } : {}),
          ...(options.until ? { until: options.until } : {}),
          limit: options.limit ?? 50,
          offset: options.offset ?? 0,
        });
        ctx.out.result(result, () =>
          [
            table(
              ['SEQ', 'AT', 'ACTOR', 'ACTION', 'TARGET'],
              result.events.map((e) => [e.seq, e.at, e.actor, e.action, `${e.targetType}:${e.targetId}`]),
            ),
            `${result.events.length} of ${result.total} events`,
          ].join('\n'),
        );
        return 0;
      }),
    );
  audit
    .command('verify')
    .description('check the whole chain; exits 1 when an event was changed or deleted')
    .action(
      action(async (ctx) => {
        const result = await verifyAudit(await ctx.engine());
        ctx.out.result(result, () =>
          result.ok
            ? `The audit chain verifies: ${result.checked} events.`
            : [
                `The audit chain is BROKEN (${result.checked} events checked):`,
                ...result.problems.map((p) => `- ${p.message}`),
              ].join('\n'),
        );
        return result.ok ? 0 : 1;
      }),
    );
}
