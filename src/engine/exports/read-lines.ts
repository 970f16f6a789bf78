import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ExportRecord } from '../../items/index.js';

/** The lines of a text file, one at a time, stopping after `limit` lines; a missing file has none. */
export async function* readLines(path: string, limit = Number.POSITIVE_INFINITY): AsyncGenerator<string> {
  if (limit <= 0) return;
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let seen = 0;
  try {
    for await (const line of lines) {
      if (line === '') continue;
      yield line;
      if (++seen >= limit) break;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * The records of a staged `records.json`, parsed one at a time: the file is a JSON array written with one record a
 * line (`[`, then each record followed by `,` but the last, then `]`).
 */
export async function* readStagedRecords(
  path: string,
  limit = Number.POSITIVE_INFINITY,
): AsyncGenerator<ExportRecord> {
  let seen = 0;
  if (limit <= 0) return;
  for await (const line of readLines(path)) {
    if (line === '[' || line === ']' || line === '[]') continue;
    yield JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as ExportRecord;
    if (++seen >= limit) return;
  }
}
