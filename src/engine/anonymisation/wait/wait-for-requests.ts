import { LetheError } from '../../../errors/index.js';
import type { Engine } from '../../engine.js';
import { finishedStatuses, getRequest, type LetheRequest } from '../../requests/index.js';
import { runWorker, type WorkerEvent } from '../../worker/index.js';

export interface WaitOptions {
  /** Stop waiting after this long (default 10 minutes) and return the requests as they are then. */
  timeoutMs?: number;
  /** How often to look again when another worker holds a request (default: the worker's poll interval). */
  pollMs?: number;
  onProgress?: (event: WorkerEvent) => void;
}

export interface WaitResult {
  requests: LetheRequest[];
  /** False when the time ran out before every request finished. */
  finished: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs the queue in this process (`runWorker({ once: true })`, no scheduled jobs) so that the requests run now,
 * looking again every `pollMs` while another worker holds some of them, and returns every request with its
 * per-item results.
 */
export async function waitForRequests(
  engine: Engine,
  ids: readonly number[],
  options: WaitOptions = {},
): Promise<WaitResult> {
  if (ids.length === 0) return { requests: [], finished: true };
  const timeoutMs = options.timeoutMs ?? 600_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new LetheError('LETHE_E_INVALID_INPUT', 'The wait time must be positive.', { field: 'timeoutMs' });
  }
  const deadline = Date.now() + timeoutMs;
  const pollMs = options.pollMs ?? engine.config.worker.pollMs;
  for (;;) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(1, deadline - Date.now()));
    try {
      await runWorker(engine, {
        once: true,
        jobs: 'none',
        signal: controller.signal,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    } finally {
      clearTimeout(timer);
    }
    const requests = await Promise.all(ids.map((id) => getRequest(engine, id)));
    const open = requests.filter((r) => !finishedStatuses.includes(r.status));
    if (open.length === 0) return { requests, finished: true };
    if (Date.now() >= deadline) return { requests, finished: false };
    // Another worker holds them: look again soon.
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
}
