import { appendFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ItemRunResult } from '../../items/index.js';
import { type StagedItem, stagedNames } from './stage-item.js';

/**
 * The work folder of one package, `<name>.zip.parts/`: each item's staged output under `items/`, and a journal with
 * one line per finished item. It outlives a crash, so a new run of the same package reuses the items that had
 * finished instead of running them again; it is removed when the package is complete or the export is cancelled.
 */
export interface PartsJob {
  subjectId: string;
  exportType: string;
  includeFiles: boolean;
}

export interface JournalEntry {
  key: string;
  result: ItemRunResult;
  /** Present when the item succeeded. */
  staged?: StagedItem;
}

const jobFile = 'job.json';
const journalFile = 'journal.ndjson';

export function partsDirOf(zipPath: string): string {
  return `${zipPath}.parts`;
}

function sameJob(a: unknown, b: PartsJob): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const o = a as Record<string, unknown>;
  return (
    o['subjectId'] === b.subjectId && o['exportType'] === b.exportType && o['includeFiles'] === b.includeFiles
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readJournal(dir: string): Promise<Map<string, JournalEntry>> {
  const out = new Map<string, JournalEntry>();
  let text: string;
  try {
    text = await readFile(join(dir, journalFile), 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      continue; // a line torn by a crash: that item runs again
    }
    if (typeof entry.key !== 'string' || typeof entry.result?.status !== 'string') continue;
    if (entry.staged && !(await exists(join(dir, 'items', entry.staged.dir, stagedNames.records)))) continue;
    out.set(entry.key, entry);
  }
  return out;
}

/**
 * Prepares the work folder. With `resume`, the items a previous run of the same job finished are returned, to be
 * reused; otherwise (or when the folder belonged to another job) it starts empty.
 */
export async function openParts(
  dir: string,
  job: PartsJob,
  resume: boolean,
): Promise<Map<string, JournalEntry>> {
  if (resume) {
    try {
      const previous: unknown = JSON.parse(await readFile(join(dir, jobFile), 'utf8'));
      if (sameJob(previous, job)) return await readJournal(dir);
    } catch {
      // no usable previous run
    }
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'items'), { recursive: true });
  await writeFile(join(dir, jobFile), JSON.stringify(job));
  return new Map();
}

export async function appendJournal(dir: string, entry: JournalEntry): Promise<void> {
  await appendFile(join(dir, journalFile), JSON.stringify(entry) + '\n');
}
