import type { Command } from 'commander';
import { isLetheError, messageOf } from '../errors/index.js';
import { type CliContext, createCliContext, globalOptions } from './cli-context.js';

/** Exit codes: 0 done, 1 an unexpected failure, 2 bad input or a refusal (a LetheError). */
export const exitCodes = { ok: 0, failure: 1, refused: 2 } as const;

function report(error: unknown, json: boolean): number {
  if (isLetheError(error)) {
    if (json) process.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
    else process.stderr.write(`error ${error.code}: ${error.message}\n`);
    return exitCodes.refused;
  }
  const message = messageOf(error);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'LETHE_E_INTERNAL', message } })}\n`);
  else process.stderr.write(`error: ${message}\n`);
  if (process.env['LETHE_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return exitCodes.failure;
}

/**
 * Wraps a command's action: builds the context (config validated once), runs, closes the engine, and turns any
 * error into a message and an exit code, never a stack trace.
 */
export function action<A extends unknown[]>(
  run: (ctx: CliContext, ...args: A) => Promise<number | undefined>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const json = Boolean(globalOptions(command).json);
    let ctx: CliContext | undefined;
    let code: number = exitCodes.ok;
    try {
      ctx = createCliContext(command);
      code = (await run(ctx, ...(args.slice(0, -1) as A))) ?? exitCodes.ok;
    } catch (error) {
      code = report(error, json);
    } finally {
      await ctx?.close().catch(() => undefined);
    }
    process.exitCode = code;
  };
}
