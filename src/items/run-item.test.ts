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
  it('never hands a later call a signal that was aborted or still has a listener', async () => {
    const seen: AbortSignal[] = [];
    const keep = (signal: AbortSignal) => {
      seen.push(signal);
      return Promise.resolve(1);
    };
    await runWithLimit(keep, { timeLimitMs: 1000 });
    await runWithLimit(keep, { timeLimitMs: 1000 });
    // an untouched signal is used again (creating one is the costliest part of a run)
    expect(seen[1]).toBe(seen[0]);

    await runWithLimit(
      (signal) => {
        seen.push(signal);
        signal.addEventListener('abort', () => undefined);
        return Promise.resolve(1);
      },
      { timeLimitMs: 1000 },
    );
    await runWithLimit(keep, { timeLimitMs: 1000 });
    expect(seen[3]).not.toBe(seen[2]);

    await runWithLimit(
      (signal) => {
        seen.push(signal);
        return new Promise(() => undefined);
      },
      { timeLimitMs: 20 },
    );
    await runWithLimit(keep, { timeLimitMs: 1000 });
    expect(seen[4]?.aborted).toBe(true);
    expect(seen[5]?.aborted).toBe(false);
    expect(seen[5]).not.toBe(seen[4]);
  });

  it('does not start the call when the outer signal is already aborted', async () => {
    const outer = new AbortController();
    outer.abort();
    let started = false;
    const run = await runWithLimit(
      async () => {
        started = true;
        return 1;
      },
      { timeLimitMs: 1000, signal: outer.signal },
    );
    expect(run).toEqual({
      ok: false,
      result: { status: 'cancelled', count: 0, message: 'Cancelled while running.' },
    });
    expect(started).toBe(false);
  });

  it('records a call that throws before returning a promise as an error', async () => {
    const run = await runWithLimit(
      () => {
        throw new Error('no promise');
      },
      { timeLimitMs: 1000 },
    );
    expect(run).toEqual({ ok: false, result: { status: 'error', count: 0, message: 'no promise' } });
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
