import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../engine/engine.js';
import { type RunningServer, startServer } from '../server/index.js';

/** The built web console: dist/web beside the compiled CLI (dist/src/cli). */
export function webRoot(): string | undefined {
  const dir = fileURLToPath(new URL('../../web/', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

export interface ServeOptions {
  host?: string;
  port?: number;
  worker: boolean;
  /** pino's level; the demo keeps its terminal quiet with `warn`. LETHE_LOG_LEVEL wins. */
  logLevel?: string;
}

/** Starts the API, the console and (unless told not to) a worker, stopping gracefully on SIGTERM or SIGINT. */
export function serveConsole(engine: Engine, options: ServeOptions): Promise<RunningServer> {
  const root = webRoot();
  return startServer(engine, {
    host: options.host ?? engine.config.server.host,
    port: options.port ?? engine.config.server.port,
    worker: options.worker,
    signals: ['SIGTERM', 'SIGINT'],
    logLevel: process.env['LETHE_LOG_LEVEL'] ?? options.logLevel ?? 'info',
    ...(root ? { webRoot: root } : {}),
  });
}
