import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Whether a row still names this stored path (asked of committed data, outside the deletion's transaction). */
export type PathInUse = (stored: string) => Promise<boolean> | boolean;
/** Removes the content at this stored path; a content already gone is not an error. */
export type RemovePath = (stored: string) => Promise<void> | void;

/** The folder, under a files root, where file removals wait for their deletion's commit. */
export function removalsDir(root: string): string {
  return join(root, '.lethe-removals');
}

/** A record being written: `<record>.json.<pid>@<host>.tmp`, renamed to `<record>.json` once complete. */
const partialRecord = /\.json\.(\d+)@(.*)\.tmp$/;
/** How long a partial record written on another host is kept: its writer can't be asked whether it is alive. */
const foreignPartialMs = 24 * 60 * 60 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a partial record's writer is gone: a process of this host that no longer runs, or, on another host
 * sharing the folder, a record a day old. Its run died before its commit, so its deletion was rolled back.
 */
function writerGone(dir: string, name: string, match: RegExpExecArray): boolean {
  if (match[2] === hostname()) return !processAlive(Number(match[1]));
  try {
    return Date.now() - statSync(join(dir, name)).mtimeMs > foreignPartialMs;
  } catch {
    return false;
  }
}

/**
 * The files a deletion will remove once its rows are deleted for good. A database cannot commit a file's removal
 * with its row, so an item that deletes rows naming files on disk records the files it will remove here, inside
 * its transaction (`record`), and removes them after the commit (`complete`). A run killed between the two leaves
 * its record behind; the next run of the item (the engine runs it again, as its result was never written) finds
 * nothing left to delete, but `settle` removes the files its record names that no row names any more. A record
 * whose deletion was rolled back names files still in use: they stay, and so does the record, until they are not.
 */
export class FileRemovals {
  readonly #dir: string;
  readonly #file: string;
  #paths: string[] = [];

  /** `owner` names the item (file-name characters only): each item settles only its own records. */
  constructor(root: string, owner: string) {
    this.#dir = removalsDir(root);
    this.#file = join(this.#dir, `${owner}.${Date.now()}.${randomBytes(4).toString('hex')}.json`);
  }

  /** Inside the transaction, before its commit: writes the record of the stored paths it will remove. */
  record(paths: readonly string[]): void {
    this.#paths = [...new Set(paths)];
    if (this.#paths.length === 0) return;
    mkdirSync(this.#dir, { recursive: true });
    // Written whole under a partial name, then renamed: a run killed mid-write leaves no empty record behind.
    const partial = `${this.#file}.${process.pid}@${hostname()}.tmp`;
    writeFileSync(partial, JSON.stringify(this.#paths));
    renameSync(partial, this.#file);
  }

  /** After the commit: removes the recorded files that no row names any more, then the record. */
  async complete(inUse: PathInUse, remove: RemovePath): Promise<void> {
    for (const path of this.#paths) if (!(await inUse(path))) await remove(path);
    this.discard();
  }

  /** After a rollback: the record goes, the files stay. */
  discard(): void {
    if (this.#paths.length > 0) rmSync(this.#file, { force: true });
    this.#paths = [];
  }

  /**
   * What earlier runs of this owner left: removes each recorded file that no row names any more, and each record
   * once none of its files is in use. A record of a run still in its transaction names files still in use: it
   * stays for that run to complete. A partial record whose writer died (see `writerGone`) goes.
   */
  static async settle(root: string, owner: string, inUse: PathInUse, remove: RemovePath): Promise<void> {
    const dir = removalsDir(root);
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.startsWith(`${owner}.`));
    } catch {
      return;
    }
    for (const name of names) {
      const partial = partialRecord.exec(name);
      if (partial) {
        if (writerGone(dir, name, partial)) rmSync(join(dir, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      let paths: unknown;
      try {
        paths = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      } catch {
        continue; // Gone meanwhile: its run completed.
      }
      if (!Array.isArray(paths)) continue;
      let used = 0;
      for (const path of paths) {
        if (typeof path !== 'string') continue;
        if (await inUse(path)) used++;
        else await remove(path);
      }
      if (used === 0) rmSync(join(dir, name), { force: true });
    }
  }
}
