import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine.js';

/** The package's file name: the same for every attempt of a request, so that a new attempt resumes the last one. */
export function packageFileName(requestId: number): string {
  return `export-request-${requestId}`;
}

/**
 * Removes what an export request's unfinished attempts left in the files folder: the ZIP being written
 * (`<name>.zip.partial`) and the staged items (`<name>.zip.parts/`). With `complete`, a finished `<name>.zip` as
 * well: for a request that ended without it (its attempt failed after the ZIP was renamed into place), nothing else
 * would ever delete it. What is not there is no error.
 */
export async function removePartialPackage(
  engine: Engine,
  requestId: number,
  options: { complete?: boolean } = {},
): Promise<void> {
  const zip = join(engine.config.filesDir, `${packageFileName(requestId)}.zip`);
  await rm(`${zip}.partial`, { force: true });
  await rm(`${zip}.parts`, { recursive: true, force: true });
  if (options.complete) await rm(zip, { force: true });
}
