import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ExportRecord, Item, SubjectContext } from '../../items/index.js';
import { stringifyJson } from './csv.js';
import { HashingStream } from './hashing-stream.js';
import { itemFolder, safeRelativePath, uniquePath } from './package-paths.js';
import { StagedWriter } from './staged-writer.js';

/** How many records of each item the HTML report shows. */
export const htmlRecordLimit = 1000;

/** What one item's successful run left in its staging folder, enough to assemble the package. */
export interface StagedItem {
  /** Staging folder name, inside the parts folder's `items/`. */
  dir: string;
  /** `<component>-<name>`: the item's folder and file names inside the package. */
  folder: string;
  count: number;
  /** Every record key, in first-seen order. Keys are only ever appended, so early records use a prefix of them. */
  columns: string[];
  /** How many of `columns` the first `htmlRecordLimit` records use. */
  sampleColumnCount: number;
  fileCount: number;
  fileBytes: number;
}

/** One staged file, as a line of `files.ndjson`. */
export interface StagedFile {
  /** The path inside the package. */
  path: string;
  /** The file's name inside the staging folder's `files/`. */
  staged: string;
  size: number;
  sha256: string;
}

/** Anything that must be given up when an item fails or runs out of time. */
export interface Disposable {
  destroy(): void;
}

export const stagedNames = {
  records: 'records.json',
  files: 'files.ndjson',
  filesDir: 'files',
} as const;

function isRecord(value: unknown): value is ExportRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function aborted(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('The item was stopped.');
}

/**
 * Runs one item's export into its staging folder: its records as a JSON array with one record a line
 * (`records.json`, which the CSV and the HTML report are made from too) and, when asked, its files, copied with
 * their SHA-256 (listed in `files.ndjson`). Nothing is held in memory but the column names and the file names taken.
 */
export async function stageItem(
  item: Item,
  ctx: SubjectContext,
  dir: string,
  dirName: string,
  includeFiles: boolean,
  open: Set<Disposable>,
): Promise<StagedItem> {
  const capability = item.export;
  if (!capability) throw new Error('The item has no export.');
  await mkdir(dir, { recursive: true });
  const { signal } = ctx;
  const folder = itemFolder(item.component, item.name);

  const records = new StagedWriter(join(dir, stagedNames.records), signal);
  open.add(records);
  const columns: string[] = [];
  const known = new Set<string>();
  let count = 0;
  let sampleColumnCount = 0;
  await records.write('[');
  for await (const record of capability.records(ctx)) {
    if (signal.aborted) throw aborted(signal);
    if (!isRecord(record)) throw new Error(`Record ${count + 1} is not an object.`);
    await records.write((count === 0 ? '\n' : ',\n') + stringifyJson(record));
    for (const key of Object.keys(record)) {
      if (!known.has(key)) {
        known.add(key);
        columns.push(key);
      }
    }
    count++;
    if (count <= htmlRecordLimit) sampleColumnCount = columns.length;
  }
  await records.write(count === 0 ? ']' : '\n]');
  await records.close();

  let fileCount = 0;
  let fileBytes = 0;
  if (includeFiles && capability.files) {
    const list = new StagedWriter(join(dir, stagedNames.files), signal);
    open.add(list);
    await mkdir(join(dir, stagedNames.filesDir), { recursive: true });
    const taken = new Set<string>();
    for await (const file of capability.files(ctx)) {
      if (signal.aborted) throw aborted(signal);
      const path = uniquePath(`files/${folder}/${safeRelativePath(String(file.name))}`, taken);
      const staged = String(fileCount + 1);
      const source = await file.open();
      const hasher = new HashingStream();
      open.add(source);
      await pipeline(source, hasher, createWriteStream(join(dir, stagedNames.filesDir, staged)), { signal });
      open.delete(source);
      const entry: StagedFile = { path, staged, size: hasher.bytes, sha256: hasher.sha256 };
      await list.write(JSON.stringify(entry) + '\n');
      fileCount++;
      fileBytes += hasher.bytes;
    }
    await list.close();
  }
  return { dir: dirName, folder, count, columns, sampleColumnCount, fileCount, fileBytes };
}
