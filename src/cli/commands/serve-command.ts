import type { Command } from 'commander';
import { ensureAdmin } from '../../engine/accounts/index.js';
import { intOption } from '../parse-options.js';
import { action } from '../run-action.js';
import { serveConsole } from '../serve-console.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the REST API and the web console, with a worker and the scheduler')
    .option('--host <host>', 'the address to listen on (default 127.0.0.1, or the config)')
    .option('--port <port>', 'the port (default 8080, PORT, or the config)', intOption('--port', 0, 65_535))
    .option('--no-worker', 'do not run a worker here (run `lethe worker` separately)')
    .action(
      action(async (ctx, o: { host?: string; port?: number; worker: boolean }) => {
        const engine = await ctx.engine();
        const admin = await ensureAdmin(engine);
        const running = await serveConsole(engine, {
          ...(o.host ? { host: o.host } : {}),
          ...(o.port !== undefined ? { port: o.port } : {}),
          worker: o.worker,
        });
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
