/** The fields an edit changed, each with its value before and after: the details of an `*.update` audit event. */
export type Changes = Record<string, { from: unknown; to: unknown }>;

/** Notes a field as changed when a new value is given and differs from the current one. */
export function trackChange<T>(changes: Changes, field: string, from: T, to: T | undefined): void {
  if (to !== undefined && to !== from) changes[field] = { from, to };
}

/** Whether two lists hold the same strings, ignoring order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}
