import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkDataset, loadDataset, openConnection, scanDatabase } from '../../connectors/sql/index.js';
import { table } from '../output.js';
import { action } from '../run-action.js';

export function registerDatasetCommand(program: Command): void {
  const dataset = program
    .command('dataset')
    .description('connect a SQL database: check or draft a dataset file');
  dataset
    .command('check <file>')
    .description('check a dataset file against the live database (it never writes); exits 1 on any problem')
    .option('--db <url>', 'the database URL, instead of the one in the file')
    .option(
      '--coverage',
      'also fail when a user or personal column is not covered by any item, and list every column',
    )
    .action(
      action(async (ctx, file: string, o: { db?: string; coverage?: boolean }) => {
        const loaded = loadDataset(file, {
          ...(o.db ? { databaseOverride: o.db } : {}),
          ...(ctx.config.hashKey ? { hashKey: ctx.config.hashKey } : {}),
        });
        const connection = await openConnection(loaded.database, { readOnly: true });
        try {
          const result = await checkDataset(loaded, connection, { coverage: Boolean(o.coverage) });
          ctx.out.result(result, () =>
            [
              result.columns
                ? table(
                    ['TABLE', 'COLUMN', 'TYPE', 'PERSONAL', 'COVERED BY'],
                    result.columns.map((c) => [
                      c.table,
                      c.column,
                      c.type,
                      c.personal ? c.reasons.join('; ') : '',
                      c.coveredBy.join(', ') || (c.ignored ? `ignored: ${c.ignored}` : ''),
                    ]),
                  )
                : '',
              ...result.problems.map((p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.path}: ${p.message}`),
              result.ok
                ? `${file} checks out${o.coverage ? ', and covers every personal column' : ''}.`
                : `${result.problems.length} problem(s).`,
            ]
              .filter(Boolean)
              .join('\n'),
          );
          return result.ok ? 0 : 1;
        } finally {
          await connection.close();
        }
      }),
    );
  dataset
    .command('scan')
    .description('write a first draft of a dataset file from the live schema, for a human to edit')
    .requiredOption('--db <url>', 'the database URL: sqlite:PATH, postgres://..., mysql://...')
    .option('--output <file>', 'write the draft here instead of printing it')
    .action(
      action(async (ctx, o: { db: string; output?: string }) => {
        const connection = await openConnection(o.db, { readOnly: true });
        try {
          const draft = await scanDatabase(connection, { databaseUrl: o.db });
          if (o.output) writeFileSync(o.output, draft);
          if (ctx.out.json) ctx.out.result({ draft, output: o.output ?? null }, () => '');
          else if (o.output)
            ctx.out.info(`Wrote the draft to ${o.output}. Edit it, then run lethe dataset check.`);
          else process.stdout.write(draft);
          return 0;
        } finally {
          await connection.close();
        }
      }),
    );
}
