/** A target a figure should meet: `value` `op` `target.value` (for example at most 2 x, under 150 MB). */
export interface BenchTarget {
  op: '<=' | '<' | '>=' | '>';
  value: number;
  /** Where the target comes from, such as "issue 3". */
  source?: string;
}

/**
 * One figure a benchmark prints: `npm run bench` lists them as name, value, unit, and writes them to
 * bench/RESULTS.md. A figure measured over several runs gives their median as `value`, with `runs`, and the spread
 * as `min` and `max`. A ratio is the median of the ratios of runs taken side by side, not a ratio of medians.
 */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** How many runs `value` is the median of (absent: a single measurement). */
  runs?: number;
  /** The lowest and highest of the runs. */
  min?: number;
  max?: number;
  target?: BenchTarget;
  /** Why the figure misses its target, when it does: the report prints it under the table. */
  why?: string;
}
