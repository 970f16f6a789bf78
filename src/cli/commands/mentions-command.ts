import type { Command } from 'commander';
import { findMentions } from '../../engine/anonymisation/index.js';
import { table } from '../output.js';
import { intOption } from '../parse-options.js';
import { action } from '../run-action.js';

interface MentionsOptions {
  redactMentions?: boolean;
  limit: number;
}

export function registerMentionsCommand(program: Command): void {
  program
    .command('mentions <subject>')
    .description(
      "where a subject's name, username or email appears (whole words, any case) in other people's free text: forum replies, messages, helpdesk emails",
    )
    .option(
      '--redact-mentions',
      'replace each mention with "[redacted]", leaving the rest of the text as it was',
    )
    .option(
      '--limit <n>',
      'list at most this many hits (all are counted)',
      intOption('--limit', 1, 1_000_000),
      1000,
    )
    .action(
      action(async (ctx, subjectId: string, o: MentionsOptions) => {
        const result = await findMentions(await ctx.engine(), subjectId, {
          redact: o.redactMentions === true,
          actor: ctx.actor,
          limit: o.limit,
        });
        ctx.out.result(result, () => {
          const lines = [
            `Searched for ${result.terms.map((t) => `"${t}"`).join(', ') || 'nothing (no usable terms)'}: ${result.total} mention${
              result.total === 1 ? '' : 's'
            } to review.`,
          ];
          if (result.hits.length > 0) {
            lines.push(
              table(
                ['ITEM', 'RECORD', 'FIELD', 'EXCERPT'],
                result.hits.map((h) => [h.item, h.recordId, h.field, h.excerpt]),
              ),
            );
          }
          if (result.hits.length < result.total)
            lines.push(`(${result.total - result.hits.length} more not listed)`);
          for (const e of result.errors) lines.push(`error in ${e.item}: ${e.message}`);
          if (result.redacted) {
            const total = Object.values(result.redacted).reduce((a, b) => a + b, 0);
            lines.push(`Redacted ${total} mention${total === 1 ? '' : 's'}.`);
            for (const key of result.notRedacted ?? [])
              lines.push(`  ${key} cannot redact: review it by hand.`);
          }
          return lines.join('\n');
        });
        return result.errors.length > 0 ? 1 : 0;
      }),
    );
}
