import type { Engine } from '../../engine/engine.js';
import { runWorker } from '../../engine/worker/index.js';
import { messageOf } from '../../errors/index.js';
import { exportReadyNotifier } from './export-ready-notifier.js';

/** Where the worker's problems are logged: Fastify's logger, or a pino logger where there is no server. */
export interface ServeWorkerLog {
  error(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export interface ServeWorkerOptions {
  /** Aborted to stop: the worker finishes the work it holds first. */
  signal: AbortSignal;
  log: ServeWorkerLog;
  /** The address people reach the server at, for the link in the export-ready mail. */
  publicUrl: string;
  /** Called when an export package is ready; by default the subject is emailed the download link. */
  onExportReady?: ((engine: Engine, requestId: number, subjectId: string) => Promise<void>) | undefined;
}

/**
 * The worker (and its scheduler) that `lethe serve` runs beside its HTTP server: its errors are logged, never
 * thrown. Resolves once it has stopped.
 */
export async function runServeWorker(engine: Engine, options: ServeWorkerOptions): Promise<void> {
  const { log } = options;
  const notifyReady = options.onExportReady ?? exportReadyNotifier(options.publicUrl);
  try {
    await runWorker(engine, {
      signal: options.signal,
      onExportReady: async (e, requestId, subjectId) => {
        try {
          await notifyReady(e, requestId, subjectId);
        } catch (error) {
          log.error({ err: error, requestId }, `could not notify the subject: ${messageOf(error)}`);
        }
      },
      onProgress: (event) => {
        if (event.type === 'error') log.error({ worker: event }, 'worker error');
        else log.debug({ worker: event }, 'worker');
      },
    });
  } catch (error) {
    log.error({ err: error }, `the worker stopped: ${messageOf(error)}`);
  }
}
