import cluster, { type Address, type Worker } from 'node:cluster';
import { pino } from 'pino';
import type { Engine } from '../engine/engine.js';
import { runServeWorker } from '../server/app/serve-worker.js';
import { CrashLoopGuard, type CrashLoopLimit, defaultCrashLoopLimit } from './crash-loop-guard.js';

/** Set in the environment of the HTTP processes the primary forks, so that only they take the child's path. */
export const serveChildVariable = 'LETHE_SERVE_CHILD';

/** True in an HTTP process forked by `lethe serve --processes N` (not in one some other cluster started). */
export function isServeChild(): boolean {
  return cluster.isWorker && process.env[serveChildVariable] === '1';
}

export interface ServeClusterOptions {
  /** The host the children listen on (for the URL printed). */
  host: string;
  /** How many HTTP processes to keep running. */
  processes: number;
  /** Run a worker (and its scheduler) in the primary. */
  worker: boolean;
  /** pino's level for the primary's own logs. */
  logLevel: string;
  /** Children dying this often stop everything instead of being replaced (5 within 10 s, or 5 in a row at start). */
  crashLoop?: CrashLoopLimit;
  /** How long a child gets to stop after SIGTERM before it is killed (15000 ms: its 5 s grace, and more). */
  stopTimeoutMs?: number;
}

export interface RunningCluster {
  /** `http://host:port`, the port the children share. */
  url: string;
  /** Stops the children gracefully and the worker, and resolves when all have stopped. */
  close(): Promise<void>;
  /** Resolves once everything has stopped (by close() or a signal); rejects when the children kept dying. */
  closed: Promise<void>;
}

const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

function shownUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function howItEnded(code: number | null, signal: string | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`;
}

/**
 * `lethe serve --processes N` in the primary process: forks N HTTP processes with node:cluster (each re-runs the
 * same command line, sees `isServeChild()` and serves with no worker) that share one listening port, replaces one
 * that dies, and runs the worker itself (unless told not to). Resolves once every child listens; resolves
 * undefined when SIGTERM or SIGINT came first (everything has stopped then), and rejects when the children keep
 * dying (after stopping everything). On SIGTERM or SIGINT each child is asked to stop (SIGTERM: in-flight requests
 * finish), the worker finishes what it holds, and `closed` resolves when all have stopped.
 */
export function serveCluster(
  engine: Engine,
  options: ServeClusterOptions,
): Promise<RunningCluster | undefined> {
  const log = pino({ level: options.logLevel });
  const guard = new CrashLoopGuard(options.crashLoop ?? defaultCrashLoopLimit);
  const children = new Set<Worker>();
  const listening = new Set<Worker>();
  const controller = new AbortController();
  let worker: Promise<void> = Promise.resolve();
  let url: string | undefined;
  let failure: Error | undefined;
  let stopping: Promise<void> | undefined;

  let settleReady: (running: RunningCluster | undefined) => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const ready = new Promise<RunningCluster | undefined>((resolve, reject) => {
    settleReady = resolve;
    failReady = reject;
  });
  let resolveClosed: () => void = () => undefined;
  let rejectClosed: (error: Error) => void = () => undefined;
  const closed = new Promise<void>((resolve, reject) => {
    resolveClosed = resolve;
    rejectClosed = reject;
  });
  // Observed by the caller only once ready; a failure before that is reported through `ready`.
  closed.catch(() => undefined);

  const fork = () => {
    children.add(cluster.fork({ [serveChildVariable]: '1' }));
  };

  const onListening = (child: Worker, address: Address) => {
    listening.add(child);
    guard.listened();
    if (url !== undefined || stopping || listening.size < options.processes) return;
    url = shownUrl(options.host, address.port);
    if (options.worker) {
      worker = runServeWorker(engine, { signal: controller.signal, log, publicUrl: url });
    }
    log.info({ processes: options.processes, url }, `${options.processes} HTTP processes listening`);
    settleReady({ url, close: stop, closed });
  };

  const onExit = (child: Worker, code: number | null, signal: string | null) => {
    const listened = listening.has(child);
    children.delete(child);
    listening.delete(child);
    if (stopping) return;
    const pid = child.process.pid;
    if (guard.died(listened)) {
      failure = new Error(
        `The HTTP processes keep stopping (${guard.describe()}, the last with ${howItEnded(code, signal)}), ` +
          'so Lethe stopped: see their errors above.',
      );
      log.error({ child: { pid, code, signal } }, failure.message);
      void stop();
      return;
    }
    log.warn(
      { child: { pid, code, signal } },
      `an HTTP process (pid ${pid}) stopped unexpectedly (${howItEnded(code, signal)}); starting another`,
    );
    fork();
  };

  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'shutting down');
    void stop();
  };

  function stop(): Promise<void> {
    stopping ??= (async () => {
      for (const s of signals) process.off(s, onSignal);
      const exited = [...children].map((child) =>
        child.isDead()
          ? Promise.resolve()
          : new Promise<void>((resolve) => child.once('exit', () => resolve())),
      );
      for (const child of children) child.process.kill('SIGTERM');
      // A child stuck past its own grace period is killed, so that shutdown cannot hang.
      const force = setTimeout(() => {
        for (const child of children) child.process.kill('SIGKILL');
      }, options.stopTimeoutMs ?? 15_000);
      controller.abort();
      await Promise.all([worker, ...exited]);
      clearTimeout(force);
      cluster.off('listening', onListening);
      cluster.off('exit', onExit);
      if (failure) {
        failReady(failure);
        rejectClosed(failure);
      } else {
        settleReady(undefined);
        resolveClosed();
      }
    })();
    return stopping;
  }

  cluster.on('listening', onListening);
  cluster.on('exit', onExit);
  for (const s of signals) process.on(s, onSignal);
  for (let i = 0; i < options.processes; i++) fork();
  return ready;
}
