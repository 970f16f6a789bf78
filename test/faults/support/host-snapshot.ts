import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dumpCampus } from '../../../examples/campus/campus-test-support.js';

const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/**
 * The host application's data, canonical: every row of every campus table (`table:id` -> the row as JSON) and every
 * file under its files folder (`file:path` -> size), so that two runs can be compared entry by entry. A timestamp
 * from `since` on was written by the run itself (the helpdesk's "Anonymize user" stamps `updated_at`): it reads
 * `(during the run)`, so that two runs at different times compare equal, while a timestamp written where the other
 * run wrote none still differs.
 */
export function hostSnapshot(
  campusDatabase: string,
  campusFiles: string,
  since: string,
): Map<string, string> {
  const snapshot = new Map<string, string>();
  for (const [key, json] of dumpCampus(campusDatabase)) {
    const row = JSON.parse(json) as Record<string, unknown>;
    for (const [column, value] of Object.entries(row)) {
      if (typeof value === 'string' && isoTime.test(value) && value >= since)
        row[column] = '(during the run)';
    }
    snapshot.set(key, JSON.stringify(row));
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(campusFiles);
  for (const path of files.sort()) {
    snapshot.set(`file:${relative(campusFiles, path)}`, String(statSync(path).size));
  }
  return snapshot;
}

/** How two snapshots differ: how many entries, and the first one (expected and actual), or undefined if none. */
export function snapshotDifference(
  expected: ReadonlyMap<string, string>,
  actual: ReadonlyMap<string, string>,
): string | undefined {
  const differing: string[] = [];
  for (const [key, value] of expected) if (actual.get(key) !== value) differing.push(key);
  for (const key of actual.keys()) if (!expected.has(key)) differing.push(key);
  const first = differing[0];
  if (first === undefined) return undefined;
  return [
    `${differing.length} host entr${differing.length === 1 ? 'y differs' : 'ies differ'}; the first, ${first}:`,
    `  expected: ${expected.get(first) ?? '(absent)'}`,
    `  actual:   ${actual.get(first) ?? '(absent)'}`,
  ].join('\n');
}
