import type { Command } from 'commander';
import { buildDemo } from '../../../examples/campus/demo/build-demo.js';
import { intOption } from '../parse-options.js';
import { action } from '../run-action.js';

interface DemoOptions {
  dir: string;
  users: number;
  seed: number;
  serve: boolean;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'build the campus demo (a learning platform with a helpdesk) and its Lethe store in a folder',
    )
    .option('--dir <dir>', 'where to build it', '.lethe-demo')
    .option('--users <n>', 'how many campus users', intOption('--users', 3, 1_000_000), 500)
    .option('--seed <n>', 'the random seed: the same seed builds the same data', intOption('--seed'), 1)
    .option('--no-serve', 'build only; do not start the console')
    .action(
      action(async (ctx, o: DemoOptions) => {
        const summary = await buildDemo({ dir: o.dir, users: o.users, seed: o.seed });
        ctx.out.result(summary, () =>
          [
            `Built the campus demo in ${summary.dir}`,
            `  host database: ${summary.campusDatabase}`,
            `  Lethe store:   ${summary.store}`,
            `  config:        ${summary.configFile}`,
            `  subjects:      ${summary.subjects.total} (${Object.entries(summary.subjects.byStatus)
              .map(([s, n]) => `${n} ${s}`)
              .join(', ')}; ${summary.subjects.legacy} legacy; ${summary.subjects.support} support users)`,
            `  items:         ${summary.items} in ${summary.components} components`,
            '',
            `Try: lethe --config ${summary.configFile} items list`,
          ].join('\n'),
        );
        return 0;
      }),
    );
}
