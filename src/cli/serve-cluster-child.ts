import cluster from 'node:cluster';
import type { Engine } from '../engine/engine.js';
import { type ServeOptions, serveConsole } from './serve-console.js';

/**
 * One HTTP process of `lethe serve --processes N`, forked by the primary (see serveCluster): the API and the console
 * with no worker and no scheduler, on the port the primary shares out. It stops gracefully on SIGTERM or SIGINT
 * (the primary sends SIGTERM; Ctrl-C in a terminal also reaches it), and then leaves the cluster so that the
 * process ends. If the primary dies, Node's cluster ends this process at once (a child never outlives it).
 */
export async function serveClusterChild(
  openEngine: () => Promise<Engine>,
  options: Omit<ServeOptions, 'worker'>,
): Promise<void> {
  try {
    const engine = await openEngine();
    const running = await serveConsole(engine, { ...options, worker: false });
    // A second signal (Ctrl-C, then the primary's SIGTERM) must not kill a child that is already stopping.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => undefined);
    await running.closed;
  } finally {
    // The channel to the primary keeps the process alive: leaving the cluster lets it end once the engine closes.
    if (cluster.worker?.isConnected()) cluster.worker.disconnect();
  }
}
