import type { Command } from 'commander';
import { buildDemo } from '../../../examples/campus/demo/build-demo.js';
import { loadConfig } from '../../config/index.js';
import { openEngine } from '../../engine/open-engine.js';
import { intOption } from '../parse-options.js';
import { action } from '../run-action.js';
import { serveConsole } from '../serve-console.js';

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
        // --store or LETHE_STORE puts the demo's store there (a PostgreSQL schema, say); the config file records it.
        const summary = await buildDemo({
          dir: o.dir,
          users: o.users,
          seed: o.seed,
          ...(ctx.explicitStore ? { config: { store: ctx.explicitStore } } : {}),
        });
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
        if (!o.serve) return 0;
        // The demo's own config, with PORT and LETHE_* from the environment applied as usual.
        const opened = await openEngine(loadConfig({ file: summary.configFile }));
        try {
          const running = await serveConsole(opened.engine, { worker: true, logLevel: 'warn' });
          ctx.out.info(
            [
              '',
              `The console is at ${running.url}`,
              `  administrator: ${summary.logins.admin.username} / ${summary.logins.admin.password}`,
              `  self-service:  ${summary.logins.subject.username} / ${summary.logins.subject.password} (Sarah Stanley)`,
              'Stop it with Ctrl+C.',
            ].join('\n'),
          );
          await running.closed;
        } finally {
          await opened.close();
        }
        return 0;
      }),
    );
}
