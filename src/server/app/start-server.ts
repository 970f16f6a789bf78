import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import { createServer } from './create-server.js';
import { logUrl } from './log-url.js';
import { runServeWorker } from './serve-worker.js';
import type { ServerOptions } from './server-options.js';
import { defaultWebRoot } from './version.js';

export interface StartServerOptions extends Omit<ServerOptions, 'logger'> {
  host: string;
  port: number;
  /** Run a worker (and its scheduler) in this process; `lethe serve --no-worker` turns it off. */
  worker: boolean;
  /** pino's level (default LETHE_LOG_LEVEL or info); false for no logs. */
  logLevel?: string | false;
  /** How long in-flight requests get to finish on close before connections are cut (5000 ms). */
  shutdownGraceMs?: number;
  /** Stop gracefully on these signals (the CLI passes SIGTERM and SIGINT). */
  signals?: NodeJS.Signals[];
  /** The address people reach the server at, for links in emails (default: the address it listens on). */
  publicUrl?: string;
  /** Called when an export package is ready; by default the subject is emailed the download link. */
  onExportReady?: (engine: Engine, requestId: number, subjectId: string) => Promise<void>;
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://host:port` as it is listening (the real port when 0 was asked for). */
  url: string;
  /** Stops taking requests, lets the worker finish what it holds, and resolves when both are done. */
  close(): Promise<void>;
  /** Resolves once the server has closed (by close() or a signal). */
  closed: Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * `lethe serve`: listens on host:port with structured logs (pino, one request id per request), and runs a worker
 * unless told not to. The session cookie is Secure unless the server is on plain-http localhost.
 */
export async function startServer(engine: Engine, options: StartServerOptions): Promise<RunningServer> {
  const level = options.logLevel ?? process.env['LETHE_LOG_LEVEL'] ?? 'info';
  const webRoot = options.webRoot ?? defaultWebRoot();
  const app = createServer(engine, {
    ...options,
    secureCookies: options.secureCookies ?? !isLoopback(options.host),
    ...(webRoot ? { webRoot } : {}),
    logger:
      level === false
        ? false
        : ({
            level,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            serializers: {
              req: (req: { method: string; url: string; ip?: string }) => ({
                method: req.method,
                url: logUrl(req.url),
                ip: req.ip,
              }),
            },
          } as never),
  });
  const controller = new AbortController();
  let worker: Promise<unknown> = Promise.resolve();
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}`;
  if (options.worker) {
    worker = runServeWorker(engine, {
      signal: controller.signal,
      log: app.log,
      publicUrl: options.publicUrl ?? url,
      onExportReady: options.onExportReady,
    });
  }

  let closing: Promise<void> | undefined;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'shutting down');
    void close();
  };
  const close = () => {
    closing ??= (async () => {
      for (const signal of options.signals ?? []) process.off(signal, onSignal);
      controller.abort();
      // In-flight requests finish; connections still open after the grace period (keep-alive sockets that never
      // went idle) are cut, so shutdown cannot hang.
      const force = setTimeout(() => app.server.closeAllConnections(), options.shutdownGraceMs ?? 5000);
      force.unref();
      await app.close();
      clearTimeout(force);
      await worker;
      resolveClosed();
    })();
    return closing;
  };
  for (const signal of options.signals ?? []) process.on(signal, onSignal);
  return { app, url, close, closed };
}
