import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LetheError, messageOf } from '../../errors/index.js';
import {
  type Item,
  type ItemKey,
  type ItemRunResult,
  itemKey,
  runWithLimit,
  type SubjectRef,
} from '../../items/index.js';
import { isoNow } from '../../store/time.js';
import { csvTable } from './csv.js';
import { dataJson } from './data-json.js';
import { appendJournal, type JournalEntry, openParts, partsDirOf } from './export-parts.js';
import { htmlReport, type ReportItem } from './html-report.js';
import { type ManifestItem, manifestJson } from './manifest.js';
import { itemFolder, worthCompressing } from './package-paths.js';
import { PackageZip, type ZipEntryInfo } from './package-zip.js';
import { readLines, readStagedRecords } from './read-lines.js';
import { type Disposable, type StagedFile, type StagedItem, stagedNames, stageItem } from './stage-item.js';
import { textSource } from './text-source.js';

export interface ExportTypeRef {
  idnumber: string;
  name: string;
  includeFiles: boolean;
}

export interface ItemProgressInfo {
  /** True when the item had finished in an interrupted earlier run of this package and was not run again. */
  reused: boolean;
}

export interface ExportPackageInput {
  subject: SubjectRef;
  exportType: ExportTypeRef;
  /** The items to export, in the order they run and appear in the package. */
  items: readonly Item[];
  ctxBase: { anonymousUser: SubjectRef; timeLimitMs: number };
  /** The folder the package is written to (created if missing). */
  outDir: string;
  /** The package's name, without a folder, with or without `.zip`; by default `export-<subject id>-<time>`. */
  fileName?: string;
  /** Cancels the export: the promise rejects with the signal's reason and nothing is left on disk. */
  signal?: AbortSignal;
  /** Called (and awaited) after each item, with its result, before the next item runs. */
  onItem?: (key: ItemKey, result: ItemRunResult, info: ItemProgressInfo) => Promise<void>;
  /**
   * Reuse what an interrupted earlier run of the same package (same outDir and fileName, subject and type) left
   * behind: its finished items are not run again. Default true; give each request its own fileName.
   */
  resume?: boolean;
}

export interface PackageResult {
  /** The finished `.zip`. */
  path: string;
  size: number;
  sha256: string;
  createdAt: string;
  /** Every item's result, in the order the items were given. */
  results: Map<ItemKey, ItemRunResult>;
}

const fileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

function invalid(message: string, details: Record<string, unknown>): LetheError {
  return new LetheError('LETHE_E_INVALID_INPUT', message, details);
}

function validate(input: ExportPackageInput): void {
  const limit = input.ctxBase?.timeLimitMs;
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
    throw invalid('The time limit per item must be a positive number of milliseconds.', {
      timeLimitMs: limit,
    });
  }
  if (typeof input.outDir !== 'string' || input.outDir.trim() === '') {
    throw invalid('The output folder is missing.', { outDir: input.outDir });
  }
  if (input.fileName !== undefined && !fileNamePattern.test(input.fileName)) {
    throw invalid(
      'The package file name must be letters, digits, ".", "_" or "-" (at most 200), with no folder.',
      { fileName: input.fileName },
    );
  }
  const seen = new Set<string>();
  for (const item of input.items) {
    const key = itemKey(item);
    if (seen.has(key)) throw invalid(`The item "${key}" is listed twice.`, { item: key });
    seen.add(key);
  }
}

function defaultBaseName(subject: SubjectRef, createdAt: string): string {
  const id = subject.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80) || 'subject';
  return `export-${id}-${createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException('The export was cancelled.', 'AbortError');
}

/** Makes the rename durable where the platform allows it. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // not supported here (Windows): the rename is still atomic
  }
}

interface Done {
  item: Item;
  key: ItemKey;
  result: ItemRunResult;
  staged?: StagedItem;
}

/** A write that failed because the disk (or the user's quota) is full. */
function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Writes a subject's export package: a ZIP streamed to disk, holding `index.html`, `data.json`, one CSV per item
 * with rows, the subject's files when the type includes them, and `manifest.json` (last, as it lists the SHA-256
 * of every other entry). Items run one after another, each within the time limit; an item that throws or runs out
 * of time is recorded as such and the package still completes. Each item is staged on disk first (in
 * `<name>.zip.parts/`), so memory does not grow with the data; the ZIP is written as `<name>.zip.partial` and
 * renamed to `<name>.zip` once it is complete and flushed.
 *
 * When the disk fills up (while an item is staged or the ZIP is written), nothing of the package is kept (neither
 * the partial ZIP nor the staged parts, which would only hold the space) and it throws LETHE_E_DISK_FULL.
 */
export async function writeExportPackage(input: ExportPackageInput): Promise<PackageResult> {
  validate(input);
  const createdAt = isoNow();
  const base = (input.fileName ?? defaultBaseName(input.subject, createdAt)).replace(/\.zip$/i, '');
  const path = join(input.outDir, `${base}.zip`);
  try {
    return await writePackage(input, createdAt, path);
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    await rm(`${path}.partial`, { force: true });
    await rm(partsDirOf(path), { recursive: true, force: true });
    throw new LetheError(
      'LETHE_E_DISK_FULL',
      'The disk for export packages is full: the package could not be written, and nothing of it was kept. Free some space, then export again.',
      { outDir: input.outDir, file: `${base}.zip`, cause: messageOf(error) },
    );
  }
}

async function writePackage(
  input: ExportPackageInput,
  createdAt: string,
  path: string,
): Promise<PackageResult> {
  const { subject, exportType, signal } = input;
  const partial = `${path}.partial`;
  const parts = partsDirOf(path);
  const itemsDir = join(parts, 'items');

  const cancel = async (): Promise<never> => {
    await rm(partial, { force: true });
    await rm(parts, { recursive: true, force: true });
    throw abortError(signal as AbortSignal);
  };

  if (signal?.aborted) throw abortError(signal);
  await mkdir(input.outDir, { recursive: true });
  const journal = await openParts(
    parts,
    { subjectId: subject.id, exportType: exportType.idnumber, includeFiles: exportType.includeFiles },
    input.resume ?? true,
  );

  const done: Done[] = [];
  for (const item of input.items) {
    if (signal?.aborted) return cancel();
    const key = itemKey(item);
    const previous = journal.get(key);
    if (previous) {
      done.push({
        item,
        key,
        result: previous.result,
        ...(previous.staged ? { staged: previous.staged } : {}),
      });
      await input.onItem?.(key, previous.result, { reused: true });
      continue;
    }
    let entry: JournalEntry;
    if (!item.export) {
      entry = { key, result: { status: 'skipped', count: 0, message: 'This item has no export.' } };
    } else {
      const dirName = createHash('sha256').update(key).digest('hex').slice(0, 16);
      const dir = join(itemsDir, dirName);
      await rm(dir, { recursive: true, force: true });
      const open = new Set<Disposable>();
      // A full disk is not the item's failure: it stops the whole package (below), instead of an `error` result.
      let diskFull: unknown;
      const run = await runWithLimit(
        (itemSignal, deadline) =>
          stageItem(
            item,
            {
              subject,
              anonymousUser: input.ctxBase.anonymousUser,
              signal: itemSignal,
              timeLimitMs: input.ctxBase.timeLimitMs,
              deadline,
            },
            dir,
            dirName,
            exportType.includeFiles,
            open,
          ).catch((error: unknown) => {
            if (isDiskFull(error)) diskFull = error;
            throw error;
          }),
        { timeLimitMs: input.ctxBase.timeLimitMs, ...(signal ? { signal } : {}) },
      );
      if (run.ok) {
        entry = { key, result: { status: 'success', count: run.value.count }, staged: run.value };
      } else {
        for (const resource of open) resource.destroy();
        await rm(dir, { recursive: true, force: true });
        if (diskFull) throw diskFull;
        if (run.result.status === 'cancelled') {
          await input.onItem?.(key, run.result, { reused: false });
          return cancel();
        }
        entry = { key, result: run.result };
      }
    }
    await appendJournal(parts, entry);
    done.push({ item, key, result: entry.result, ...(entry.staged ? { staged: entry.staged } : {}) });
    await input.onItem?.(key, entry.result, { reused: false });
  }
  if (signal?.aborted) return cancel();

  const results = new Map<ItemKey, ItemRunResult>(done.map((d) => [d.key, d.result]));
  const mtime = new Date(createdAt);
  await rm(partial, { force: true });
  const zip = new PackageZip(partial, signal);
  try {
    const succeeded = done.filter((d): d is Done & { staged: StagedItem } => d.staged !== undefined);
    const csvPathOf = (d: Done & { staged: StagedItem }): string | undefined =>
      d.staged.count > 0 ? `csv/${itemFolder(d.item.component, d.item.name)}.csv` : undefined;
    const reportItems: ReportItem[] = done.map((d) => {
      const csvPath = d.staged ? csvPathOf({ ...d, staged: d.staged }) : undefined;
      return {
        key: d.key,
        title: d.item.title,
        group: d.item.group,
        result: d.result,
        ...(d.staged ? { staged: d.staged } : {}),
        ...(csvPath ? { csvPath } : {}),
      };
    });
    const entries: ZipEntryInfo[] = [];
    entries.push(
      await zip.add(
        'index.html',
        () => textSource(htmlReport({ subject, exportType, createdAt, items: reportItems, itemsDir })),
        { compress: true, mtime },
      ),
    );
    entries.push(
      await zip.add(
        'data.json',
        () =>
          textSource(
            dataJson(
              succeeded.map((d) => ({
                key: d.key,
                recordsPath: join(itemsDir, d.staged.dir, stagedNames.records),
              })),
            ),
          ),
        { compress: true, mtime },
      ),
    );
    for (const d of succeeded) {
      const csvPath = csvPathOf(d);
      if (!csvPath) continue;
      const records = join(itemsDir, d.staged.dir, stagedNames.records);
      entries.push(
        await zip.add(csvPath, () => textSource(csvTable(d.staged.columns, readStagedRecords(records))), {
          compress: true,
          mtime,
        }),
      );
    }
    const fileLists: string[] = [];
    for (const d of succeeded) {
      if (d.staged.fileCount === 0) continue;
      const dir = join(itemsDir, d.staged.dir);
      const list = join(dir, stagedNames.files);
      fileLists.push(list);
      for await (const line of readLines(list)) {
        const file = JSON.parse(line) as StagedFile;
        const written = await zip.add(
          file.path,
          () => createReadStream(join(dir, stagedNames.filesDir, file.staged)),
          { compress: worthCompressing(file.path), mtime },
        );
        if (written.sha256 !== file.sha256 || written.size !== file.size) {
          throw new Error(`The staged copy of ${file.path} changed before it was packaged.`);
        }
      }
    }
    const manifestItems: ManifestItem[] = reportItems.map((r) => ({
      key: r.key,
      title: r.title,
      group: r.group,
      status: r.result.status,
      count: r.result.count,
      ...(r.result.message ? { message: r.result.message } : {}),
      files: r.staged?.fileCount ?? 0,
      ...(r.csvPath ? { csv: r.csvPath } : {}),
    }));
    await zip.add(
      'manifest.json',
      () =>
        textSource(
          manifestJson({ subject, exportType, createdAt, items: manifestItems, entries, fileLists }),
        ),
      { compress: true, mtime },
    );
    const written = await zip.finish();
    await rename(partial, path);
    await syncDir(input.outDir);
    await rm(parts, { recursive: true, force: true });
    return { path, size: written.size, sha256: written.sha256, createdAt, results };
  } catch (error) {
    zip.abort(error instanceof Error ? error : new Error(String(error)));
    await rm(partial, { force: true });
    if (signal?.aborted) return cancel();
    throw error;
  }
}
