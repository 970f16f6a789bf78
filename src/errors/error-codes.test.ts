import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCodes } from './error-codes.js';
import { LetheError } from './lethe-error.js';

const docPath = join(import.meta.dirname, '..', '..', 'docs', 'errors.md');

describe('the error catalogue', () => {
  it('names every code LETHE_E_ with a 4xx or 5xx status', () => {
    for (const [code, entry] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^LETHE_E_[A-Z_]+$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.summary.length).toBeGreaterThan(10);
    }
  });

  it('agrees with docs/errors.md, row for row', () => {
    const rows = [
      ...readFileSync(docPath, 'utf8').matchAll(/^\| `(LETHE_E_[A-Z_]+)`\s*\| (\d{3})\s*\|/gm),
    ].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(Object.entries(errorCodes).map(([code, entry]) => [code, entry.status]));
  });

  it('serialises to the HTTP envelope shape', () => {
    const error = new LetheError('LETHE_E_SUBJECT_UNKNOWN', 'There is no subject "x".', { subject: 'x' });
    expect(error.status).toBe(404);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'LETHE_E_SUBJECT_UNKNOWN',
      message: 'There is no subject "x".',
      details: { subject: 'x' },
    });
  });
});
