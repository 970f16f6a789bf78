import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new temporary folder for a test, inside the run's folder (see below) when there is one. */
export function testTempDir(prefix: string): string {
  return mkdtempSync(join(process.env['LETHE_TEST_TMP'] || tmpdir(), prefix));
}

/**
 * Vitest's global setup: one temporary folder for the whole run, which tests put their own folders in
 * (LETHE_TEST_TMP, see testTempDir), removed when the run ends, so that a run leaves no folders behind in /tmp
 * (its test processes may be stopped without running exit handlers).
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'lethe-test-run-'));
  process.env['LETHE_TEST_TMP'] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
