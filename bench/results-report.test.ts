import { describe, expect, it } from 'vitest';
import type { BenchFigure } from './bench-figure.js';
import { measured, median, pairRatios, roundTo } from './bench-stats.js';
import {
  figureLine,
  formatDuration,
  formatSpread,
  type MachineDescription,
  renderResults,
  verdict,
} from './results-report.js';

const machine: MachineDescription = {
  commit: '0123abcd-dirty',
  date: '2026-01-02T03:04:05.000Z',
  os: 'Debian GNU/Linux 12 (Linux 6.1 x64)',
  cpu: 'Test CPU @ 2.0GHz',
  cpus: 2,
  memory: '23.5 GiB',
  node: 'v20.20.2',
  postgres: 'PostgreSQL 15.20 on x86_64',
  load: '1.0, 0.5, 0.2 at the start',
};

describe('bench statistics', () => {
  it('takes the median of odd and even counts, and refuses none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  it('pairs runs taken side by side, and refuses lists of different lengths', () => {
    expect(pairRatios([4, 9], [2, 3])).toEqual([2, 3]);
    expect(() => pairRatios([1, 2], [1])).toThrow(/pair/);
  });

  it('makes a figure of the median of its runs, with their count and spread', () => {
    const figure = measured('purge', 'ms', [120.4, 99.6, 250.2], { target: { op: '<=', value: 200 } });
    expect(figure).toEqual({
      name: 'purge',
      value: 120,
      unit: 'ms',
      runs: 3,
      min: 100,
      max: 250,
      target: { op: '<=', value: 200 },
    });
    expect(measured('ratio', 'x', [1.234, 1.456], { digits: 2 }).value).toBe(1.35);
    expect(roundTo(1.005, 1)).toBe(1);
  });
});

describe('target verdicts', () => {
  const figure = (value: number, op: '<=' | '<' | '>=' | '>', target: number): BenchFigure => ({
    name: 'f',
    value,
    unit: 'x',
    target: { op, value: target },
  });

  it('meets an upper bound at or under it, and says by how much it is missed above it', () => {
    expect(verdict(figure(2, '<=', 2))).toEqual({ met: true, text: 'met' });
    expect(verdict(figure(3.46, '<=', 2))).toEqual({ met: false, text: 'missed by 1.46 x (73% over)' });
    expect(verdict(figure(150, '<', 150))?.text).toBe('missed: equal to the limit (< 150)');
  });

  it('says by how much a lower bound is missed, and has no verdict without a target', () => {
    expect(verdict(figure(1.5, '>=', 2))).toEqual({ met: false, text: 'missed by 0.5 x (25% under)' });
    expect(verdict(figure(3, '>', 2))?.met).toBe(true);
    expect(verdict({ name: 'f', value: 1, unit: 'x' })).toBeUndefined();
  });
});

describe('printed figures', () => {
  it('prints the spread and the target beside a median, and a single measurement alone', () => {
    const f = measured('Lethe / floor', 'x', [3.5, 3.4, 4.1], {
      digits: 2,
      target: { op: '<=', value: 2 },
    });
    expect(formatSpread(f)).toBe('3.4–4.1 x');
    expect(figureLine(f)).toMatch(/3\.5 x {2}\(median of 3, 3\.4–4\.1 x; target <= 2 x: missed by 1\.5 x/);
    expect(figureLine({ name: 'rate', value: 36515, unit: 'subjects/s' }).trimEnd()).toMatch(
      /^rate +36515 subjects\/s$/,
    );
  });

  it('writes durations in seconds, or minutes and seconds', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(612)).toBe('10 min 12 s');
  });
});

describe('bench/RESULTS.md', () => {
  const purge: BenchFigure = {
    ...measured('Lethe / raw-SQL floor | SQLite store', 'x', [3.4, 3.6, 3.5], {
      digits: 2,
      target: { op: '<=', value: 2, source: 'issue 3' },
    }),
    why: 'The engine records a result per subject and item.',
  };
  const rss = measured('export peak RSS', 'MB', [100, 110, 105], { target: { op: '<', value: 150 } });
  const text = renderResults({
    machine,
    totalSeconds: 500,
    totalLimitSeconds: 900,
    sections: [
      { title: 'purge', figures: [purge, { name: 'floor', value: 250, unit: 'ms' }], seconds: 30 },
      { title: 'export', figures: [rss], seconds: 12 },
      { title: 'workers', figures: [], seconds: 0, skipped: 'needs a PostgreSQL server' },
      { title: 'load', figures: [], seconds: 3, error: 'the server did not start' },
    ],
  });

  it('has a header with the commit, the date, the machine and the total time', () => {
    expect(text).toContain('| commit | `0123abcd-dirty` |');
    expect(text).toContain('| date | 2026-01-02T03:04:05.000Z |');
    expect(text).toContain('| CPU | 2 × Test CPU @ 2.0GHz |');
    expect(text).toContain('| PostgreSQL | PostgreSQL 15.20 on x86_64 |');
    expect(text).toContain('| total time | 8 min 20 s (target under 15 min 0 s: met)');
  });

  it('has one table per section, with median, spread, runs, target and verdict, pipes escaped', () => {
    expect(text).toContain('| figure | median | spread (min–max) | runs | target | result |');
    expect(text).toContain(
      '| Lethe / raw-SQL floor \\| SQLite store | 3.5 x | 3.4–3.6 x | 3 | <= 2 x (issue 3) | **missed by 1.5 x (75% over)** |',
    );
    expect(text).toContain('| floor | 250 ms |  | 1 |  |  |');
    expect(text).toContain('| export peak RSS | 105 MB | 100–110 MB | 3 | < 150 MB | met |');
  });

  it('sums up the targets, explains each miss, and names the benchmarks that failed or did not run', () => {
    expect(text).toContain('1 of 2 targets met; missed: 1.');
    expect(text).toContain(
      '**Why "Lethe / raw-SQL floor | SQLite store" misses its target.** The engine records a result per subject and item.',
    );
    expect(text).toContain('Failed: load.');
    expect(text).toContain('**Failed:** the server did not start');
    expect(text).toContain('Not run: workers (needs a PostgreSQL server).');
  });

  it('says when PostgreSQL was not used, and when the run took too long', () => {
    const late = renderResults({
      machine: { ...machine, postgres: undefined },
      sections: [],
      totalSeconds: 960,
      totalLimitSeconds: 900,
    });
    expect(late).toContain('| PostgreSQL | not used (LETHE_TEST_PG was not set): its figures are missing |');
    expect(late).toContain('(target under 15 min 0 s: missed by 1 min 0 s)');
  });
});
