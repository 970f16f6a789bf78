import type { Command } from 'commander';
import { ensureAdmin } from '../../engine/accounts/index.js';
import { intOption } from '../parse-options.js';
import { action } from '../run-action.js';
import { isServeChild, serveCluster } from '../serve-cluster.js';
import { serveClusterChild } from '../serve-cluster-child.js';
import { serveConsole } from '../serve-console.js';

interface ServeCommandOptions {
  host?: string;
  port?: number;
  processes?: number;
  worker: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the REST API and the web console, with a worker and the scheduler')
    .option('--host <host>', 'the address to listen on (default 127.0.0.1, or the config)')
    .option('--port <port>', 'the port (default 8080, PORT, or the config)', intOption('--port', 0, 65_535))
    .option(
      '--processes <n>',
      'HTTP processes sharing the port, one per core to use (default 1, or the config)',
      intOption('--processes', 1, 64),
    )
    .option('--no-worker', 'do not run a worker here (run `lethe worker` separately)')
    .action(
      action(async (ctx, o: ServeCommandOptions) => {
        const listen = {
          ...(o.host ? { host: o.host } : {}),
          ...(o.port !== undefined ? { port: o.port } : {}),
        };
        if (isServeChild()) {
          await serveClusterChild(() => ctx.engine(), listen);
          return 0;
        }
        const processes = o.processes ?? ctx.config.server.processes;
        const engine = await ctx.engine();
        const admin = await ensureAdmin(engine);
        const running =
          processes > 1
            ? await serveCluster(engine, {
                host: o.host ?? engine.config.server.host,
                processes,
                worker: o.worker,
                logLevel: process.env['LETHE_LOG_LEVEL'] ?? 'info',
              })
            : await serveConsole(engine, { ...listen, worker: o.worker });
        // Stopped by a signal before every HTTP process listened.
        if (!running) return 0;
        ctx.out.result(
          {
            url: running.url,
            admin: admin.created
              ? { username: admin.username, oneTimePassword: admin.oneTimePassword }
              : null,
          },
          () =>
            [
              `Lethe is serving at ${running.url}`,
              admin.created && admin.oneTimePassword
                ? `First run: log in as ${admin.username} with the one-time password ${admin.oneTimePassword} (change it after logging in).`
                : '',
            ]
              .filter(Boolean)
              .join('\n'),
        );
        await running.closed;
        return 0;
      }),
    );
}
