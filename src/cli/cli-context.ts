import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { type Config, loadConfig } from '../config/index.js';
import type { Engine } from '../engine/engine.js';
import { openEngine } from '../engine/open-engine.js';
import { createOutput, type Output } from './output.js';

export interface GlobalOptions {
  config?: string;
  store?: string;
  json?: boolean;
}

export interface CliContext {
  out: Output;
  config: Config;
  /** The store named on the command line (`--store`) or by LETHE_STORE, not by a config file. */
  explicitStore: string | undefined;
  /** The actor recorded in the audit trail for CLI actions. */
  actor: string;
  /** Opens the engine once per command, and closes it when the command ends. */
  engine(): Promise<Engine>;
  close(): Promise<void>;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function createCliContext(command: Command): CliContext {
  const options = globalOptions(command);
  const config = loadConfig({
    ...(options.config ? { file: options.config } : {}),
    ...(options.store ? { store: options.store } : {}),
  });
  let opened: Awaited<ReturnType<typeof openEngine>> | undefined;
  return {
    out: createOutput(Boolean(options.json)),
    config,
    explicitStore: options.store ?? (process.env['LETHE_STORE'] || undefined),
    actor: `cli:${process.env['USER'] || userInfo().username || 'unknown'}`,
    async engine() {
      opened ??= await openEngine(config);
      return opened.engine;
    },
    async close() {
      await opened?.close();
      opened = undefined;
    },
  };
}
