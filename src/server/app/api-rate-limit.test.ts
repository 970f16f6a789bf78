import { describe, expect, it } from 'vitest';
import { FixedWindowLimiter } from './api-rate-limit.js';

describe('the fixed-window limiter', () => {
  it('allows max requests per client in a window, then refuses until the window ends', () => {
    let now = 1_000_000;
    const limiter = new FixedWindowLimiter({ enabled: true, max: 3, windowSeconds: 10 }, () => now);
    expect([1, 2, 3].map(() => limiter.hit('a'))).toEqual([
      { allowed: true, remaining: 2, resetMs: 10_000 },
      { allowed: true, remaining: 1, resetMs: 10_000 },
      { allowed: true, remaining: 0, resetMs: 10_000 },
    ]);
    now += 4_000;
    expect(limiter.hit('a')).toEqual({ allowed: false, remaining: 0, resetMs: 6_000 });
    // another client has its own window
    expect(limiter.hit('b')).toEqual({ allowed: true, remaining: 2, resetMs: 10_000 });
    now += 6_000;
    expect(limiter.hit('a')).toEqual({ allowed: true, remaining: 2, resetMs: 10_000 });
  });

  it('forgets the clients whose window has ended', () => {
    let now = 0;
    const limiter = new FixedWindowLimiter({ enabled: true, max: 1, windowSeconds: 1 }, () => now);
    for (let i = 0; i < 100; i++) limiter.hit(`ip:${i}`);
    expect(limiter.size).toBe(100);
    now += 1_000;
    limiter.hit('ip:new');
    expect(limiter.size).toBe(1);
  });
});
