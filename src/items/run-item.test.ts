import { describe, expect, it } from 'vitest';
import { resultsPerSubject, runWithLimit } from './run-item.js';

describe('runWithLimit', () => {
  it('returns the value of a call that finishes in time', async () => {
    expect(await runWithLimit(async () => 7, { timeLimitMs: 1000 })).toEqual({ ok: true, value: 7 });
  });

  it('records a throw as an error with its message', async () => {
    const run = await runWithLimit(
      async () => {
        throw new Error('disk on fire');
      },
      { timeLimitMs: 1000 },
    );
    expect(run).toEqual({ ok: false, result: { status: 'error', count: 0, message: 'disk on fire' } });
  });

  it('stops a call at its time limit and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const run = await runWithLimit(
      (signal) => {
        seen = signal;
        return new Promise(() => undefined);
      },
      { timeLimitMs: 30 },
    );
    expect(run.ok).toBe(false);
    if (!run.ok) expect(run.result.status).toBe('timed-out');
    expect(seen?.aborted).toBe(true);
  });

  it('reports cancelled when the outer signal aborts', async () => {
    const outer = new AbortController();
    setTimeout(() => outer.abort(), 10);
    const run = await runWithLimit(() => new Promise(() => undefined), {
      timeLimitMs: 5000,
      signal: outer.signal,
    });
    expect(run.ok).toBe(false);
    if (!run.ok) expect(run.result.status).toBe('cancelled');
  });
});

describe('resultsPerSubject', () => {
  it('gives every subject a result, 0 for those the item left out', () => {
    const subjects = ['a', 'b', 'c'].map((id) => ({
      id,
      username: id,
      email: `${id}@x`,
      fullName: id,
      kind: 'learner',
      status: 'deleted' as const,
    }));
    const out = resultsPerSubject(
      subjects,
      new Map<string, number | { status: 'skipped'; count: number }>([
        ['a', 3],
        ['b', { status: 'skipped', count: 0 }],
      ]),
    );
    expect(Object.fromEntries(out)).toEqual({
      a: { status: 'success', count: 3 },
      b: { status: 'skipped', count: 0 },
      c: { status: 'success', count: 0 },
    });
  });
});
