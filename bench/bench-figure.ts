/** One figure a benchmark prints: `npm run bench` lists them as name, value, unit. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
}
