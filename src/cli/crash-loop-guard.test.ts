import { describe, expect, it } from 'vitest';
import { CrashLoopGuard } from './crash-loop-guard.js';

describe('CrashLoopGuard', () => {
  it('stops replacing at the fifth death within 10 s, and forgets deaths older than that', () => {
    let now = 0;
    const guard = new CrashLoopGuard({ deaths: 5, withinMs: 10_000 }, () => now);
    for (let i = 0; i < 4; i++) {
      expect(guard.died(true)).toBe(false);
      now += 2_000;
    }
    // Deaths at 0, 2, 4, 6 s; at 10 s the first one is 10 s old and no longer counts.
    now = 10_000;
    expect(guard.died(true)).toBe(false);
    now = 10_500;
    expect(guard.died(true)).toBe(true);
    expect(guard.describe()).toBe('5 within 10 s, or 5 in a row at start');
  });

  it('never stops deaths of running processes that are far apart', () => {
    let now = 0;
    const guard = new CrashLoopGuard({ deaths: 2, withinMs: 1_000 }, () => now);
    for (let i = 0; i < 20; i++) {
      expect(guard.died(true)).toBe(false);
      now += 1_000;
    }
  });

  it('stops at the fifth process in a row that died before listening, however slowly they start', () => {
    let now = 0;
    const guard = new CrashLoopGuard({ deaths: 5, withinMs: 10_000 }, () => now);
    for (let i = 0; i < 4; i++) {
      expect(guard.died(false)).toBe(false);
      now += 60_000;
    }
    expect(guard.died(false)).toBe(true);
  });

  it('begins the count of failed starts again once a process listens', () => {
    let now = 0;
    const guard = new CrashLoopGuard({ deaths: 3, withinMs: 1_000 }, () => now);
    for (let round = 0; round < 5; round++) {
      expect(guard.died(false)).toBe(false);
      now += 5_000;
      expect(guard.died(false)).toBe(false);
      now += 5_000;
      guard.listened();
    }
  });
});
