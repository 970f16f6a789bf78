import type { Command } from 'commander';
import {
  type PersonalDataSummary,
  personalDataSummary,
  type SummaryItem,
} from '../../engine/anonymisation/index.js';
import { table } from '../output.js';
import { action } from '../run-action.js';

function modeCell(item: SummaryItem, mode: 'delete' | 'anonymise'): string {
  const state = item.modes[mode];
  if (!state) return '';
  return state.allowed ? 'yes' : 'not now';
}

function doneCell(item: SummaryItem): string {
  return item.done ? `${item.done.mode} ${item.done.at.slice(0, 19)} (#${item.done.requestId})` : '';
}

/** The summary as people read it: one row per item, grouped by component. */
export function summaryText(summary: PersonalDataSummary): string {
  const rows: unknown[][] = [];
  for (const component of summary.components) {
    rows.push([`${component.component}  (${component.group})`, component.total, '', '', '', '']);
    for (const item of component.items) {
      rows.push([
        `  ${item.key}`,
        item.count ?? (item.error ? 'error' : '?'),
        item.state,
        modeCell(item, 'delete'),
        modeCell(item, 'anonymise'),
        item.error ? `error: ${item.error}` : doneCell(item),
      ]);
    }
  }
  const s = summary.subject;
  return [
    `Subject ${s.id} (${s.fullName || s.username}), ${s.status}: ${summary.total} record${summary.total === 1 ? '' : 's'} left${
      summary.errors > 0 ? `, ${summary.errors} item${summary.errors === 1 ? '' : 's'} could not count` : ''
    }`,
    '',
    table(['COMPONENT / ITEM', 'COUNT', 'STATE', 'DELETE', 'ANONYMISE', 'DONE'], rows),
  ].join('\n');
}

export function registerDataCommand(program: Command): void {
  program
    .command('data <subject>')
    .description(
      "a subject's personal data, per component and item: counts, the modes each allows now, and what was erased",
    )
    .action(
      action(async (ctx, subjectId: string) => {
        const summary = await personalDataSummary(await ctx.engine(), subjectId);
        ctx.out.result(summary, () => summaryText(summary));
        return 0;
      }),
    );
}
