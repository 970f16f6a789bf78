import { waitForRequests } from '../engine/anonymisation/index.js';
import type { LetheRequest } from '../engine/requests/index.js';
import { table } from './output.js';
import { progressBar } from './progress.js';

/** A request and its per-item results, as people read them. */
export function requestText(request: LetheRequest): string {
  const lines = [
    `Request ${request.id} (${request.kind}, ${request.origin}) for subject ${request.subjectId}: ${request.status}`,
  ];
  if (request.items.length > 0) {
    lines.push(
      table(
        ['ITEM', 'MODE', 'RESULT', 'COUNT', 'MESSAGE'],
        request.items.map((i) => [i.itemKey, i.mode, i.status, i.count, i.message ?? '']),
      ),
    );
  } else if (request.plan) {
    lines.push(`plan: ${request.plan.map((s) => `${s.key}:${s.mode}`).join(', ')}`);
  }
  if (request.error) lines.push(`error: ${request.error}`);
  return lines.join('\n');
}

/**
 * Runs the queue in this process until the requests finish (or the time runs out), with a progress bar. Returns
 * the requests and whether every one of them succeeded.
 */
export async function waitAndReport(
  engine: Parameters<typeof waitForRequests>[0],
  ids: number[],
  options: { json: boolean; timeoutSeconds: number },
): Promise<{ requests: LetheRequest[]; ok: boolean; finished: boolean }> {
  const bar = progressBar('running', options.json);
  const waited = await waitForRequests(engine, ids, {
    timeoutMs: options.timeoutSeconds * 1000,
    onProgress: (event) => {
      if (event.type === 'item') bar.update(event.index, event.total);
    },
  });
  bar.stop();
  return {
    requests: waited.requests,
    finished: waited.finished,
    ok: waited.finished && waited.requests.every((r) => r.status === 'succeeded'),
  };
}
