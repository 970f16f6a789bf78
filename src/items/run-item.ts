import { messageOf } from '../errors/index.js';
import type { BatchResult, ItemOutcome, ItemOutcomeStatus, SubjectRef } from './item.js';

/** An item's result as recorded for a request: the item's own outcome, or what the runner decided. */
export type ItemRunStatus = ItemOutcomeStatus | 'timed-out' | 'cancelled';

export interface ItemRunResult {
  status: ItemRunStatus;
  count: number;
  message?: string;
}

export interface LimitOptions {
  timeLimitMs: number;
  /** Aborting this (a cancelled request, a stopping worker) aborts the run as `cancelled`. */
  signal?: AbortSignal;
}

export type LimitedRun<T> = { ok: true; value: T } | { ok: false; result: ItemRunResult };

/**
 * Runs one item call with a time limit. A throw becomes an `error` result with its message, the limit passing
 * becomes `timed-out`, and the outer signal becomes `cancelled`; none of them escapes, so the other items still run.
 */
export async function runWithLimit<T>(
  call: (signal: AbortSignal, deadline: number) => Promise<T>,
  options: LimitOptions,
): Promise<LimitedRun<T>> {
  const controller = new AbortController();
  const deadline = Date.now() + options.timeLimitMs;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const limit = new Promise<LimitedRun<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('time limit'));
      resolve({
        ok: false,
        result: {
          status: 'timed-out',
          count: 0,
          message: `Stopped after its time limit of ${options.timeLimitMs} ms.`,
        },
      });
    }, options.timeLimitMs);
    onAbort = () => {
      controller.abort(new Error('cancelled'));
      resolve({ ok: false, result: { status: 'cancelled', count: 0, message: 'Cancelled while running.' } });
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  const work = (async (): Promise<LimitedRun<T>> => {
    try {
      return { ok: true, value: await call(controller.signal, deadline) };
    } catch (error) {
      return {
        ok: false,
        result: { status: 'error', count: 0, message: messageOf(error) || 'The item failed.' },
      };
    }
  })();
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Turns an item's batch result into one result per subject; a subject the item left out counts as 0. */
export function resultsPerSubject(
  subjects: readonly SubjectRef[],
  batch: BatchResult,
): Map<string, ItemRunResult> {
  const out = new Map<string, ItemRunResult>();
  for (const subject of subjects) {
    const value: number | ItemOutcome | undefined = batch.get(subject.id);
    if (value === undefined) out.set(subject.id, { status: 'success', count: 0 });
    else if (typeof value === 'number') out.set(subject.id, { status: 'success', count: value });
    else
      out.set(subject.id, {
        status: value.status,
        count: value.count,
        ...(value.message ? { message: value.message } : {}),
      });
  }
  return out;
}

/** The same failure for every subject of a batch. */
export function sameForAll(
  subjects: readonly SubjectRef[],
  result: ItemRunResult,
): Map<string, ItemRunResult> {
  return new Map(subjects.map((s) => [s.id, result]));
}
