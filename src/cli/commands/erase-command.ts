import type { Command } from 'commander';
import {
  type CleanDeletion,
  deleteSubjectIfClean,
  type ErasureResult,
  requestErasure,
} from '../../engine/anonymisation/index.js';
import type { LetheRequest } from '../../engine/requests/index.js';
import { LetheError } from '../../errors/index.js';
import { type EraseMode, eraseModes } from '../../items/index.js';
import { intOption, listOption } from '../parse-options.js';
import { requestText, waitAndReport } from '../request-report.js';
import { action } from '../run-action.js';

function modeOption(raw: string): EraseMode {
  if (!(eraseModes as readonly string[]).includes(raw)) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `--mode is ${eraseModes.join(' or ')}, not "${raw}".`, {
      option: '--mode',
    });
  }
  return raw as EraseMode;
}

interface EraseOptions {
  items?: string[];
  mode?: EraseMode;
  wait?: boolean;
  timeout: number;
  dryRun?: boolean;
  deleteSubject?: boolean;
}

export function registerEraseCommand(program: Command): void {
  program
    .command('erase <subject>')
    .description(
      'Delete Personal Data: erase chosen components or items of a deactivated subject in one mode (a purge request with origin admin and no type)',
    )
    .option('--items <list>', 'comma-separated components and items, such as forum,blog/posts', listOption)
    .option('--mode <mode>', 'anonymise or delete', modeOption)
    .option('--dry-run', 'report what would be erased, and change nothing')
    .option('--wait', 'run the request now (or wait for the worker) and print its per-item results')
    .option(
      '--timeout <seconds>',
      'with --wait: stop waiting after this long',
      intOption('--timeout', 1, 86_400),
      600,
    )
    .option('--delete-subject', 'then, if no personal data is left, mark the subject deleted')
    .action(
      action(async (ctx, subjectId: string, o: EraseOptions) => {
        if (!o.items && !o.deleteSubject) {
          throw new LetheError('LETHE_E_INVALID_INPUT', 'Give --items and --mode, or --delete-subject.', {
            option: '--items',
          });
        }
        if (o.items && !o.mode) {
          throw new LetheError('LETHE_E_INVALID_INPUT', '--items needs --mode anonymise or --mode delete.', {
            option: '--mode',
          });
        }
        const engine = await ctx.engine();
        const out: {
          erasure?: Omit<ErasureResult, 'request'>;
          request?: LetheRequest;
          waited?: boolean;
          deletion?: CleanDeletion;
        } = {};
        const human: string[] = [];
        let code = 0;
        if (o.items && o.mode) {
          const result = await requestErasure(engine, ctx.actor, {
            subjectId,
            items: o.items,
            mode: o.mode,
            origin: 'admin',
            ...(o.dryRun ? { dryRun: true } : {}),
          });
          out.erasure = { plan: result.plan, skipped: result.skipped };
          out.request = result.request;
          human.push(
            `Queued request ${result.request.id}: ${o.mode} ${result.plan.map((s) => s.key).join(', ')}${
              o.dryRun ? ' (dry run)' : ''
            }.`,
          );
          for (const s of result.skipped) human.push(`  skipped ${s.key}: ${s.reason}`);
          if (o.wait) {
            const waited = await waitAndReport(engine, [result.request.id], {
              json: ctx.out.json,
              timeoutSeconds: o.timeout,
            });
            out.request = waited.requests[0] ?? result.request;
            out.waited = waited.finished;
            human.push(requestText(out.request));
            if (!waited.finished)
              human.push(`Request ${result.request.id} is still running after ${o.timeout} s.`);
            if (!waited.ok) code = 1;
          }
        }
        if (o.deleteSubject && code === 0 && !o.dryRun) {
          out.deletion = await deleteSubjectIfClean(engine, ctx.actor, subjectId);
          human.push(
            out.deletion.changed
              ? `Subject ${subjectId} has no personal data left: marked deleted.`
              : `Subject ${subjectId} has no personal data left and was already deleted.`,
          );
          for (const r of out.deletion.remaining) {
            human.push(`  ${r.key} still holds ${r.count}: only a purge for deleted subjects may erase it.`);
          }
        }
        ctx.out.result(out, () => human.join('\n'));
        return code;
      }),
    );
}
