import { describe, expect, it } from 'vitest';
import { isDeadlock, retryDelay, retryOnDeadlock } from './retry-on-deadlock.js';

/** Errors shaped as the drivers throw them: pg puts the SQLSTATE in `code`, mysql2 the errno in `errno`. */
function pgError(code: string): Error {
  return Object.assign(new Error(`pg ${code}`), { code, severity: 'ERROR' });
}

function mysqlError(errno: number, code: string, sqlState: string): Error {
  return Object.assign(new Error(`mysql ${errno}`), { errno, code, sqlState });
}

describe('isDeadlock', () => {
  it('knows PostgreSQL deadlocks and serialization failures', () => {
    expect(isDeadlock(pgError('40P01'))).toBe(true);
    expect(isDeadlock(pgError('40001'))).toBe(true);
  });

  it('knows MySQL/MariaDB deadlocks and lock wait timeouts', () => {
    expect(isDeadlock(mysqlError(1213, 'ER_LOCK_DEADLOCK', '40001'))).toBe(true);
    expect(isDeadlock(mysqlError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'HY000'))).toBe(true);
  });

  it('looks through wrapped errors', () => {
    expect(isDeadlock(new Error('item failed', { cause: pgError('40P01') }))).toBe(true);
  });

  it('leaves every other error alone', () => {
    for (const error of [
      pgError('23505'), // unique violation
      pgError('55P03'), // lock_not_available (lock_timeout / NOWAIT)
      pgError('57014'), // query cancelled
      pgError('40002'), // integrity constraint violation at commit
      mysqlError(1062, 'ER_DUP_ENTRY', '23000'),
      mysqlError(1146, 'ER_NO_SUCH_TABLE', '42S02'),
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
      new Error('Cancelled while running.'),
      new Error('40P01 in the message only'),
      '40P01',
      1213,
      null,
      undefined,
    ]) {
      expect(isDeadlock(error), String(error)).toBe(false);
    }
  });
});

describe('retryDelay', () => {
  it('grows from 20–40 ms to at most 200 ms', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 20, 200, () => 0))).toEqual([20, 40, 80, 100]);
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 20, 200, () => 1))).toEqual([40, 80, 160, 200]);
    expect(retryDelay(10, 20, 200, () => 1)).toBe(200);
  });
});

describe('retryOnDeadlock', () => {
  const fast = { minDelayMs: 1, maxDelayMs: 2 };

  it('runs the whole attempt again after a deadlock, and returns its value', async () => {
    let runs = 0;
    const retries: number[] = [];
    const value = await retryOnDeadlock(
      async () => {
        runs++;
        if (runs < 3) throw pgError('40P01');
        return 'done';
      },
      { ...fast, onRetry: (_error, attempt) => retries.push(attempt) },
    );
    expect(value).toBe('done');
    expect(runs).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('throws the database error as it is after the last attempt', async () => {
    let runs = 0;
    const last = mysqlError(1213, 'ER_LOCK_DEADLOCK', '40001');
    await expect(
      retryOnDeadlock(async () => {
        runs++;
        throw runs === 5 ? last : mysqlError(1213, 'ER_LOCK_DEADLOCK', '40001');
      }, fast),
    ).rejects.toBe(last);
    expect(runs).toBe(5);
  });

  it('does not run again after any other error', async () => {
    let runs = 0;
    const error = pgError('23505');
    await expect(
      retryOnDeadlock(async () => {
        runs++;
        throw error;
      }, fast),
    ).rejects.toBe(error);
    expect(runs).toBe(1);
  });

  it('waits between attempts', async () => {
    let runs = 0;
    const started = Date.now();
    await retryOnDeadlock(
      async () => {
        if (++runs < 3) throw pgError('40001');
      },
      { minDelayMs: 20, maxDelayMs: 200 },
    );
    // At least 20 ms, then 40 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });
});
