import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import {
  type DeletedSubjectReportRow,
  deletedSubjectsReport,
  type ExportReportRow,
  exportsReport,
  openReportStream,
  type PurgeReportRow,
  purgesReport,
  type ReportKind,
  type ReportQuery,
  reportSortColumns,
} from '../../engine/reports/index.js';
import { LetheError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { table } from '../output.js';
import { progressBar } from '../progress.js';
import { action } from '../run-action.js';

interface ReportOptions {
  status?: string;
  type?: string;
  origin?: string;
  subject?: string;
  kind?: string;
  from?: string;
  to?: string;
  legacy?: string;
  dryRun?: string;
  sort?: string;
  limit?: string;
  offset?: string;
  format?: string;
  output?: string;
}

const formats = ['table', 'csv', 'json'] as const;
type Format = (typeof formats)[number];

function formatOf(options: ReportOptions): Format {
  const format = options.format ?? (options.output ? 'csv' : 'table');
  if (!(formats as readonly string[]).includes(format)) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `--format must be table, csv or json, not "${format}".`, {
      option: '--format',
    });
  }
  if (format === 'table' && options.output) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      '--output writes the whole report: use --format csv or json.',
      {
        option: '--output',
      },
    );
  }
  return format as Format;
}

function queryOf(options: ReportOptions): ReportQuery {
  const query: ReportQuery = {};
  if (options.status !== undefined) query.status = options.status;
  if (options.type !== undefined) query.type = options.type;
  if (options.origin !== undefined) query.origin = options.origin;
  if (options.subject !== undefined) query.subject = options.subject;
  if (options.kind !== undefined) query.kind = options.kind;
  if (options.from !== undefined) query.from = options.from;
  if (options.to !== undefined) query.to = options.to;
  if (options.legacy !== undefined) query.legacy = options.legacy;
  if (options.dryRun !== undefined) query.dryRun = options.dryRun;
  if (options.sort !== undefined) query.sort = options.sort;
  if (options.limit !== undefined) query.limit = options.limit;
  if (options.offset !== undefined) query.offset = options.offset;
  return query;
}

async function write(target: Writable, chunk: string): Promise<void> {
  if (!target.write(chunk)) await once(target, 'drain');
}

/** Streams the whole filtered report to stdout, or to a file that appears only once it is complete. */
async function streamTo(ctx: CliContext, kind: ReportKind, options: ReportOptions, format: 'csv' | 'json') {
  const engine = await ctx.engine();
  const bar = options.output ? progressBar('writing', ctx.out.json) : undefined;
  let rows = 0;
  const stream = await openReportStream(engine, kind, queryOf(options), format === 'csv' ? 'csv' : 'jsonl', {
    onProgress: (written) => {
      rows = written;
      bar?.update(written, written);
    },
  });
  if (!options.output) {
    for await (const chunk of stream) await write(process.stdout, chunk);
    return;
  }
  const file = options.output;
  const partial = `${file}.partial-${process.pid}`;
  const out = createWriteStream(partial, { encoding: 'utf8' });
  try {
    await once(out, 'open');
    for await (const chunk of stream) await write(out, chunk);
    out.end();
    await once(out, 'close');
    renameSync(partial, file);
  } catch (error) {
    out.destroy();
    rmSync(partial, { force: true });
    throw error;
  } finally {
    bar?.stop();
  }
  const what = kind === 'deleted' ? 'deleted subjects' : `${kind.slice(0, -1)} requests`;
  ctx.out.result({ output: file, format, rows }, () => `Wrote ${rows} ${what} to ${file}.`);
}

const dash = (value: unknown) => (value === null || value === undefined || value === '' ? '-' : value);

function itemSummary(row: PurgeReportRow): string {
  const counts = new Map<string, number>();
  for (const item of row.items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ') || '-';
}

function exportsTable(rows: ExportReportRow[]): string {
  return table(
    ['ID', 'CREATED', 'STATUS', 'ORIGIN', 'SUBJECT', 'USERNAME', 'TYPE', 'FINISHED', 'SIZE'],
    rows.map((r) => [
      r.id,
      r.createdAt,
      r.status,
      r.origin,
      r.subjectId,
      dash(r.username),
      dash(r.typeIdnumber),
      dash(r.finishedAt),
      dash(r.fileSize),
    ]),
  );
}

function purgesTable(rows: PurgeReportRow[]): string {
  const lines = [
    table(
      ['ID', 'CREATED', 'STATUS', 'ORIGIN', 'SUBJECT', 'USERNAME', 'TYPE', 'DRY RUN', 'ITEMS'],
      rows.map((r) => [
        r.id,
        r.createdAt,
        r.status,
        r.origin,
        r.subjectId,
        dash(r.username),
        dash(r.typeIdnumber),
        r.dryRun ? 'yes' : '',
        itemSummary(r),
      ]),
    ),
  ];
  const failures = rows.flatMap((r) =>
    r.items
      .filter((i) => i.status !== 'success' && i.status !== 'skipped')
      .map(
        (i) =>
          `  request ${r.id}: ${i.key} ${i.status}${i.message ? `: ${i.message.replace(/\s+/g, ' ')}` : ''}`,
      ),
  );
  if (failures.length > 0) lines.push('', 'items that did not succeed:', ...failures);
  return lines.join('\n');
}

function deletedTable(rows: DeletedSubjectReportRow[]): string {
  return table(
    ['SUBJECT', 'USERNAME', 'NAME', 'DELETED', 'LEGACY', 'PURGE TYPE', 'LAST PURGED', 'OPEN PURGE'],
    rows.map((r) => [
      r.subjectId,
      r.username,
      r.fullName,
      r.deletedAt,
      r.legacy ? 'legacy' : '',
      r.typeIdnumber ? `${r.typeIdnumber}${r.typeSource === 'default' ? ' (default)' : ''}` : '-',
      dash(r.lastPurgedAt),
      dash(r.openPurgeRequestId),
    ]),
  );
}

async function printPage(ctx: CliContext, kind: ReportKind, options: ReportOptions): Promise<void> {
  const engine = await ctx.engine();
  const query = queryOf(options);
  const footer = (shown: number, total: number, what: string) => `${shown} of ${total} ${what}`;
  if (kind === 'exports') {
    const page = await exportsReport(engine, query);
    ctx.out.result(page, () =>
      [exportsTable(page.rows), footer(page.rows.length, page.total, 'export requests')].join('\n'),
    );
  } else if (kind === 'purges') {
    const page = await purgesReport(engine, query);
    ctx.out.result(page, () =>
      [purgesTable(page.rows), footer(page.rows.length, page.total, 'purge requests')].join('\n'),
    );
  } else {
    const page = await deletedSubjectsReport(engine, query);
    ctx.out.result(page, () =>
      [deletedTable(page.rows), footer(page.rows.length, page.total, 'deleted subjects')].join('\n'),
    );
  }
}

const descriptions: Record<ReportKind, string> = {
  exports: 'export requests: status, type, subject and package',
  purges: 'purge requests, with the result of every item',
  deleted: 'deleted subjects (legacy ones marked), their purge type and last purge',
};

function addReport(reports: Command, kind: ReportKind): void {
  const command = reports
    .command(kind)
    .description(descriptions[kind])
    .option(
      '--status <status>',
      kind === 'deleted' ? 'purged or not-purged' : 'a request status, or several separated by commas',
    )
    .option(
      '--type <type>',
      kind === 'exports'
        ? 'an export type idnumber or id'
        : kind === 'purges'
          ? 'a purge type idnumber or id, or none'
          : 'the effective purge type (idnumber or id), or none',
    );
  if (kind !== 'deleted')
    command.option('--origin <origin>', 'self, admin, api, automatic:suspended or automatic:deleted');
  command
    .option('--subject <id>', 'one subject')
    .option('--kind <kind>', "the subject's kind, such as staff or learner")
    .option(
      '--from <iso>',
      kind === 'deleted' ? 'deleted on or after this date' : 'created on or after this date',
    )
    .option('--to <iso>', 'up to this date (the whole day) or instant');
  if (kind === 'deleted') command.option('--legacy <yes|no>', 'only legacy subjects, or none of them');
  if (kind === 'purges') command.option('--dry-run <yes|no>', 'only dry runs, or none of them');
  command
    .option('--sort <column[:asc|desc]>', `one of ${reportSortColumns[kind].join(', ')}`)
    .option('--limit <n>', 'rows per page (1 to 1000; 50 by default)')
    .option('--offset <n>', 'skip this many rows')
    .option('--format <format>', 'table (one page), or csv or json (JSON lines): every matching row')
    .option('--output <file>', 'write csv or json to this file instead of stdout')
    .action(
      action(async (ctx, options: ReportOptions) => {
        const format = formatOf(options);
        if (format === 'table') await printPage(ctx, kind, options);
        else await streamTo(ctx, kind, options, format);
        return 0;
      }),
    );
}

export function registerReportsCommand(program: Command): void {
  const reports = program
    .command('reports')
    .description('reports on exports, purges and deleted subjects, as a table, CSV or JSON');
  for (const kind of ['exports', 'purges', 'deleted'] as const) addReport(reports, kind);
}
