import type { SubjectRef } from '../../../items/index.js';

/** Finds the subject of a `lethe_sid` value as the database printed it (`42` for id "42", or the id itself). */
export function subjectLookup(subjects: readonly SubjectRef[]): (sid: unknown) => string | undefined {
  const byKey = new Map<string, string>();
  for (const s of subjects) {
    byKey.set(s.id, s.id);
    // An integer id the database would print differently ("007" as 7): also known by its printed form.
    if (/^-?\d+$/.test(s.id) && !/^(0|-?[1-9]\d*)$/.test(s.id)) byKey.set(BigInt(s.id).toString(), s.id);
  }
  return (sid) => {
    if (sid === null || sid === undefined) return undefined;
    const text = String(sid);
    const found = byKey.get(text);
    if (found !== undefined) return found;
    if (/^-?\d+(\.0+)?$/.test(text)) return byKey.get(BigInt(text.replace(/\.0+$/, '')).toString());
    return undefined;
  };
}

/** Splits a batch into chunks of at most `size` subjects. */
export function chunked<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Adds (subject, count) pairs up per subject of the batch, as `find` knows them; pairs of no subject are dropped. */
export function tally(
  find: (sid: unknown) => string | undefined,
  pairs: Iterable<[unknown, unknown]>,
  out: Map<string, number>,
) {
  for (const [sid, n] of pairs) {
    const id = find(sid);
    if (id !== undefined) out.set(id, (out.get(id) ?? 0) + Number(n));
  }
}
