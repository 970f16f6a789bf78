import type { BenchFigure, BenchTarget } from './bench-figure.js';

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('The median of no values is undefined.');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Each run's ratio `numerators[i] / denominators[i]`: runs taken side by side, compared pair by pair. */
export function pairRatios(numerators: readonly number[], denominators: readonly number[]): number[] {
  if (numerators.length !== denominators.length) {
    throw new Error(`Cannot pair ${numerators.length} runs with ${denominators.length}.`);
  }
  return numerators.map((n, i) => n / (denominators[i] as number));
}

export interface MeasuredOptions {
  /** Decimal places kept in the figure (0 by default). */
  digits?: number;
  target?: BenchTarget;
  why?: string;
}

/** A figure over several runs: their median as the value, with the count and the lowest and highest run. */
export function measured(
  name: string,
  unit: string,
  runs: readonly number[],
  options: MeasuredOptions = {},
): BenchFigure {
  const digits = options.digits ?? 0;
  const figure: BenchFigure = {
    name,
    value: roundTo(median(runs), digits),
    unit,
    runs: runs.length,
    min: roundTo(Math.min(...runs), digits),
    max: roundTo(Math.max(...runs), digits),
  };
  if (options.target) figure.target = options.target;
  if (options.why) figure.why = options.why;
  return figure;
}
