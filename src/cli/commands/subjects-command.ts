import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import {
  assignPurgeType,
  changeStatus,
  getSubject,
  importSubjects,
  listSubjects,
  registerSubject,
  type Subject,
  statusHistory,
  updateSubject,
} from '../../engine/subjects/index.js';
import { LetheError } from '../../errors/index.js';
import type { SubjectStatus } from '../../items/index.js';
import { table } from '../output.js';
import { intOption, statusOption } from '../parse-options.js';
import { progressBar } from '../progress.js';
import { action } from '../run-action.js';

function subjectRows(subjects: Subject[]): unknown[][] {
  return subjects.map((s) => [
    s.id,
    s.username,
    s.fullName,
    s.email,
    s.kind,
    s.status,
    s.legacy ? 'legacy' : '',
  ]);
}

const subjectHeaders = ['ID', 'USERNAME', 'NAME', 'EMAIL', 'KIND', 'STATUS', ''];

function readLines(file: string): AsyncIterable<string> {
  if (file !== '-' && !existsSync(file)) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `The import file ${file} does not exist.`, { file });
  }
  const input = file === '-' ? process.stdin : createReadStream(file, 'utf8');
  return createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

export function registerSubjectsCommand(program: Command): void {
  const subjects = program.command('subjects').description('the people whose data Lethe manages');

  subjects
    .command('list')
    .description('list subjects, filtered and paged')
    .option('--status <status>', 'active, suspended or deleted', statusOption)
    .option('--kind <kind>', 'the host kind, such as staff, learner or support')
    .option('--search <text>', 'an id, or part of a name, username or email')
    .option('--legacy', 'only legacy subjects (deleted before Lethe managed them)')
    .option('--limit <n>', 'how many', intOption('--limit', 1, 1000), 50)
    .option('--offset <n>', 'skip this many', intOption('--offset'), 0)
    .action(
      action(
        async (
          ctx,
          o: {
            status?: SubjectStatus;
            kind?: string;
            search?: string;
            legacy?: boolean;
            limit: number;
            offset: number;
          },
        ) => {
          const page = await listSubjects(await ctx.engine(), {
            ...(o.status ? { status: o.status } : {}),
            ...(o.kind ? { kind: o.kind } : {}),
            ...(o.search ? { search: o.search } : {}),
            ...(o.legacy ? { legacy: true } : {}),
            limit: o.limit,
            offset: o.offset,
          });
          ctx.out.result(page, () =>
            [
              table(subjectHeaders, subjectRows(page.subjects)),
              `${page.subjects.length} of ${page.total} subjects`,
            ].join('\n'),
          );
          return 0;
        },
      ),
    );

  subjects
    .command('show <id>')
    .description('one subject, with its status history')
    .action(
      action(async (ctx, id: string) => {
        const engine = await ctx.engine();
        const subject = await getSubject(engine, id);
        const history = await statusHistory(engine, id);
        ctx.out.result({ ...subject, history }, () =>
          [
            ...Object.entries(subject).map(([k, v]) => `${k.padEnd(22)} ${v === null ? '' : String(v)}`),
            '',
            'status history:',
            ...history.map((h) => `  ${h.at}  ${h.from ?? '(new)'} -> ${h.to}  by ${h.actor}`),
          ].join('\n'),
        );
        return 0;
      }),
    );

  subjects
    .command('add <id>')
    .description('register one subject')
    .requiredOption('--username <username>')
    .requiredOption('--email <email>')
    .requiredOption('--name <fullName>', 'the full name')
    .option('--kind <kind>', 'staff, learner, support, ...', 'learner')
    .option('--status <status>', 'active, suspended or deleted', statusOption, 'active')
    .option('--legacy', 'deleted before Lethe managed it')
    .action(
      action(
        async (
          ctx,
          id: string,
          o: {
            username: string;
            email: string;
            name: string;
            kind: string;
            status: SubjectStatus;
            legacy?: boolean;
          },
        ) => {
          const subject = await registerSubject(await ctx.engine(), ctx.actor, {
            id,
            username: o.username,
            email: o.email,
            fullName: o.name,
            kind: o.kind,
            status: o.status,
            legacy: Boolean(o.legacy),
          });
          ctx.out.result(subject, () => `Registered subject ${subject.id} (${subject.fullName}).`);
          return 0;
        },
      ),
    );

  subjects
    .command('update <id>')
    .description("change a subject's username, email, name, kind or legacy flag")
    .option('--username <username>')
    .option('--email <email>')
    .option('--name <fullName>')
    .option('--kind <kind>')
    .option('--legacy <yes|no>')
    .action(
      action(
        async (
          ctx,
          id: string,
          o: { username?: string; email?: string; name?: string; kind?: string; legacy?: string },
        ) => {
          if (o.legacy !== undefined && o.legacy !== 'yes' && o.legacy !== 'no') {
            throw new LetheError('LETHE_E_INVALID_INPUT', `--legacy must be yes or no, not "${o.legacy}".`, {
              option: '--legacy',
            });
          }
          const subject = await updateSubject(await ctx.engine(), ctx.actor, id, {
            ...(o.username !== undefined ? { username: o.username } : {}),
            ...(o.email !== undefined ? { email: o.email } : {}),
            ...(o.name !== undefined ? { fullName: o.name } : {}),
            ...(o.kind !== undefined ? { kind: o.kind } : {}),
            ...(o.legacy !== undefined ? { legacy: o.legacy === 'yes' } : {}),
          });
          ctx.out.result(subject, () => `Updated subject ${subject.id}.`);
          return 0;
        },
      ),
    );

  subjects
    .command('import <file>')
    .description('register or update subjects from a JSONL file (one JSON object per line; - for stdin)')
    .action(
      action(async (ctx, file: string) => {
        const bar = progressBar('importing', ctx.out.json);
        const result = await importSubjects(await ctx.engine(), ctx.actor, readLines(file), {
          onProgress: (p) =>
            bar.update(p.created + p.updated + p.unchanged, p.created + p.updated + p.unchanged),
        });
        bar.stop();
        ctx.out.result(result, () =>
          [
            `created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}, rejected ${result.errors.length}`,
            ...result.errors.slice(0, 50).map((e) => `  line ${e.line}: ${e.message}`),
          ].join('\n'),
        );
        return result.errors.length > 0 ? 2 : 0;
      }),
    );

  subjects
    .command('status <status> <ids...>')
    .description("change subjects' status (active, suspended, deleted); automatic purges follow")
    .action(
      action(async (ctx, status: string, ids: string[]) => {
        const bar = progressBar('changing status', ctx.out.json, ids.length);
        const result = await changeStatus(await ctx.engine(), ctx.actor, ids, statusOption(status));
        bar.update(ids.length);
        bar.stop();
        ctx.out.result(
          result,
          () => `${result.changed} changed to ${status}, ${result.unchanged} already ${status}.`,
        );
        return 0;
      }),
    );

  subjects
    .command('assign <status> <type> <ids...>')
    .description(
      'assign a purge type (its idnumber, or "none") for subjects when they are suspended or deleted',
    )
    .action(
      action(async (ctx, status: string, type: string, ids: string[]) => {
        if (status !== 'suspended' && status !== 'deleted') {
          throw new LetheError(
            'LETHE_E_STATUS_INVALID',
            `Purge types are assigned for suspended or deleted, not "${status}".`,
            {
              status,
            },
          );
        }
        const result = await assignPurgeType(
          await ctx.engine(),
          ctx.actor,
          ids,
          status,
          type === 'none' ? null : type,
        );
        ctx.out.result(result, () => `Assigned ${type} for ${status} to ${ids.length} subject(s).`);
        return 0;
      }),
    );
}
